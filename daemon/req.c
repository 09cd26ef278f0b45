/*
 * The two answers a handler gives: a result or a protocol error.  Both
 * build the reply line (common/proto.c) and hand it to the connection
 * through req->done: control.c sends it and frees the request.
 */
#include <stdarg.h>
#include <stdio.h>

#include "req.h"

void
req_ok(struct req *req, struct json_object *result)
{
	if (result == NULL)
		result = json_object_new_object();
	req->done(req, proto_reply_ok(req->pr.id, result));
}

void
req_fail(struct req *req, enum proto_err code, const char *fmt, ...)
{
	char msg[4096];		/* a reload's list of config errors */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	req->done(req, proto_reply_error(req->pr.id, code, msg));
}
