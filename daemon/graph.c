/*
 * The Threads Graph API client: composes requests, sends them through
 * http, and turns the answers into C structs plus one classified
 * graph_error.  It owns its in-flight calls and copies of what it was
 * given, except the app secret, which is borrowed.  It keeps no account
 * state and does not log.
 *
 * Requests go out as Meta documents them.  The code exchange is a POST
 * with a form body; th_exchange_token, th_refresh_token and debug_token
 * are GETs with the token (and for the exchange the app secret) in the
 * query, since that is the only form Meta documents and the one every
 * working client sends (POST there is "Unsupported post request").  The
 * other calls send the token as a Bearer header.  So a URL may hold a
 * secret: no URL is ever logged or put in an error message (an error
 * names at most the endpoint's path), curl's verbose output and debug
 * callback stay off (http.c), and our URL buffer is wiped once curl has
 * its copy.
 */
#include <sys/queue.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>
#include <sodium.h>

#include "common/timefmt.h"
#include "daemon/graph.h"
#include "daemon/http.h"

#define GRAPH_ME_FIELDS	"id,username,name,threads_profile_picture_url"

enum graph_kind {
	GRAPH_KIND_TOKEN,
	GRAPH_KIND_PROFILE,
	GRAPH_KIND_TOKEN_INFO,
	GRAPH_KIND_INSIGHTS,
	GRAPH_KIND_LOOKUP,
	GRAPH_KIND_PAGE,
	GRAPH_KIND_ID,		/* publishing: create, publish */
	GRAPH_KIND_CONTAINER,
	GRAPH_KIND_QUOTA,
	GRAPH_KIND_MEDIA,
	GRAPH_KIND_THREADS,
};

struct graph_call {
	TAILQ_ENTRY(graph_call)	 entry;
	struct graph		*graph;
	enum graph_kind		 kind;
	union {
		graph_token_cb		 token;
		graph_profile_cb	 profile;
		graph_token_info_cb	 token_info;
		graph_insights_cb	 insights;
		graph_lookup_cb		 lookup;
		graph_page_cb		 page;
		graph_id_cb		 id;
		graph_container_cb	 container;
		graph_quota_cb		 quota;
		graph_media_cb		 media;
		graph_threads_cb	 threads;
	} cb;
	void			*arg;
	struct http_call	*http_call;
	struct event		*defer;		/* a failure known at start */
	struct graph_error	 err;		/* ... and what it is */
	int			 done;		/* its callback is running */
	int			 durable;	/* out, answer must be recorded */
};

struct graph {
	struct http		*http;
	char			*base_url;	/* no trailing '/' */
	char			*app_id;
	char			*redirect_uri;
	const char		*app_secret;	/* borrowed */
	TAILQ_HEAD(, graph_call) calls;
	int			 draining;	/* graph_drain() was called */
	int			 in_durable;	/* in a durable call's callback */
	size_t			 ndurable;	/* durable calls out */
};

const char *
graph_class_name(enum graph_class class)
{
	switch (class) {
	case GRAPH_OK:
		return "ok";
	case GRAPH_TRANSIENT:
		return "transient";
	case GRAPH_THROTTLED:
		return "throttled";
	case GRAPH_AUTH:
		return "auth";
	case GRAPH_NOT_READY:
		return "not_ready";
	case GRAPH_PERMANENT:
		return "permanent";
	}
	return "unknown";
}

/*
 * Copies text Meta sent into a fixed buffer for a log line: control
 * characters become spaces, and a cut never splits a UTF-8 sequence.
 */
static void
graph_copy_text(char *dst, size_t size, const char *src, size_t len)
{
	size_t	 n, i, k;

	n = len < size - 1 ? len : size - 1;
	/* Back to the lead byte of a sequence of at most four. */
	for (k = 0; n < len && k < 3 && n > 0 &&
	    ((unsigned char)src[n] & 0xc0) == 0x80; k++)
		n--;
	for (i = 0; i < n; i++) {
		if ((unsigned char)src[i] < 0x20 || src[i] == 0x7f)
			dst[i] = ' ';
		else
			dst[i] = src[i];
	}
	dst[n] = '\0';
}

static void
graph_set_message(struct graph_error *err, const char *msg)
{
	graph_copy_text(err->message, sizeof(err->message), msg,
	    strlen(msg));
}

static void
graph_malformed(struct graph_error *err, const char *what)
{
	err->class = GRAPH_TRANSIENT;
	if (what == NULL)
		graph_set_message(err, "malformed response");
	else
		snprintf(err->message, sizeof(err->message),
		    "malformed response: %s", what);
}

/*
 * One tokener for every response: json_tokener_new() is four allocations
 * and a 1 KiB calloc, which each response paid for.  Its string buffer
 * keeps what it read last, maybe a token, so it is wiped after each
 * parse (json-c has no call for that: pb is a public, if deprecated,
 * field of the tokener).
 */
static struct json_tokener	*graph_tok;

static void
graph_tok_done(struct json_tokener *tok)
{
	/* Frees what an unfinished parse built. */
	json_tokener_reset(tok);
	if (tok->pb != NULL && tok->pb->buf != NULL && tok->pb->size > 0)
		sodium_memzero(tok->pb->buf, (size_t)tok->pb->size);
}

