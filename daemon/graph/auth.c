/*
 * OAuth's pure parts: the authorization URL, the pasted redirect, and the
 * short memory of `state` values.  No I/O but random bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "daemon/graph/advice.h"
#include "daemon/graph/auth.h"
#include "daemon/graph/http.h"

void
auth_state_new(struct auth_states *as, int64_t now,
    char state[AUTH_STATE_LEN])
{
	unsigned char raw[16];
	size_t i, victim = 0;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(state, AUTH_STATE_LEN, raw, sizeof(raw));
	/* An empty or expired slot, else the one closest to expiry. */
	for (i = 0; i < AUTH_STATES_MAX; i++) {
		if (as->slot[i].expires <= now) {
			victim = i;
			break;
		}
		if (as->slot[i].expires < as->slot[victim].expires)
			victim = i;
	}
	memcpy(as->slot[victim].state, state, AUTH_STATE_LEN);
	as->slot[victim].expires = now + AUTH_STATE_TTL;
}

int
auth_state_take(struct auth_states *as, const char *state, int64_t now)
{
	size_t i;

	if (state == NULL || strlen(state) != AUTH_STATE_LEN - 1)
		return -ENOENT;
	for (i = 0; i < AUTH_STATES_MAX; i++) {
		if (as->slot[i].expires > now &&
		    sodium_memcmp(as->slot[i].state, state,
		    AUTH_STATE_LEN - 1) == 0) {
			memset(&as->slot[i], 0, sizeof(as->slot[i]));
			return 0;
		}
	}
	return -ENOENT;
}

char *
auth_url(const char *base, const char *app_id, const char *redirect_uri,
    const char *state)
{
	char *id, *ru, *sc, *st, *url = NULL;

	id = http_escape(app_id);
	ru = http_escape(redirect_uri);
	sc = http_escape(AUTH_SCOPES);
	st = http_escape(state);
	if (id != NULL && ru != NULL && sc != NULL && st != NULL &&
	    asprintf(&url, "%s%cclient_id=%s&redirect_uri=%s&scope=%s"
	    "&response_type=code&state=%s", base,
	    strchr(base, '?') ? '&' : '?', id, ru, sc, st) < 0)
		url = NULL;
	free(id);
	free(ru);
	free(sc);
	free(st);
	return url;
}

static void
wipe_free(char *s, size_t len)
{
	sodium_memzero(s, len);
	free(s);
}

/* The decoded value of query parameter name, or NULL. */
static char *
query_get(const char *query, const char *name)
{
	size_t nlen = strlen(name), vlen;
	const char *p = query, *end;

	while (p != NULL && *p != '\0') {
		end = strchr(p, '&');
		vlen = end ? (size_t)(end - p) : strlen(p);
		if (vlen > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=')
			return http_unescape(p + nlen + 1, vlen - nlen - 1);
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

/* Meta's refusal, with what to change when it is a setup error. */
static void
refused(char *errbuf, size_t errlen, int code, const char *msg)
{
	const char	*hint;

	if ((hint = advice_for(code, 0, msg)) == NULL)
		hint = "check the app's settings in Meta's App Dashboard";
	if (code != 0)
		snprintf(errbuf, errlen, "Meta's authorization page refused: "
		    "%.200s (error %d); %s", msg, code, hint);
	else
		snprintf(errbuf, errlen, "Meta's authorization page refused: "
		    "%.200s; %s", msg, hint);
}

/*
 * What the authorization window shows when it cannot redirect, pasted in
 * place of a URL: a flat JSON error ({"error_message":"No app ID was
 * provided in the request.","error_code":4476002}) or the Graph
 * envelope.  -EACCES with errbuf set, or 0 when it is not one.
 */
static int
auth_error_page(const char *text, char *errbuf, size_t errlen)
{
	struct json_object	*o, *e, *v;
	const char		*msg = NULL;
	int			 code = 0;

	while (*text == ' ' || *text == '\t')
		text++;
	if (*text != '{' || (o = json_tokener_parse(text)) == NULL)
		return 0;
	e = o;
	if (json_object_object_get_ex(o, "error", &v) &&
	    json_object_is_type(v, json_type_object))
		e = v;
	if (json_object_object_get_ex(e, "error_message", &v) ||
	    json_object_object_get_ex(e, "message", &v))
		msg = json_object_get_string(v);
	if (json_object_object_get_ex(e, "error_code", &v) ||
	    json_object_object_get_ex(e, "code", &v))
		code = json_object_get_int(v);
	if (msg == NULL) {
		json_object_put(o);
		return 0;
	}
	refused(errbuf, errlen, code == 400 ? 0 : code, msg);
	json_object_put(o);
	return -EACCES;
}

int
auth_parse_redirect(const char *url, char **ret_code, char **ret_state,
    char *errbuf, size_t errlen)
{
	char *copy, *query, *hash, *code = NULL, *state, *err, *desc;
	size_t len = strlen(url);
	int r = 0;

	if ((r = auth_error_page(url, errbuf, errlen)) != 0)
		return r;
	/* The copy holds the code: it is wiped, not just freed. */
	if ((copy = strdup(url)) == NULL)
		return -ENOMEM;
	if ((hash = strchr(copy, '#')) != NULL)
		*hash = '\0';
	if ((query = strchr(copy, '?')) == NULL) {
		snprintf(errbuf, errlen, "the URL has no query: paste the "
		    "whole address the browser was sent to");
		wipe_free(copy, len);
		return -EINVAL;
	}
	query++;
	/* Facebook-style dialog errors: error_code and error_message. */
	if ((desc = query_get(query, "error_message")) != NULL) {
		err = query_get(query, "error_code");
		refused(errbuf, errlen, err != NULL ? atoi(err) : 0, desc);
		free(err);
		free(desc);
		wipe_free(copy, len);
		return -EACCES;
	}
	if ((err = query_get(query, "error")) != NULL) {
		desc = query_get(query, "error_description");
		snprintf(errbuf, errlen, "the authorization was refused on "
		    "Meta's page (%.64s%s%.160s)", err, desc ? ": " : "",
		    desc ? desc : "");
		free(err);
		free(desc);
		wipe_free(copy, len);
		return -EACCES;
	}
	code = query_get(query, "code");
	state = query_get(query, "state");
	if (code == NULL || code[0] == '\0') {
		snprintf(errbuf, errlen, "the URL has no 'code' parameter: "
		    "paste the whole address the browser was sent to");
		free(code);
		free(state);
		r = -EINVAL;
	} else {
		*ret_code = code;
		*ret_state = state;
	}
	wipe_free(copy, len);
	return r;
}
