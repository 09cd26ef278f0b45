/*
 * The OAuth endpoints (threads-api.md §2, §3): the code exchange, the
 * short- to long-lived exchange, the refresh and debug_token, as rows of
 * one table, with the parsers of their answers.  The request core is
 * graph.c: see there why these put their secrets in a query.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "daemon/graph/graph-call.h"
#include "daemon/graph/graph.h"

void
graph_token_clear(struct graph_token *tok)
{
	if (tok == NULL)
		return;
	if (tok->access_token != NULL) {
		sodium_memzero(tok->access_token, strlen(tok->access_token));
		free(tok->access_token);
	}
	memset(tok, 0, sizeof(*tok));
	tok->expires_in = -1;
}

int
graph_parse_token(long status, const char *body, size_t len,
    struct graph_token *ret_tok, struct graph_error *ret_err)
{
	struct json_object	*root, *v;
	struct graph_token	 tok;
	const char		*s;
	int			 r = -EPROTO;

	memset(&tok, 0, sizeof(tok));
	tok.expires_in = -1;
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if ((v = graph_get(root, "access_token", json_type_string)) == NULL ||
	    *(s = json_object_get_string(v)) == '\0') {
		graph_malformed(ret_err, "missing access_token");
		goto out;
	}
	if (graph_get_id(root, "user_id", tok.user_id) == -EINVAL) {
		graph_malformed(ret_err, "bad user_id");
		goto out;
	}
	if (json_object_object_get_ex(root, "expires_in", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_int) ||
		    (tok.expires_in = json_object_get_int64(v)) < 0) {
			graph_malformed(ret_err, "bad expires_in");
			goto out;
		}
	}
	if ((tok.access_token = strdup(s)) == NULL) {
		graph_nomem(ret_err);
		goto out;
	}
	*ret_tok = tok;
	r = 0;
out:
	/*
	 * json-c's copy of the token goes back to the heap wiped.  (Copies
	 * in curl's and the tokenizer's buffers are out of our reach.)
	 */
	if ((v = graph_get(root, "access_token", json_type_string)) != NULL)
		sodium_memzero((char *)(uintptr_t)json_object_get_string(v),
		    json_object_get_string_len(v));
	json_object_put(root);
	return r;
}

int
graph_parse_token_info(long status, const char *body, size_t len,
    struct graph_token_info *ret_info, struct graph_error *ret_err)
{
	struct json_object	*root, *data, *v;
	struct graph_token_info	 info;
	int			 r = -EPROTO;

	memset(&info, 0, sizeof(info));
	if ((data = graph_response_data(status, body, len, json_type_object,
	    &root, ret_err)) == NULL)
		return -EPROTO;
	/* An invalid token is an answer: is_valid false, maybe no user. */
	if ((v = graph_get(data, "is_valid", json_type_boolean)) != NULL)
		info.is_valid = json_object_get_boolean(v);
	if ((v = graph_get(data, "issued_at", json_type_int)) != NULL)
		info.issued_at = json_object_get_int64(v);
	if ((v = graph_get(data, "expires_at", json_type_int)) != NULL)
		info.expires_at = json_object_get_int64(v);
	if (graph_get_id(data, "user_id", info.user_id) == -EINVAL) {
		graph_malformed(ret_err, "bad user_id");
		goto out;
	}
	*ret_info = info;
	r = 0;
out:
	json_object_put(root);
	return r;
}

GRAPH_READER_CLEAR(token_reader, struct graph_token, graph_parse_token,
    graph_token_cb, graph_token_clear);
GRAPH_READER(token_info_reader, struct graph_token_info,
    graph_parse_token_info, graph_token_info_cb);

enum { TOKEN_CODE, TOKEN_LONG, TOKEN_REFRESH, TOKEN_DEBUG };