/* Parses a whole body as one JSON object; NULL when it is anything else. */
static struct json_object *
graph_json_object(const char *body, size_t len)
{
	struct json_tokener	*tok;
	struct json_object	*obj;
	size_t			 end;

	if (body == NULL || len == 0 || len > INT_MAX)
		return NULL;
	if (graph_tok == NULL && (graph_tok = json_tokener_new()) == NULL)
		return NULL;
	tok = graph_tok;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, body, (int)len);
	end = json_tokener_get_parse_end(tok);
	graph_tok_done(tok);
	if (obj == NULL)
		return NULL;
	/* Strict mode refuses trailing text, but not after a NUL byte. */
	for (; end < len; end++)
		if (strchr(" \t\r\n", body[end]) == NULL ||
		    body[end] == '\0')
			break;
	if (end != len || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static struct json_object *
graph_get(struct json_object *obj, const char *key, enum json_type type)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

static const char *
graph_get_string(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	if ((v = graph_get(obj, key, json_type_string)) == NULL)
		return NULL;
	return json_object_get_string(v);
}

static int
graph_get_int(struct json_object *obj, const char *key)
{
	struct json_object	*v;
	int64_t			 n;

	if ((v = graph_get(obj, key, json_type_int)) == NULL)
		return 0;
	n = json_object_get_int64(v);
	if (n < INT_MIN || n > INT_MAX)
		return 0;
	return (int)n;
}

/*
 * An id into a GRAPH_ID_LEN buffer: a string of digits, or a JSON integer
 * (user_id in the code exchange, above 2^53).  json-c keeps integers
 * exact up to UINT64_MAX and clamps beyond, so UINT64_MAX itself is
 * refused; a double has lost digits already and is refused too.  0 when
 * done, -EINVAL when the value is not an id.
 */
static int
graph_id(struct json_object *v, char *ret_id)
{
	const char	*s;
	int64_t		 n;
	uint64_t	 u;
	size_t		 len;

	switch (json_object_get_type(v)) {
	case json_type_string:
		s = json_object_get_string(v);
		len = strlen(s);
		if (len == 0 || len >= GRAPH_ID_LEN ||
		    strspn(s, "0123456789") != len)
			return -EINVAL;
		memcpy(ret_id, s, len + 1);
		return 0;
	case json_type_int:
		if ((n = json_object_get_int64(v)) < 0)
			return -EINVAL;
		if (n < INT64_MAX) {
			snprintf(ret_id, GRAPH_ID_LEN, "%" PRId64, n);
			return 0;
		}
		if ((u = json_object_get_uint64(v)) == UINT64_MAX)
			return -EINVAL;
		snprintf(ret_id, GRAPH_ID_LEN, "%" PRIu64, u);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Classification goes by Meta's code, never by HTTP status (Threads sends
 * 400 and 500 for the same codes).  Throttling comes with is_transient
 * set, so the codes are tested first; 1/2207052 (Meta could not fetch a
 * media URL) will not heal by retrying.
 */
static enum graph_class
graph_classify(int code, int subcode, int is_transient)
{
	if (code == 1 && subcode == 2207052)
		return GRAPH_PERMANENT;
	switch (code) {
	case 4:
	case 17:
	case 32:
	case 341:
	case 613:
		return GRAPH_THROTTLED;
	case 102:
	case 190:
		return GRAPH_AUTH;
	case 24:
		return GRAPH_NOT_READY;
	}
	if (subcode == 4279009)
		return GRAPH_NOT_READY;
	if (code == 1 || code == 2 || is_transient)
		return GRAPH_TRANSIENT;
	return GRAPH_PERMANENT;
}

/* No usable error object: all we have is the status. */
static void
graph_status_error(long status, struct graph_error *err)
{
	if (status >= 500 || status == 408 || status < 100)
		err->class = GRAPH_TRANSIENT;
	else if (status == 429)
		err->class = GRAPH_THROTTLED;
	else
		err->class = GRAPH_PERMANENT;
	snprintf(err->message, sizeof(err->message), "HTTP status %ld",
	    status);
}

/*
 * Finds an error in a body, in either shape: the Graph envelope
 * {"error":{"message","type","code","error_subcode","is_transient",
 * "fbtrace_id"}}, or the flat one of the OAuth code exchange
 * {"error_type","code","error_message"}.  1 when there is one.
 */
static int
graph_json_error(struct json_object *root, long status,
    struct graph_error *err)
{
	struct json_object	*e, *v;
	const char		*s;
	int			 transient = 0;

	if ((e = graph_get(root, "error", json_type_object)) != NULL) {
		err->code = graph_get_int(e, "code");
		err->subcode = graph_get_int(e, "error_subcode");
		if ((v = graph_get(e, "is_transient", json_type_boolean)) !=
		    NULL)
			transient = json_object_get_boolean(v);
		if ((s = graph_get_string(e, "message")) != NULL)
			graph_set_message(err, s);
		if ((s = graph_get_string(e, "type")) != NULL)
			graph_copy_text(err->type, sizeof(err->type), s,
			    strlen(s));
		if ((s = graph_get_string(e, "fbtrace_id")) != NULL)
			graph_copy_text(err->fbtrace_id,
			    sizeof(err->fbtrace_id), s, strlen(s));
	} else if (json_object_object_get_ex(root, "error_type", NULL) ||
	    (json_object_object_get_ex(root, "error_message", NULL) &&
	    /* A container status says error_message too (§6.2). */
	    !json_object_object_get_ex(root, "status", NULL))) {
		err->code = graph_get_int(root, "code");
		err->subcode = graph_get_int(root, "error_subcode");
		if ((s = graph_get_string(root, "error_message")) != NULL)
			graph_set_message(err, s);
		if ((s = graph_get_string(root, "error_type")) != NULL)
			graph_copy_text(err->type, sizeof(err->type), s,
			    strlen(s));
	} else if ((s = graph_get_string(root, "error")) != NULL) {
		/* Plain OAuth 2: {"error":"...","error_description":"..."} */
		graph_copy_text(err->type, sizeof(err->type), s, strlen(s));
		if ((s = graph_get_string(root, "error_description")) == NULL)
			s = err->type;
		graph_set_message(err, s);
	} else
		return 0;
	err->class = graph_classify(err->code, err->subcode, transient);
	if (err->code == 0 && status >= 500)
		err->class = GRAPH_TRANSIENT;
	if (err->message[0] == '\0')
		snprintf(err->message, sizeof(err->message),
		    "Graph API error code %d", err->code);
	return 1;
}

/*
 * Fills err (GRAPH_OK when the body is a 2xx JSON object without an
 * error) and returns the parsed object in that case only.
 */
static struct json_object *
graph_response(long status, const char *body, size_t len,
    struct graph_error *err)
{
	struct json_object	*root;

	memset(err, 0, sizeof(*err));
	err->http_status = status;
	root = graph_json_object(body, len);
	if (root != NULL && graph_json_error(root, status, err)) {
		json_object_put(root);
		return NULL;
	}
	if (status < 200 || status > 299) {
		json_object_put(root);
		graph_status_error(status, err);
		return NULL;
	}
	if (root == NULL) {
		graph_malformed(err, NULL);
		return NULL;
	}
	err->class = GRAPH_OK;
	return root;
}

void
graph_parse_error(long status, const char *body, size_t len,
    struct graph_error *ret_err)
{
	json_object_put(graph_response(status, body, len, ret_err));
}

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
	if (json_object_object_get_ex(root, "user_id", &v) &&
	    !json_object_is_type(v, json_type_null) &&
	    graph_id(v, tok.user_id) < 0) {
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
		ret_err->class = GRAPH_TRANSIENT;
		graph_set_message(ret_err, "out of memory");
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

void
graph_profile_clear(struct graph_profile *prof)
{
	if (prof == NULL)
		return;
	free(prof->username);
	free(prof->name);
	free(prof->picture_url);
	memset(prof, 0, sizeof(*prof));
}

/* 0 with *ret NULL when absent or not a string; -ENOMEM. */
static int
graph_dup_string(struct json_object *obj, const char *key, char **ret)
{
	const char	*s;

	*ret = NULL;
	if ((s = graph_get_string(obj, key)) == NULL)
		return 0;
	if ((*ret = strdup(s)) == NULL)
		return -ENOMEM;
	return 0;
}

int
graph_parse_profile(long status, const char *body, size_t len,
    struct graph_profile *ret_prof, struct graph_error *ret_err)
{
	struct json_object	*root, *v;
	struct graph_profile	 prof;
	int			 r = -EPROTO;

	memset(&prof, 0, sizeof(prof));
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if (!json_object_object_get_ex(root, "id", &v)) {
		graph_malformed(ret_err, "missing id");
		goto out;
	}
	if (graph_id(v, prof.id) < 0) {
		graph_malformed(ret_err, "bad id");
		goto out;
	}
	if (graph_dup_string(root, "username", &prof.username) < 0 ||
	    graph_dup_string(root, "name", &prof.name) < 0 ||
	    graph_dup_string(root, "threads_profile_picture_url",
	    &prof.picture_url) < 0) {
		ret_err->class = GRAPH_TRANSIENT;
		graph_set_message(ret_err, "out of memory");
		goto out;
	}
	*ret_prof = prof;
	memset(&prof, 0, sizeof(prof));
	r = 0;
out:
	graph_profile_clear(&prof);
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
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if ((data = graph_get(root, "data", json_type_object)) == NULL) {
		graph_malformed(ret_err, "missing data");
		goto out;
	}
	/* An invalid token is an answer: is_valid false, maybe no user. */
	if ((v = graph_get(data, "is_valid", json_type_boolean)) != NULL)
		info.is_valid = json_object_get_boolean(v);
	if ((v = graph_get(data, "issued_at", json_type_int)) != NULL)
		info.issued_at = json_object_get_int64(v);
	if ((v = graph_get(data, "expires_at", json_type_int)) != NULL)
		info.expires_at = json_object_get_int64(v);
	if (json_object_object_get_ex(data, "user_id", &v) &&
	    !json_object_is_type(v, json_type_null) &&
	    graph_id(v, info.user_id) < 0) {
		graph_malformed(ret_err, "bad user_id");
		goto out;
	}
	*ret_info = info;
	r = 0;
out:
	json_object_put(root);
	return r;
}

struct graph *
graph_new(struct http *http, const char *base_url, const char *app_id,
    const char *redirect_uri, const char *app_secret)
{
	struct graph	*g;
	size_t		 len;

	if (http == NULL || base_url == NULL || !http_url_allowed(base_url))
		return NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->http = http;
	g->app_secret = app_secret;
	TAILQ_INIT(&g->calls);
	if ((g->base_url = strdup(base_url)) == NULL)
		goto fail;
	len = strlen(g->base_url);
	while (len > 0 && g->base_url[len - 1] == '/')
		g->base_url[--len] = '\0';
	if (app_id != NULL && (g->app_id = strdup(app_id)) == NULL)
		goto fail;
	if (redirect_uri != NULL &&
	    (g->redirect_uri = strdup(redirect_uri)) == NULL)
		goto fail;
	return g;
fail:
	graph_free(g);
	return NULL;
}

/* Cancels the calls in flight: their callbacks do not run. */
void
graph_free(struct graph *g)
{
	struct graph_call	*c;

	if (g == NULL)
		return;
	while ((c = TAILQ_FIRST(&g->calls)) != NULL)
		graph_cancel(c);
	free(g->base_url);
	free(g->app_id);
	free(g->redirect_uri);
	free(g);
	/* The parsers make a new one when they need it. */
	if (graph_tok != NULL) {
		graph_tok_done(graph_tok);
		json_tokener_free(graph_tok);
		graph_tok = NULL;
	}
}

size_t
graph_drain(struct graph *g)
{
	struct graph_call	*c;
	size_t			 n = 0;

	g->draining = 1;
	/* Held like the calls started from now on: no answer comes. */
	TAILQ_FOREACH(c, &g->calls, entry) {
		if (c->durable || c->http_call == NULL)
			continue;
		http_cancel(c->http_call);
		c->http_call = NULL;
		n++;
	}
	return n;
}

size_t
graph_in_flight_durable(const struct graph *g)
{
	return g->ndurable;
}

static void
graph_free_secret(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

/*
 * "k1=v1&k2=v2" from NULL-terminated key/value pairs, values escaped.
 * The result may hold secrets: graph_free_secret() it.  NULL on OOM.
 */
static char *
graph_form(const char *const *kv)
{
	char	*esc[16], *form = NULL, *p;
	size_t	 i, n, len = 1;

	for (n = 0; n < 16 && kv[2 * n] != NULL; n++) {
		if ((esc[n] = http_escape(kv[2 * n + 1])) == NULL)
			goto out;
		len += strlen(kv[2 * n]) + strlen(esc[n]) + 2;
	}
	if ((form = malloc(len)) == NULL)
		goto out;
	for (i = 0, p = form; i < n; i++)
		p += snprintf(p, len - (p - form), "%s%s=%s",
		    i == 0 ? "" : "&", kv[2 * i], esc[i]);
	*p = '\0';
out:
	for (i = 0; i < n; i++)
		graph_free_secret(esc[i]);
	return form;
}

/*
 * The poller's reads: user insights (threads-api.md §4.1, §9.5),
 * profile_lookup (§5.1, §9.7) and the /me/threads listing (§6.6, §9.10).
 * A value that is missing, negative or not an integer stays
 * GRAPH_UNKNOWN: a wrong 0 would show as a real drop in the history.
 */
static int64_t
graph_count(struct json_object *v)
{
	int64_t	n;

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return GRAPH_UNKNOWN;
	n = json_object_get_int64(v);
	return n < 0 ? GRAPH_UNKNOWN : n;
}

/* views is one value a day: the one with the latest end_time wins. */
static int64_t
graph_series_latest(struct json_object *arr)
{
	struct json_object	*e;
	const char		*s;
	int64_t			 best = GRAPH_UNKNOWN, best_t = INT64_MIN, t, v;
	size_t			 i, n;

	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_object) ||
		    (v = graph_count(graph_get(e, "value", json_type_int))) < 0)
			continue;
		/* Without end_time the order of the array decides. */
		if ((s = graph_get_string(e, "end_time")) == NULL ||
		    timefmt_parse(s, 0, &t) < 0)
			t = INT64_MIN / 2 + (int64_t)i;
		if (t >= best_t) {
			best_t = t;
			best = v;
		}
	}
	return best;
}

/* clicks come one entry per link: the total is their sum. */
static int64_t
graph_links_sum(struct json_object *arr)
{
	int64_t	sum = 0, v;
	size_t	i, n;

	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		v = graph_count(graph_get(json_object_array_get_idx(arr, i),
		    "value", json_type_int));
		if (v < 0)
			continue;
		sum = v > INT64_MAX - sum ? INT64_MAX : sum + v;
	}
	return sum;
}

