/*
 * libFuzzer target for the protocol parser: the input is a byte stream
 * from a client.  Each framed line goes through proto_request_parse() and
 * proto_reply_parse(); a parsed request's error reply is built and must
 * itself parse as a reply.  Leaks and crashes are the findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/proto.h"

/* Small enough that the fuzzer reaches the oversized path. */
#define FUZZ_MAX_LINE	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
one_line(const char *line, size_t len)
{
	struct proto_request	 req;
	struct proto_reply	 rep;
	char			 err[256], *out;
	size_t			 n;

	if (proto_request_parse(line, len, &req, err, sizeof(err)) < 0)
		out = proto_reply_error(req.id, ERR_BAD_REQUEST, err);
	else
		out = proto_reply_ok(req.id, json_object_get(req.args));
	/* What the daemon sends back must be one line that parses. */
	if (out != NULL) {
		if (proto_frame(out, strlen(out), PROTO_MAX_LINE, &n) != 1 ||
		    n + 1 != strlen(out))
			abort();
		if (proto_reply_parse(out, n, &rep) == 0)
			proto_reply_clear(&rep);
		else if (req.id == NULL ||
		    json_object_is_type(req.id, json_type_int))
			abort();	/* only string ids are refused */
		free(out);
	}
	proto_request_clear(&req);

	if (proto_reply_parse(line, len, &rep) == 0) {
		if (!rep.ok && proto_err_name(rep.error_code) == NULL)
			abort();
		proto_reply_clear(&rep);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data;
	size_t		 left = size, len;
	int		 r;

	/* Like the daemon's read loop: consume every complete line. */
	while ((r = proto_frame(p, left, FUZZ_MAX_LINE, &len)) == 1) {
		one_line(p, len);
		p += len + 1;
		left -= len + 1;
	}
	/* What is left has no newline: parse it too, for coverage. */
	if (r == 0 && left > 0)
		one_line(p, left);
	return 0;
}
