/*
 * The Threads Graph API client's core: the call lifecycle (start, the
 * answer or the failure, cancel, drain on SIGTERM), request building
 * from a row of a family's call table, and the classified error.  The
 * calls themselves are rows in graph-token.c (the OAuth endpoints),
 * graph-user.c (profile, insights, lookup, listing) and graph-media.c
 * (containers, publish, quota, permalinks, the recovery listing), each
 * with the parsers of its answers.  It owns its in-flight calls and
 * copies of what it was given, except the app secret, which is
 * borrowed.  It keeps no account state and does not log.
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
 *
 * A publish held for its due instant is made ahead (graph_send() with
 * rq->held: the request built, not sent) and sent by graph_release(),
 * so that the instant costs only handing it to curl.
 */
#include <sys/queue.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>
#include <sodium.h>

#include "daemon/graph/graph-call.h"
#include "daemon/graph/graph.h"
#include "daemon/graph/http.h"

struct graph_call {
	TAILQ_ENTRY(graph_call)	 entry;
	struct graph		*graph;
	const struct graph_def	*def;		/* its row */
	graph_cb		 cb;
	void			*arg;
	struct http_call	*http_call;
	struct event		*defer;		/* a failure known at start */
	struct graph_error	 err;		/* ... and what it is */
	int			 done;		/* its callback is running */
	int			 durable;	/* out, answer must be recorded */
	int			 held;		/* graph_release() sends it */
	max_align_t		 res[];		/* the answer, parsed */
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
void
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

void
graph_set_message(struct graph_error *err, const char *msg)
{
	graph_copy_text(err->message, sizeof(err->message), msg,
	    strlen(msg));
}

void
graph_malformed(struct graph_error *err, const char *what)
{
	err->class = GRAPH_TRANSIENT;
	if (what == NULL)
		graph_set_message(err, "malformed response");
	else
		snprintf(err->message, sizeof(err->message),
		    "malformed response: %s", what);
}

void
graph_nomem(struct graph_error *err)
{
	err->class = GRAPH_TRANSIENT;
	graph_set_message(err, "out of memory");
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

struct json_object *
graph_get(struct json_object *obj, const char *key, enum json_type type)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

struct json_object *
graph_response_data(long status, const char *body, size_t len,
    enum json_type type, struct json_object **ret_root,
    struct graph_error *err)
{
	struct json_object	*root, *data;

	if ((root = graph_response(status, body, len, err)) == NULL)
		return NULL;
	if ((data = graph_get(root, "data", type)) == NULL) {
		graph_malformed(err, "missing data");
		json_object_put(root);
		return NULL;
	}
	*ret_root = root;
	return data;
}

const char *
graph_cursor_after(struct json_object *root)
{
	struct json_object	*p;

	if ((p = graph_get(root, "paging", json_type_object)) == NULL ||
	    (p = graph_get(p, "cursors", json_type_object)) == NULL)
		return NULL;
	return graph_get_string(p, "after");
}

const char *
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
int
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
 * obj's key as an id (graph_id()): 0, -ENOENT when it is absent or null,
 * -EINVAL when it is not an id.  A parser that needs the id refuses both;
 * one for which it is optional refuses -EINVAL only.
 */
int
graph_get_id(struct json_object *obj, const char *key, char *ret_id)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    json_object_is_type(v, json_type_null))
		return -ENOENT;
	return graph_id(v, ret_id);
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
struct json_object *
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
		/* A held call was never out: it is not cut off. */
		if (!c->held)
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

/* On failure a callback gets NULL for the result. */
static void
graph_fail(struct graph_call *c)
{
	c->def->reader->deliver(c->cb, &c->err, NULL, c->arg);
}

static void
graph_finish(struct graph_call *c, long status, const char *body,
    size_t len)
{
	const struct graph_reader *rd = c->def->reader;

	if (rd->parse(status, body, len, c->res, &c->err) == 0) {
		rd->deliver(c->cb, &c->err, c->res, c->arg);
		if (rd->clear != NULL)
			rd->clear(c->res);
	} else
		rd->deliver(c->cb, &c->err, NULL, c->arg);
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
graph_call_new(struct graph *g, const struct graph_def *def, graph_cb cb,
    void *arg)
{
	struct graph_call	*c;

	if ((c = calloc(1, sizeof(*c) + def->reader->size)) == NULL)
		return NULL;
	c->graph = g;
	c->def = def;
	c->cb = cb;
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

/* A call out: durable when its row says so or a durable one started it. */
static void
graph_out(struct graph_call *c)
{
	struct graph	*g = c->graph;

	if ((c->def->flags & GRAPH_DURABLE) || g->in_durable > 0) {
		c->durable = 1;
		g->ndurable++;
	}
}

/*
 * url is the caller's, who wipes it: the query may hold a secret.  A
 * held call is made and not sent: graph_release() sends it.
 */
static struct graph_call *
graph_start(struct graph_call *c, const char *method, const char *url,
    const char *bearer, const char *form, int held)
{
	struct graph		*g = c->graph;
	struct http_request	 req;

	/* A continuation goes out even while stopping: see graph_drain(). */
	if (g->draining && g->in_durable == 0) {
		TAILQ_INSERT_TAIL(&g->calls, c, entry);
		return c;
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.bearer = bearer;
	req.form = form;
	c->http_call = held ? http_make(g->http, &req, graph_http_cb, c) :
	    http_start(g->http, &req, graph_http_cb, c);
	if (c->http_call == NULL) {
		free(c);
		return NULL;
	}
	c->held = held;
	if (!held)
		graph_out(c);
	TAILQ_INSERT_TAIL(&g->calls, c, entry);
	return c;
}

int
graph_release(struct graph_call *c)
{
	if (c == NULL || !c->held)
		return 0;
	c->held = 0;
	/* Stopping: held like every call started now (graph_drain()). */
	if (c->http_call == NULL)
		return 0;
	if (http_send(c->http_call) < 0) {
		graph_cancel(c);
		return -ENOMEM;
	}
	graph_out(c);
	return 0;
}

int
graph_id_ok(const char *s)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) == 0 || len >= GRAPH_ID_LEN)
		return 0;
	return strspn(s, "0123456789") == len;
}

/*
 * The URL of a call: the base URL, def's path with rq's arguments escaped
 * in place of its "%s" (the rows' paths hold no other conversion), then
 * its fields, and for a listing the page's limit, since and cursor.  One
 * allocation, no printf for the parts.  NULL on OOM.
 */
static char *
graph_path(const struct graph *g, const struct graph_def *def,
    const struct graph_req *rq)
{
	const char	*part[16], *f, *q;
	size_t		 plen[16], n = 0, len = 1, i;
	char		*arg[2] = { NULL, NULL }, *after = NULL, *url = NULL, *o;
	char		 limit[32] = "", since[32] = "";
	int		 k = 0;

	if ((rq->arg1 != NULL && (arg[0] = http_escape(rq->arg1)) == NULL) ||
	    (rq->arg2 != NULL && (arg[1] = http_escape(rq->arg2)) == NULL) ||
	    (rq->after != NULL && (after = http_escape(rq->after)) == NULL))
		goto out;
#define GRAPH_PART(s, l)	do { part[n] = (s); plen[n] = (l);	\
	len += plen[n++]; } while (0)
	GRAPH_PART(g->base_url, strlen(g->base_url));
	for (f = def->path; (q = strstr(f, "%s")) != NULL; f = q + 2) {
		GRAPH_PART(f, (size_t)(q - f));
		if (k < 2 && arg[k] != NULL)
			GRAPH_PART(arg[k], strlen(arg[k]));
		k++;
	}
	GRAPH_PART(f, strlen(f));
	if (def->fields != NULL) {
		GRAPH_PART(strchr(def->path, '?') != NULL ? "&fields=" :
		    "?fields=", 8);
		GRAPH_PART(def->fields, strlen(def->fields));
	}
	if (rq->limit > 0)
		GRAPH_PART(limit, (size_t)snprintf(limit, sizeof(limit),
		    "&limit=%d", rq->limit));
	if (rq->since_set)
		GRAPH_PART(since, (size_t)snprintf(since, sizeof(since),
		    "&since=%" PRId64, rq->since));
	if (after != NULL) {
		GRAPH_PART("&after=", 7);
		GRAPH_PART(after, strlen(after));
	}
#undef GRAPH_PART
	if ((url = malloc(len)) == NULL)
		goto out;
	for (i = 0, o = url; i < n; o += plen[i], i++)
		memcpy(o, part[i], plen[i]);
	*o = '\0';
out:
	free(arg[0]);
	free(arg[1]);
	free(after);
	return url;
}