/*
 * One metric, whichever of the three shapes it came in, tried in the
 * order clients parse them: values[], total_value, link_total_values.
 */
static int64_t
graph_metric_value(struct json_object *m)
{
	struct json_object	*v;

	if ((v = graph_get(m, "values", json_type_array)) != NULL &&
	    json_object_array_length(v) > 0)
		return graph_series_latest(v);
	if ((v = graph_get(m, "total_value", json_type_object)) != NULL)
		return graph_count(graph_get(v, "value", json_type_int));
	if ((v = graph_get(m, "link_total_values", json_type_array)) != NULL)
		return graph_links_sum(v);
	return GRAPH_UNKNOWN;
}

int
graph_parse_insights(long status, const char *body, size_t len,
    struct graph_insights *ret_ins, struct graph_error *ret_err)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} metrics[] = {
		{ "views", offsetof(struct graph_insights, views) },
		{ "likes", offsetof(struct graph_insights, likes) },
		{ "replies", offsetof(struct graph_insights, replies) },
		{ "reposts", offsetof(struct graph_insights, reposts) },
		{ "quotes", offsetof(struct graph_insights, quotes) },
		{ "clicks", offsetof(struct graph_insights, clicks) },
		{ "followers_count", offsetof(struct graph_insights,
		    followers) },
	};
	struct json_object	*root, *data, *e;
	struct graph_insights	 ins;
	const char		*name;
	size_t			 i, j, n;

	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if ((data = graph_get(root, "data", json_type_array)) == NULL) {
		graph_malformed(ret_err, "missing data");
		json_object_put(root);
		return -EPROTO;
	}
	for (j = 0; j < sizeof(metrics) / sizeof(metrics[0]); j++)
		*(int64_t *)(void *)((char *)&ins + metrics[j].off) =
		    GRAPH_UNKNOWN;
	n = json_object_array_length(data);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(data, i);
		if (!json_object_is_type(e, json_type_object) ||
		    (name = graph_get_string(e, "name")) == NULL)
			continue;
		for (j = 0; j < sizeof(metrics) / sizeof(metrics[0]); j++)
			if (strcmp(name, metrics[j].name) == 0)
				*(int64_t *)(void *)((char *)&ins +
				    metrics[j].off) = graph_metric_value(e);
	}
	json_object_put(root);
	*ret_ins = ins;
	return 0;
}

