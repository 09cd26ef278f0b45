/*
 * reply: serialise replies into the request's body buffer.
 *
 * It owns r->body and r->location.  json-c prints int64 with all its
 * digits, which the code-exchange user_id needs (threads-api.md 1).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fgreq.h"
#include "reply.h"
#include "rnd.h"

#define JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | \
			    JSON_C_TO_STRING_NOSLASHESCAPE)

void
reply_clear(struct fgreq *r)
{
	free(r->body);
	free(r->location);
	r->body = NULL;
	r->location = NULL;
	r->body_len = 0;
	r->status = 0;
	r->ctype = NULL;
}

void
reply_body(struct fgreq *r, int status, const char *ctype, const char *body,
    size_t len)
{
	reply_clear(r);
	if ((r->body = malloc(len + 1)) == NULL) {
		r->status = 500;
		return;
	}
	memcpy(r->body, body, len);
	r->body[len] = '\0';
	r->body_len = len;
	r->status = status;
	r->ctype = ctype;
}

/* Takes ownership of obj; a NULL obj (failed allocation) is a 500. */
void
reply_json(struct fgreq *r, int status, json_object *obj)
{
	const char	*s;
	size_t		 len;

	if (obj == NULL) {
		reply_body(r, 500, "text/plain", "out of memory\n", 14);
		return;
	}
	s = json_object_to_json_string_length(obj, JSON_FLAGS, &len);
	if (s == NULL)
		reply_body(r, 500, "text/plain", "out of memory\n", 14);
	else
		reply_body(r, status, "application/json; charset=UTF-8", s,
		    len);
	json_object_put(obj);
}

void
json_add_str(json_object *o, const char *key, const char *val)
{
	if (val != NULL)
		json_object_object_add(o, key, json_object_new_string(val));
}

void
json_add_int(json_object *o, const char *key, int64_t val)
{
	json_object_object_add(o, key, json_object_new_int64(val));
}

/* fbtrace_id: opaque, 23 url-safe characters like Meta's. */
void
reply_fbtrace(char *buf, size_t len)
{
	if (rnd_string(buf, len, "A", 22) < 0)
		snprintf(buf, len, "AfakegraphTraceUnknown0");
}

static void
reply_gerr_v(struct fgreq *r, const struct gerr *g, const char *fmt,
    va_list ap)
{
	json_object	*top, *e;
	char		 msg[1024], trace[32];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	reply_fbtrace(trace, sizeof(trace));
	top = json_object_new_object();
	e = json_object_new_object();
	if (top == NULL || e == NULL) {
		json_object_put(top);
		json_object_put(e);
		reply_json(r, 500, NULL);
		return;
	}
	json_add_str(e, "message", msg);
	json_add_str(e, "type", g->type != NULL ? g->type : "OAuthException");
	json_add_int(e, "code", g->code);
	if (g->subcode != 0)
		json_add_int(e, "error_subcode", g->subcode);
	if (g->transient >= 0)
		json_object_object_add(e, "is_transient",
		    json_object_new_boolean(g->transient));
	json_add_str(e, "error_user_title", g->user_title);
	json_add_str(e, "error_user_msg", g->user_msg);
	json_add_str(e, "fbtrace_id", trace);
	json_object_object_add(top, "error", e);
	reply_json(r, g->status, top);
}

void
reply_gerr(struct fgreq *r, const struct gerr *g, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	reply_gerr_v(r, g, fmt, ap);
	va_end(ap);
}

void
reply_error(struct fgreq *r, int status, const char *type, int code,
    int subcode, const char *fmt, ...)
{
	struct gerr	g = { status, type, code, subcode, -1, NULL, NULL };
	va_list		ap;

	va_start(ap, fmt);
	reply_gerr_v(r, &g, fmt, ap);
	va_end(ap);
}

/* The code exchange's own shape: not wrapped in "error" (2.3, 9.1). */
void
reply_flat_error(struct fgreq *r, const char *msg)
{
	json_object	*o;

	if ((o = json_object_new_object()) != NULL) {
		json_add_str(o, "error_type", "OAuthException");
		json_add_int(o, "code", 400);
		json_add_str(o, "error_message", msg);
	}
	reply_json(r, 400, o);
}

/* Takes ownership of location. */
void
reply_redirect(struct fgreq *r, char *location)
{
	reply_clear(r);
	if (location == NULL) {
		reply_body(r, 500, "text/plain", "out of memory\n", 14);
		return;
	}
	r->status = 302;
	r->location = location;
	r->ctype = "text/html; charset=utf-8";
	if ((r->body = strdup("")) == NULL)
		r->status = 500;
}

void
reply_admin_error(struct fgreq *r, int status, const char *fmt, ...)
{
	json_object	*o;
	va_list		 ap;
	char		 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((o = json_object_new_object()) != NULL)
		json_add_str(o, "error", msg);
	reply_json(r, status, o);
}