/*
 * The parameters of a GET go in its query, secrets included (as Meta
 * documents the token endpoints), those of a POST in a form body; the
 * path, the query and the form are wiped either way.
 */
struct graph_call *
graph_send(struct graph *g, const struct graph_def *def,
    const struct graph_req *rq, graph_cb cb, void *arg)
{
	struct graph_call	*c;
	char			*path, *form = NULL, *full;
	int			 get = strcmp(def->method, "GET") == 0, n;

	if (cb == NULL || ((def->flags & GRAPH_BEARER) && rq->token == NULL) ||
	    ((def->flags & GRAPH_ID) && !graph_id_ok(rq->arg1)) ||
	    rq->since < 0)
		return NULL;
	if ((c = graph_call_new(g, def, cb, arg)) == NULL)
		return NULL;
	if ((def->flags & GRAPH_SECRET) && g->app_secret == NULL)
		return graph_start_failed(c, GRAPH_PERMANENT,
		    "no app secret configured");
	if ((path = graph_path(g, def, rq)) == NULL ||
	    (rq->kv != NULL && (form = graph_form(rq->kv)) == NULL)) {
		graph_free_secret(path);
		free(c);
		return NULL;
	}
	if (get && form != NULL) {
		n = asprintf(&full, "%s?%s", path, form);
		graph_free_secret(path);
		graph_free_secret(form);
		form = NULL;
		if (n == -1) {
			free(c);
			return NULL;
		}
		path = full;
	}
	c = graph_start(c, def->method, path, (def->flags & GRAPH_BEARER) ?
	    rq->token : NULL, get ? NULL : form != NULL ? form : "",
	    rq->held);
	graph_free_secret(path);
	graph_free_secret(form);
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