int
graph_parse_lookup(long status, const char *body, size_t len,
    struct graph_lookup *ret_lookup, struct graph_error *ret_err)
{
	struct json_object	*root;

	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	ret_lookup->followers = graph_count(graph_get(root, "follower_count",
	    json_type_int));
	json_object_put(root);
	return 0;
}

void
graph_page_clear(struct graph_page *page)
{
	if (page == NULL)
		return;
	free(page->at);
	free(page->after);
	memset(page, 0, sizeof(*page));
}

/* Meta's cursors are opaque base64 of ~100 bytes; refuse absurd ones. */
#define GRAPH_CURSOR_MAX	2048

/*
 * A page continues when it has an after cursor and either a next URL
 * (Meta) or a full page (the fake, which sends cursors only): so the
 * last page of a listing is not followed by an empty one.
 */
int
graph_parse_page(long status, const char *body, size_t len,
    struct graph_page *ret_page, struct graph_error *ret_err)
{
	struct json_object	*root, *data, *e, *paging, *cursors;
	struct graph_page	 page;
	const char		*s, *after = NULL;
	size_t			 i, n;
	int64_t			 t;
	int			 r = -EPROTO;

	memset(&page, 0, sizeof(page));
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if ((data = graph_get(root, "data", json_type_array)) == NULL) {
		graph_malformed(ret_err, "missing data");
		goto out;
	}
	n = json_object_array_length(data);
	if ((page.at = calloc(n > 0 ? n : 1, sizeof(*page.at))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(data, i);
		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "id", NULL))
			continue;
		if ((s = graph_get_string(e, "timestamp")) == NULL ||
		    timefmt_parse(s, 0, &t) < 0 || t < 0)
			t = 0;
		page.at[page.n++] = t;
	}
	if ((paging = graph_get(root, "paging", json_type_object)) != NULL &&
	    (cursors = graph_get(paging, "cursors", json_type_object)) != NULL)
		after = graph_get_string(cursors, "after");
	if (after != NULL && *after != '\0' && page.n > 0 &&
	    (graph_get_string(paging, "next") != NULL ||
	    page.n >= GRAPH_PAGE_LIMIT)) {
		if (strlen(after) > GRAPH_CURSOR_MAX) {
			graph_malformed(ret_err, "cursor too long");
			goto out;
		}
		if ((page.after = strdup(after)) == NULL)
			goto nomem;
	}
	*ret_page = page;
	memset(&page, 0, sizeof(page));
	r = 0;
	goto out;
nomem:
	ret_err->class = GRAPH_TRANSIENT;
	graph_set_message(ret_err, "out of memory");
out:
	graph_page_clear(&page);
	json_object_put(root);
	return r;
}

static void
graph_finish_read(struct graph_call *c, long status, const char *body,
    size_t len)
{
	struct graph_insights	 ins;
	struct graph_lookup	 lookup;
	struct graph_page	 page;
	struct graph_error	*err = &c->err;

	switch (c->kind) {
	case GRAPH_KIND_INSIGHTS:
		if (graph_parse_insights(status, body, len, &ins, err) == 0)
			c->cb.insights(err, &ins, c->arg);
		else
			c->cb.insights(err, NULL, c->arg);
		break;
	case GRAPH_KIND_LOOKUP:
		if (graph_parse_lookup(status, body, len, &lookup, err) == 0)
			c->cb.lookup(err, &lookup, c->arg);
		else
			c->cb.lookup(err, NULL, c->arg);
		break;
	case GRAPH_KIND_PAGE:
		if (graph_parse_page(status, body, len, &page, err) == 0) {
			c->cb.page(err, &page, c->arg);
			graph_page_clear(&page);
		} else
			c->cb.page(err, NULL, c->arg);
		break;
	default:
		break;
	}
}

static void	graph_finish_post(struct graph_call *, long, const char *,
		    size_t);
static void	graph_fail_post(struct graph_call *);

static void
graph_finish(struct graph_call *c, long status, const char *body,
    size_t len)
{
	struct graph_token	 tok;
	struct graph_profile	 prof;
	struct graph_token_info	 info;
	struct graph_error	*err = &c->err;

	switch (c->kind) {
	case GRAPH_KIND_TOKEN:
		if (graph_parse_token(status, body, len, &tok, err) == 0) {
			c->cb.token(err, &tok, c->arg);
			graph_token_clear(&tok);
		} else
			c->cb.token(err, NULL, c->arg);
		break;
	case GRAPH_KIND_PROFILE:
		if (graph_parse_profile(status, body, len, &prof, err) == 0) {
			c->cb.profile(err, &prof, c->arg);
			graph_profile_clear(&prof);
		} else
			c->cb.profile(err, NULL, c->arg);
		break;
	case GRAPH_KIND_TOKEN_INFO:
		if (graph_parse_token_info(status, body, len, &info,
		    err) == 0)
			c->cb.token_info(err, &info, c->arg);
		else
			c->cb.token_info(err, NULL, c->arg);
		break;
	case GRAPH_KIND_INSIGHTS:
	case GRAPH_KIND_LOOKUP:
	case GRAPH_KIND_PAGE:
		graph_finish_read(c, status, body, len);
		break;
	case GRAPH_KIND_ID:
	case GRAPH_KIND_CONTAINER:
	case GRAPH_KIND_QUOTA:
	case GRAPH_KIND_MEDIA:
	case GRAPH_KIND_THREADS:
		graph_finish_post(c, status, body, len);
		break;
	}
}