/* Every answer here is stored: a token or what it says of itself. */
static const struct graph_def token_calls[] = {
	[TOKEN_CODE] = { "POST", "/oauth/access_token", NULL,
	    GRAPH_SECRET | GRAPH_DURABLE, &token_reader },
	[TOKEN_LONG] = { "GET", "/access_token", NULL,
	    GRAPH_SECRET | GRAPH_DURABLE, &token_reader },
	[TOKEN_REFRESH] = { "GET", "/refresh_access_token", NULL,
	    GRAPH_DURABLE, &token_reader },
	[TOKEN_DEBUG] = { "GET", "/v1.0/debug_token", NULL,
	    GRAPH_DURABLE, &token_info_reader },
};

/*
 * What each form carries, in the order sent (debug_token's is Meta's
 * example's, D-dbg): a literal, or one of the values below.
 */
enum token_src { T_LITERAL, T_INPUT, T_APP_ID, T_SECRET, T_REDIRECT };

struct token_field {
	const char	*name;
	enum token_src	 src;
	const char	*literal;
};

#define TOKEN_FIELDS	5

static const struct token_field token_forms[][TOKEN_FIELDS] = {
	[TOKEN_CODE] = {
		{ "client_id", T_APP_ID, NULL },
		{ "client_secret", T_SECRET, NULL },
		{ "code", T_INPUT, NULL },
		{ "grant_type", T_LITERAL, "authorization_code" },
		{ "redirect_uri", T_REDIRECT, NULL },
	},
	[TOKEN_LONG] = {
		{ "grant_type", T_LITERAL, "th_exchange_token" },
		{ "client_secret", T_SECRET, NULL },
		{ "access_token", T_INPUT, NULL },
	},
	/* No client_secret: the refresh does not need one. */
	[TOKEN_REFRESH] = {
		{ "grant_type", T_LITERAL, "th_refresh_token" },
		{ "access_token", T_INPUT, NULL },
	},
	/* The token inspects itself: the caller and input_token both. */
	[TOKEN_DEBUG] = {
		{ "access_token", T_INPUT, NULL },
		{ "input_token", T_INPUT, NULL },
	},
};

static const char *
token_value(const struct graph *g, const struct token_field *f,
    const char *input)
{
	switch (f->src) {
	case T_INPUT:
		return input;
	case T_APP_ID:
		return g->app_id != NULL ? g->app_id : "";
	case T_SECRET:
		return g->app_secret;
	case T_REDIRECT:
		return g->redirect_uri != NULL ? g->redirect_uri : "";
	case T_LITERAL:
		break;
	}
	return f->literal;
}

/* A token call: its row and its form; NULL when input is NULL. */
static struct graph_call *
graph_token_send(struct graph *g, int which, const char *input, graph_cb cb,
    void *arg)
{
	const struct token_field *f = token_forms[which];
	const char *kv[2 * TOKEN_FIELDS + 1];
	size_t i, n = 0;

	if (input == NULL)
		return NULL;
	for (i = 0; i < TOKEN_FIELDS && f[i].name != NULL; i++) {
		kv[n++] = f[i].name;
		kv[n++] = token_value(g, &f[i], input);
	}
	kv[n] = NULL;
	return graph_send(g, &token_calls[which],
	    &(struct graph_req){ .kv = kv }, cb, arg);
}

struct graph_call *
graph_exchange_code(struct graph *g, const char *code, graph_token_cb cb,
    void *arg)
{
	return graph_token_send(g, TOKEN_CODE, code, (graph_cb)cb, arg);
}

struct graph_call *
graph_exchange_long(struct graph *g, const char *short_token,
    graph_token_cb cb, void *arg)
{
	return graph_token_send(g, TOKEN_LONG, short_token, (graph_cb)cb,
	    arg);
}

struct graph_call *
graph_refresh(struct graph *g, const char *token, graph_token_cb cb,
    void *arg)
{
	return graph_token_send(g, TOKEN_REFRESH, token, (graph_cb)cb, arg);
}

struct graph_call *
graph_debug_token(struct graph *g, const char *token, graph_token_info_cb cb,
    void *arg)
{
	return graph_token_send(g, TOKEN_DEBUG, token, (graph_cb)cb, arg);
}