/* On failure a callback gets NULL for the result. */
static void
graph_fail(struct graph_call *c)
{
	switch (c->kind) {
	case GRAPH_KIND_TOKEN:
		c->cb.token(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_PROFILE:
		c->cb.profile(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_TOKEN_INFO:
		c->cb.token_info(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_INSIGHTS:
		c->cb.insights(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_LOOKUP:
		c->cb.lookup(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_PAGE:
		c->cb.page(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_ID:
	case GRAPH_KIND_CONTAINER:
	case GRAPH_KIND_QUOTA:
	case GRAPH_KIND_MEDIA:
	case GRAPH_KIND_THREADS:
		graph_fail_post(c);
		break;
	}
}

/*
 * Unlinked before its callback runs, so that the callback may start or
 * cancel calls, even this one (a no-op while done is set).
 */
static void
graph_call_done(struct graph_call *c)
{
	TAILQ_REMOVE(&c->graph->calls, c, entry);
	c->done = 1;
}

static void
graph_http_cb(const struct http_response *resp, void *arg)
{
	struct graph_call	*c = arg;
	struct graph		*g = c->graph;

	c->http_call = NULL;
	graph_call_done(c);
	if (c->durable) {
		g->ndurable--;
		g->in_durable++;
	}
	if (resp->failed) {
		memset(&c->err, 0, sizeof(c->err));
		c->err.class = GRAPH_TRANSIENT;
		graph_set_message(&c->err, resp->error != NULL ? resp->error :
		    "no HTTP answer");
		graph_fail(c);
	} else
		graph_finish(c, resp->status, resp->body, resp->len);
	if (c->durable)
		g->in_durable--;
	free(c);
}

static void
graph_defer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct graph_call	*c = arg;

	(void)fd;
	(void)what;
	event_free(c->defer);
	c->defer = NULL;
	graph_call_done(c);
	graph_fail(c);
	free(c);
}

static struct graph_call *
graph_call_new(struct graph *g, enum graph_kind kind, void *arg)
{
	struct graph_call	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->graph = g;
	c->kind = kind;
	c->arg = arg;
	return c;
}

/*
 * A call that fails before it starts still reports from the loop, never
 * from inside graph_*(): callers may not be ready for a callback before
 * they hold the handle.
 */
static struct graph_call *
graph_start_failed(struct graph_call *c, enum graph_class class,
    const char *msg)
{
	c->err.class = class;
	graph_set_message(&c->err, msg);
	if ((c->defer = event_new(http_base(c->graph->http), -1, 0,
	    graph_defer_cb, c)) == NULL) {
		free(c);
		return NULL;
	}
	event_active(c->defer, EV_TIMEOUT, 1);
	TAILQ_INSERT_TAIL(&c->graph->calls, c, entry);
	return c;
}

/* Whether Meta's answer to a call of this kind changes what we store. */
static int
graph_kind_durable(enum graph_kind kind)
{
	return kind == GRAPH_KIND_TOKEN || kind == GRAPH_KIND_TOKEN_INFO ||
	    kind == GRAPH_KIND_ID;
}

static struct graph_call *
graph_start(struct graph_call *c, const char *method, const char *path,
    const char *bearer, const char *form)
{
	struct graph		*g = c->graph;
	struct http_request	 req;
	char			*url;

	/* A continuation goes out even while stopping: see graph_drain(). */
	if (g->draining && g->in_durable == 0) {
		TAILQ_INSERT_TAIL(&g->calls, c, entry);
		return c;
	}
	if (asprintf(&url, "%s%s", c->graph->base_url, path) == -1) {
		free(c);
		return NULL;
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.bearer = bearer;
	req.form = form;
	c->http_call = http_start(c->graph->http, &req, graph_http_cb, c);
	/* The query may hold a token or the app secret. */
	sodium_memzero(url, strlen(url));
	free(url);
	if (c->http_call == NULL) {
		free(c);
		return NULL;
	}
	if (graph_kind_durable(c->kind) || g->in_durable > 0) {
		c->durable = 1;
		g->ndurable++;
	}
	TAILQ_INSERT_TAIL(&g->calls, c, entry);
	return c;
}

/* A token request with a form body; the form is wiped either way. */
static struct graph_call *
graph_token_post(struct graph *g, const char *path, const char *const *kv,
    graph_token_cb cb, void *arg)
{
	struct graph_call	*c;
	char			*form;

	if ((c = graph_call_new(g, GRAPH_KIND_TOKEN, arg)) == NULL)
		return NULL;
	c->cb.token = cb;
	if ((form = graph_form(kv)) == NULL) {
		free(c);
		return NULL;
	}
	c = graph_start(c, "POST", path, NULL, form);
	graph_free_secret(form);
	return c;
}

/*
 * A GET with its parameters, secrets included, in the query, as Meta
 * documents the token endpoints; path and query are wiped either way.
 */
static struct graph_call *
graph_query_get(struct graph_call *c, const char *path,
    const char *const *kv)
{
	char	*query, *full;
	int	 n;

	if ((query = graph_form(kv)) == NULL) {
		free(c);
		return NULL;
	}
	n = asprintf(&full, "%s?%s", path, query);
	graph_free_secret(query);
	if (n == -1) {
		free(c);
		return NULL;
	}
	c = graph_start(c, "GET", full, NULL, NULL);
	graph_free_secret(full);
	return c;
}

static struct graph_call *
graph_token_get(struct graph *g, const char *path, const char *const *kv,
    graph_token_cb cb, void *arg)
{
	struct graph_call	*c;

	if ((c = graph_call_new(g, GRAPH_KIND_TOKEN, arg)) == NULL)
		return NULL;
	c->cb.token = cb;
	return graph_query_get(c, path, kv);
}

struct graph_call *
graph_exchange_code(struct graph *g, const char *code, graph_token_cb cb,
    void *arg)
{
	struct graph_call	*c;
	const char		*kv[] = {
		"client_id", g->app_id != NULL ? g->app_id : "",
		"client_secret", g->app_secret,
		"code", code,
		"grant_type", "authorization_code",
		"redirect_uri", g->redirect_uri != NULL ? g->redirect_uri : "",
		NULL,
	};

	if (code == NULL || cb == NULL)
		return NULL;
	if (g->app_secret == NULL) {
		if ((c = graph_call_new(g, GRAPH_KIND_TOKEN, arg)) == NULL)
			return NULL;
		c->cb.token = cb;
		return graph_start_failed(c, GRAPH_PERMANENT,
		    "no app secret configured");
	}
	return graph_token_post(g, "/oauth/access_token", kv, cb, arg);
}

struct graph_call *
graph_exchange_long(struct graph *g, const char *short_token,
    graph_token_cb cb, void *arg)
{
	struct graph_call	*c;
	const char		*kv[] = {
		"grant_type", "th_exchange_token",
		"client_secret", g->app_secret,
		"access_token", short_token,
		NULL,
	};

	if (short_token == NULL || cb == NULL)
		return NULL;
	if (g->app_secret == NULL) {
		if ((c = graph_call_new(g, GRAPH_KIND_TOKEN, arg)) == NULL)
			return NULL;
		c->cb.token = cb;
		return graph_start_failed(c, GRAPH_PERMANENT,
		    "no app secret configured");
	}
	return graph_token_get(g, "/access_token", kv, cb, arg);
}

/* No client_secret: the refresh does not need one. */
struct graph_call *
graph_refresh(struct graph *g, const char *token, graph_token_cb cb,
    void *arg)
{
	const char	*kv[] = {
		"grant_type", "th_refresh_token",
		"access_token", token,
		NULL,
	};

	if (token == NULL || cb == NULL)
		return NULL;
	return graph_token_get(g, "/refresh_access_token", kv, cb, arg);
}

struct graph_call *
graph_me(struct graph *g, const char *token, graph_profile_cb cb, void *arg)
{
	struct graph_call	*c;

	if (token == NULL || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_PROFILE, arg)) == NULL)
		return NULL;
	c->cb.profile = cb;
	return graph_start(c, "GET", "/v1.0/me?fields=" GRAPH_ME_FIELDS,
	    token, NULL);
}

/*
 * The token inspects itself: it is both access_token (the caller) and
 * input_token, in the query, in the order of Meta's example (D-dbg).
 */
struct graph_call *
graph_debug_token(struct graph *g, const char *token, graph_token_info_cb cb,
    void *arg)
{
	struct graph_call	*c;
	const char		*kv[] = {
		"access_token", token,
		"input_token", token,
		NULL,
	};

	if (token == NULL || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_TOKEN_INFO, arg)) == NULL)
		return NULL;
	c->cb.token_info = cb;
	return graph_query_get(c, "/v1.0/debug_token", kv);
}

/* Ids are ours (from the store), but a URL path gets digits only. */
static int
graph_is_id(const char *s)
{
	size_t	len = strlen(s);

	return len > 0 && len < GRAPH_ID_LEN &&
	    strspn(s, "0123456789") == len;
}

struct graph_call *
graph_insights(struct graph *g, const char *token, const char *user_id,
    const char *metrics, graph_insights_cb cb, void *arg)
{
	struct graph_call	*c;
	char			*esc, *path;

	if (token == NULL || user_id == NULL || !graph_is_id(user_id) ||
	    metrics == NULL || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_INSIGHTS, arg)) == NULL)
		return NULL;
	c->cb.insights = cb;
	if ((esc = http_escape(metrics)) == NULL) {
		free(c);
		return NULL;
	}
	if (asprintf(&path, "/v1.0/%s/threads_insights?metric=%s", user_id,
	    esc) == -1) {
		free(esc);
		free(c);
		return NULL;
	}
	free(esc);
	c = graph_start(c, "GET", path, token, NULL);
	free(path);
	return c;
}

struct graph_call *
graph_profile_lookup(struct graph *g, const char *token,
    const char *username, graph_lookup_cb cb, void *arg)
{
	struct graph_call	*c;
	char			*esc, *path;

	if (token == NULL || username == NULL || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_LOOKUP, arg)) == NULL)
		return NULL;
	c->cb.lookup = cb;
	if ((esc = http_escape(username)) == NULL) {
		free(c);
		return NULL;
	}
	if (asprintf(&path, "/v1.0/profile_lookup?username=%s"
	    "&fields=username,follower_count", esc) == -1) {
		free(esc);
		free(c);
		return NULL;
	}
	free(esc);
	c = graph_start(c, "GET", path, token, NULL);
	free(path);
	return c;
}

struct graph_call *
graph_threads_page(struct graph *g, const char *token, int64_t since,
    const char *after, graph_page_cb cb, void *arg)
{
	struct graph_call	*c;
	char			*esc = NULL, *path, num[32] = "";
	int			 n;

	if (token == NULL || cb == NULL || since < 0)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_PAGE, arg)) == NULL)
		return NULL;
	c->cb.page = cb;
	if (after != NULL && (esc = http_escape(after)) == NULL) {
		free(c);
		return NULL;
	}
	if (since > 0)
		snprintf(num, sizeof(num), "&since=%" PRId64, since);
	n = asprintf(&path, "/v1.0/me/threads?fields=id,timestamp"
	    "&limit=%d%s%s%s", GRAPH_PAGE_LIMIT, num,
	    esc != NULL ? "&after=" : "", esc != NULL ? esc : "");
	free(esc);
	if (n == -1) {
		free(c);
		return NULL;
	}
	c = graph_start(c, "GET", path, token, NULL);
	free(path);
	return c;
}

void
graph_cancel(struct graph_call *c)
{
	/* From inside its own callback: freed when that returns. */
	if (c == NULL || c->done)
		return;
	if (c->durable)
		c->graph->ndurable--;
	http_cancel(c->http_call);
	if (c->defer != NULL)
		event_free(c->defer);
	TAILQ_REMOVE(&c->graph->calls, c, entry);
	free(c);
}

/*
 * Publishing (threads-api.md §6, §9.8-9.10): containers, their status,
 * the publish call, the quota, permalinks, and the listing that recovery
 * searches.  Whether a publish went out is the scheduler's question;
 * these only report what Meta answered.
 */
int
graph_error_is_quota(const struct graph_error *err)
{
	/* Meta's shape is unknown (§10.3); the fake answers 9/2207042. */
	return err->class != GRAPH_OK && err->code == 9;
}

/*
 * Meta's "App Not Installed" (190, subcode 458: "the user has not
 * authorized application"): the owner removed the app in Threads'
 * settings.  Unlike an expired or invalidated token (463, 460, 467...)
 * this is the person saying no: threadsd stops and forgets them.
 */
int
graph_error_is_revoked(const struct graph_error *err)
{
	return err->class == GRAPH_AUTH && err->code == 190 &&
	    err->subcode == 458;
}

const char *
graph_media_read_name(enum graph_media_type t)
{
	switch (t) {
	case GRAPH_MEDIA_TEXT:
		return "TEXT_POST";
	case GRAPH_MEDIA_IMAGE:
		return "IMAGE";
	case GRAPH_MEDIA_VIDEO:
		return "VIDEO";
	case GRAPH_MEDIA_CAROUSEL:
		return "CAROUSEL_ALBUM";
	}
	return "";
}

static const char *
graph_media_create_name(enum graph_media_type t)
{
	switch (t) {
	case GRAPH_MEDIA_TEXT:
		return "TEXT";
	case GRAPH_MEDIA_IMAGE:
		return "IMAGE";
	case GRAPH_MEDIA_VIDEO:
		return "VIDEO";
	case GRAPH_MEDIA_CAROUSEL:
		return "CAROUSEL";
	}
	return "";
}

/* Ids go into paths: digits only, or the call is refused. */
static int
graph_post_id_ok(const char *s)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) == 0 || len >= GRAPH_ID_LEN)
		return 0;
	return strspn(s, "0123456789") == len;
}

int
graph_parse_id(long status, const char *body, size_t len,
    char ret_id[GRAPH_ID_LEN], struct graph_error *ret_err)
{
	struct json_object	*root, *v;
	char			 id[GRAPH_ID_LEN];
	int			 r = -EPROTO;

	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if (!json_object_object_get_ex(root, "id", &v) ||
	    graph_id(v, id) < 0)
		graph_malformed(ret_err, "missing or bad id");
	else {
		memcpy(ret_id, id, GRAPH_ID_LEN);
		r = 0;
	}
	json_object_put(root);
	return r;
}

int
graph_parse_container(long status, const char *body, size_t len,
    struct graph_container *ret_c, struct graph_error *ret_err)
{
	static const char *const names[] = {
		[GRAPH_CONTAINER_IN_PROGRESS] = "IN_PROGRESS",
		[GRAPH_CONTAINER_FINISHED] = "FINISHED",
		[GRAPH_CONTAINER_PUBLISHED] = "PUBLISHED",
		[GRAPH_CONTAINER_ERROR] = "ERROR",
		[GRAPH_CONTAINER_EXPIRED] = "EXPIRED",
	};
	struct json_object	*root, *v;
	struct graph_container	 c;
	const char		*s;
	size_t			 i;
	int			 r = -EPROTO;

	memset(&c, 0, sizeof(c));
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if (!json_object_object_get_ex(root, "id", &v) ||
	    graph_id(v, c.id) < 0) {
		graph_malformed(ret_err, "missing or bad id");
		goto out;
	}
	if ((s = graph_get_string(root, "status")) == NULL) {
		graph_malformed(ret_err, "missing status");
		goto out;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0])) {
		graph_malformed(ret_err, "unknown container status");
		goto out;
	}
	c.state = (enum graph_container_state)i;
	if ((s = graph_get_string(root, "error_message")) != NULL)
		graph_copy_text(c.error_message, sizeof(c.error_message), s,
		    strlen(s));
	*ret_c = c;
	r = 0;
out:
	json_object_put(root);
	return r;
}

static int64_t
graph_quota_num(struct json_object *obj, const char *key)
{
	struct json_object	*v;
	int64_t			 n;

	if ((v = graph_get(obj, key, json_type_int)) == NULL ||
	    (n = json_object_get_int64(v)) < 0)
		return -1;
	return n;
}

int
graph_parse_quota(long status, const char *body, size_t len,
    struct graph_quota *ret_q, struct graph_error *ret_err)
{
	struct json_object	*root, *data, *e, *cfg;
	struct graph_quota	 q = { -1, -1, -1, -1, -1 };
	int			 r = -EPROTO;

	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if ((data = graph_get(root, "data", json_type_array)) == NULL ||
	    json_object_array_length(data) < 1 ||
	    !json_object_is_type(e = json_object_array_get_idx(data, 0),
	    json_type_object)) {
		graph_malformed(ret_err, "missing data");
		goto out;
	}
	q.posts_used = graph_quota_num(e, "quota_usage");
	q.replies_used = graph_quota_num(e, "reply_quota_usage");
	if ((cfg = graph_get(e, "config", json_type_object)) != NULL) {
		q.posts_total = graph_quota_num(cfg, "quota_total");
		q.duration = graph_quota_num(cfg, "quota_duration");
	}
	if ((cfg = graph_get(e, "reply_config", json_type_object)) != NULL)
		q.replies_total = graph_quota_num(cfg, "quota_total");
	*ret_q = q;
	r = 0;
out:
	json_object_put(root);
	return r;
}

int
graph_parse_media(long status, const char *body, size_t len,
    struct graph_media *ret_m, struct graph_error *ret_err)
{
	struct json_object	*root, *v;
	struct graph_media	 m;
	const char		*s;
	int			 r = -EPROTO;

	memset(&m, 0, sizeof(m));
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if (!json_object_object_get_ex(root, "id", &v) ||
	    graph_id(v, m.id) < 0) {
		graph_malformed(ret_err, "missing or bad id");
		goto out;
	}
	/* Withheld for flagged media (§6.6); a cut URL is no URL. */
	if ((s = graph_get_string(root, "permalink")) != NULL &&
	    strlen(s) < sizeof(m.permalink))
		graph_copy_text(m.permalink, sizeof(m.permalink), s,
		    strlen(s));
	*ret_m = m;
	r = 0;
out:
	json_object_put(root);
	return r;
}

void
graph_threads_clear(struct graph_threads *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->items[i].text);
	free(t->items);
	free(t->after);
	memset(t, 0, sizeof(*t));
}

/* Entries without a usable id are skipped, not fatal: the page is data. */
int
graph_parse_threads(long status, const char *body, size_t len,
    struct graph_threads *ret_t, struct graph_error *ret_err)
{
	struct json_object	*root, *data, *e, *v, *p;
	struct graph_threads	 t;
	struct graph_thread	*it;
	const char		*s;
	size_t			 i, n;
	int			 r = -EPROTO;

	memset(&t, 0, sizeof(t));
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if ((data = graph_get(root, "data", json_type_array)) == NULL) {
		graph_malformed(ret_err, "missing data");
		goto out;
	}
	n = json_object_array_length(data);
	if (n > 0 && (t.items = calloc(n, sizeof(*t.items))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(data, i);
		it = &t.items[t.n];
		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "id", &v) ||
		    graph_id(v, it->id) < 0)
			continue;
		if ((s = graph_get_string(e, "text")) != NULL &&
		    (it->text = strdup(s)) == NULL)
			goto nomem;
		if ((s = graph_get_string(e, "timestamp")) == NULL ||
		    timefmt_parse(s, 0, &it->timestamp) < 0)
			it->timestamp = 0;
		if ((s = graph_get_string(e, "media_type")) != NULL)
			graph_copy_text(it->media_type,
			    sizeof(it->media_type), s, strlen(s));
		if ((v = graph_get(e, "reposted_post",
		    json_type_object)) != NULL &&
		    json_object_object_get_ex(v, "id", &v) &&
		    graph_id(v, it->reposted) < 0)
			it->reposted[0] = '\0';
		t.n++;
	}
	if ((p = graph_get(root, "paging", json_type_object)) != NULL &&
	    (p = graph_get(p, "cursors", json_type_object)) != NULL &&
	    (s = graph_get_string(p, "after")) != NULL && *s != '\0' &&
	    n > 0 && (t.after = strdup(s)) == NULL)
		goto nomem;
	*ret_t = t;
	memset(&t, 0, sizeof(t));
	r = 0;
	goto out;
nomem:
	ret_err->class = GRAPH_TRANSIENT;
	graph_set_message(ret_err, "out of memory");
out:
	graph_threads_clear(&t);
	json_object_put(root);
	return r;
}

static void
graph_finish_post(struct graph_call *c, long status, const char *body,
    size_t len)
{
	struct graph_error	*err = &c->err;
	struct graph_container	 cont;
	struct graph_quota	 q;
	struct graph_media	 m;
	struct graph_threads	 t;
	char			 id[GRAPH_ID_LEN];

	switch (c->kind) {
	case GRAPH_KIND_ID:
		if (graph_parse_id(status, body, len, id, err) == 0)
			c->cb.id(err, id, c->arg);
		else
			c->cb.id(err, NULL, c->arg);
		break;
	case GRAPH_KIND_CONTAINER:
		if (graph_parse_container(status, body, len, &cont, err) == 0)
			c->cb.container(err, &cont, c->arg);
		else
			c->cb.container(err, NULL, c->arg);
		break;
	case GRAPH_KIND_QUOTA:
		if (graph_parse_quota(status, body, len, &q, err) == 0)
			c->cb.quota(err, &q, c->arg);
		else
			c->cb.quota(err, NULL, c->arg);
		break;
	case GRAPH_KIND_MEDIA:
		if (graph_parse_media(status, body, len, &m, err) == 0)
			c->cb.media(err, &m, c->arg);
		else
			c->cb.media(err, NULL, c->arg);
		break;
	case GRAPH_KIND_THREADS:
		if (graph_parse_threads(status, body, len, &t, err) == 0) {
			c->cb.threads(err, &t, c->arg);
			graph_threads_clear(&t);
		} else
			c->cb.threads(err, NULL, c->arg);
		break;
	default:
		break;
	}
}

static void
graph_fail_post(struct graph_call *c)
{
	switch (c->kind) {
	case GRAPH_KIND_ID:
		c->cb.id(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_CONTAINER:
		c->cb.container(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_QUOTA:
		c->cb.quota(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_MEDIA:
		c->cb.media(&c->err, NULL, c->arg);
		break;
	case GRAPH_KIND_THREADS:
		c->cb.threads(&c->err, NULL, c->arg);
		break;
	default:
		break;
	}
}

/* A GET of path (built by the caller, freed here) with the token. */
static struct graph_call *
graph_post_get(struct graph_call *c, char *path, const char *token)
{
	if (path == NULL) {
		free(c);
		return NULL;
	}
	c = graph_start(c, "GET", path, token, NULL);
	free(path);
	return c;
}

static char *
graph_pathf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n == -1 ? NULL : s;
}

struct graph_call *
graph_create_container(struct graph *g, const char *token,
    const struct graph_container_spec *spec, graph_id_cb cb, void *arg)
{
	struct graph_call	*c;
	const char		*kv[2 * 18 + 1];
	char			*form;
	size_t			 n = 0;

#define KV(k, v)	do {						\
	if ((v) != NULL) {						\
		kv[n++] = (k);						\
		kv[n++] = (v);						\
	}								\
} while (0)
	if (token == NULL || spec == NULL || cb == NULL)
		return NULL;
	KV("media_type", graph_media_create_name(spec->type));
	KV("text", spec->text);
	KV(spec->type == GRAPH_MEDIA_VIDEO ? "video_url" : "image_url",
	    spec->media_url);
	KV("alt_text", spec->alt_text);
	KV("is_carousel_item", spec->is_carousel_item ? "true" : NULL);
	KV("children", spec->children);
	KV("reply_to_id", spec->reply_to_id);
	KV("reply_control", spec->reply_control);
	KV("quote_post_id", spec->quote_post_id);
	KV("link_attachment", spec->link_attachment);
	KV("topic_tag", spec->topic_tag);
	KV("is_ghost_post", spec->is_ghost_post ? "true" : NULL);
	KV("poll_attachment", spec->poll_attachment);
	KV("text_entities", spec->text_entities);
	KV("is_spoiler_media", spec->is_spoiler_media ? "true" : NULL);
	KV("text_attachment", spec->text_attachment);
	KV("gif_attachment", spec->gif_attachment);
	kv[n] = NULL;
#undef KV
	if ((c = graph_call_new(g, GRAPH_KIND_ID, arg)) == NULL)
		return NULL;
	c->cb.id = cb;
	if ((form = graph_form(kv)) == NULL) {
		free(c);
		return NULL;
	}
	c = graph_start(c, "POST", "/v1.0/me/threads", token, form);
	free(form);
	return c;
}

struct graph_call *
graph_container_status(struct graph *g, const char *token,
    const char *container_id, graph_container_cb cb, void *arg)
{
	struct graph_call	*c;

	if (token == NULL || !graph_post_id_ok(container_id) || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_CONTAINER, arg)) == NULL)
		return NULL;
	c->cb.container = cb;
	return graph_post_get(c, graph_pathf("/v1.0/%s?fields=id,status,"
	    "error_message", container_id), token);
}

struct graph_call *
graph_publish(struct graph *g, const char *token, const char *container_id,
    graph_id_cb cb, void *arg)
{
	struct graph_call	*c;
	char			*form;
	const char		*kv[] = { "creation_id", container_id, NULL };

	if (token == NULL || !graph_post_id_ok(container_id) || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_ID, arg)) == NULL)
		return NULL;
	c->cb.id = cb;
	if ((form = graph_form(kv)) == NULL) {
		free(c);
		return NULL;
	}
	c = graph_start(c, "POST", "/v1.0/me/threads_publish", token, form);
	free(form);
	return c;
}

struct graph_call *
graph_repost(struct graph *g, const char *token, const char *media_id,
    graph_id_cb cb, void *arg)
{
	struct graph_call	*c;
	char			*path;

	if (token == NULL || !graph_post_id_ok(media_id) || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_ID, arg)) == NULL)
		return NULL;
	c->cb.id = cb;
	if ((path = graph_pathf("/v1.0/%s/repost", media_id)) == NULL) {
		free(c);
		return NULL;
	}
	c = graph_start(c, "POST", path, token, "");
	free(path);
	return c;
}

struct graph_call *
graph_publishing_limit(struct graph *g, const char *token, graph_quota_cb cb,
    void *arg)
{
	struct graph_call	*c;

	if (token == NULL || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_QUOTA, arg)) == NULL)
		return NULL;
	c->cb.quota = cb;
	/*
	 * Not the reply fields: they need threads_manage_replies, which
	 * threadsd does not ask for (D-ov); the scheduler counts replies.
	 */
	return graph_post_get(c, graph_pathf("/v1.0/me/"
	    "threads_publishing_limit?fields=quota_usage,config"), token);
}

struct graph_call *
graph_media_permalink(struct graph *g, const char *token,
    const char *media_id, graph_media_cb cb, void *arg)
{
	struct graph_call	*c;

	if (token == NULL || !graph_post_id_ok(media_id) || cb == NULL)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_MEDIA, arg)) == NULL)
		return NULL;
	c->cb.media = cb;
	return graph_post_get(c, graph_pathf("/v1.0/%s?fields=id,permalink",
	    media_id), token);
}

struct graph_call *
graph_threads_since(struct graph *g, const char *token, int64_t since,
    const char *after, graph_threads_cb cb, void *arg)
{
	struct graph_call	*c;
	char			*esc = NULL, *path;

	if (token == NULL || cb == NULL || since < 0)
		return NULL;
	if ((c = graph_call_new(g, GRAPH_KIND_THREADS, arg)) == NULL)
		return NULL;
	c->cb.threads = cb;
	if (after != NULL && (esc = http_escape(after)) == NULL) {
		free(c);
		return NULL;
	}
	path = graph_pathf("/v1.0/me/threads?fields=id,text,timestamp,"
	    "media_type,reposted_post&limit=100&since=%" PRId64 "%s%s", since,
	    esc != NULL ? "&after=" : "", esc != NULL ? esc : "");
	free(esc);
	return graph_post_get(c, path, token);
}
