/*
 * Unit tests for common/proto.c: framing limits, every way a request can
 * be malformed (with the message the client sees and the id it gets
 * back), the reply builders and parser, and the error-code names.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/proto.h"
#include "tests/unit/check.h"

static void
test_err_names(void)
{
	static const char *const names[] = {
		"bad_request", "unknown_command", "invalid_argument",
		"not_found", "conflict", "permission_denied", "unavailable",
		"internal",
	};
	int	i;

	for (i = 0; i < 8; i++) {
		CHECK_STR(proto_err_name(i), names[i]);
		CHECK_INT(proto_err_from_name(names[i]), i);
	}
	CHECK_INT(ERR_NOT_FOUND, 3);
	CHECK_INT(proto_err_from_name("not found"), -EINVAL);
	CHECK_INT(proto_err_from_name("NOT_FOUND"), -EINVAL);
	CHECK_INT(proto_err_from_name(""), -EINVAL);
	CHECK_INT(proto_err_from_name(NULL), -EINVAL);
	CHECK_STR(proto_err_name((enum proto_err)99), "internal");
}

static void
test_frame(void)
{
	size_t	n = 777;
	char	*big;

	CHECK_INT(proto_frame("", 0, 16, &n), 0);
	CHECK_INT(proto_frame("{\"v\":1", 6, 16, &n), 0);
	CHECK_INT(n, 777);
	CHECK_INT(proto_frame("\n", 1, 16, &n), 1);
	CHECK_INT(n, 0);
	CHECK_INT(proto_frame("abc\r\ndef\n", 9, 16, &n), 1);
	CHECK_INT(n, 4);
	/* Exactly max bytes, then the newline: allowed. */
	CHECK_INT(proto_frame("0123456789abcdef\n", 17, 16, &n), 1);
	CHECK_INT(n, 16);
	/* Exactly max bytes and no newline yet: wait for it. */
	CHECK_INT(proto_frame("0123456789abcdef", 16, 16, &n), 0);
	/* One past max without a newline, or a found line past max. */
	n = 777;
	CHECK_INT(proto_frame("0123456789abcdefg", 17, 16, &n), -EMSGSIZE);
	CHECK_INT(proto_frame("0123456789abcdefg\n", 18, 16, &n), -EMSGSIZE);
	CHECK_INT(n, 777);
	/* A newline in the bytes after the first line does not count. */
	CHECK_INT(proto_frame("0123456789abcdefgh\nx\n", 21, 16, &n),
	    -EMSGSIZE);

	/* At the protocol's size. */
	big = malloc(PROTO_MAX_LINE + 2);
	CHECK(big != NULL);
	if (big == NULL)
		return;
	memset(big, 'x', PROTO_MAX_LINE + 2);
	big[PROTO_MAX_LINE] = '\n';
	CHECK_INT(proto_frame(big, PROTO_MAX_LINE + 1, PROTO_MAX_LINE, &n), 1);
	CHECK_INT(n, PROTO_MAX_LINE);
	big[PROTO_MAX_LINE] = 'x';
	CHECK_INT(proto_frame(big, PROTO_MAX_LINE + 1, PROTO_MAX_LINE, &n),
	    -EMSGSIZE);
	free(big);
}

/* Parses s; returns the result and leaves the message in err. */
static int
req(const char *s, struct proto_request *r, char *err)
{
	err[0] = '\0';
	return proto_request_parse(s, strlen(s), r, err, 128);
}

/* Expects s to fail with message msg and (when id) the given id text. */
static void
check_bad(const char *s, const char *msg, const char *id, int line)
{
	struct proto_request	r;
	char			err[128];
	int			rc;

	rc = req(s, &r, err);
	if (rc != -EINVAL || strcmp(err, msg) != 0 ||
	    (id == NULL) != (r.id == NULL) || (id != NULL &&
	    strcmp(json_object_to_json_string(r.id), id) != 0) ||
	    r.cmd != NULL || r.args != NULL)
		fprintf(stderr, "line %d: %s: rc %d, \"%s\", id %s\n", line,
		    s, rc, err, r.id ? json_object_to_json_string(r.id) :
		    "none");
	CHECK_INT(rc, -EINVAL);
	CHECK_STR(err, msg);
	CHECK(r.cmd == NULL && r.args == NULL);
	if (id == NULL)
		CHECK(r.id == NULL);
	else
		CHECK(r.id != NULL &&
		    strcmp(json_object_to_json_string(r.id), id) == 0);
	proto_request_clear(&r);
	CHECK(r.root == NULL && r.id == NULL);
}

#define BAD(s, msg, id)	check_bad((s), (msg), (id), __LINE__)

static void
test_request_ok(void)
{
	struct proto_request	r;
	char			err[128];
	const char		*s;

	CHECK_INT(req("{\"v\":1,\"id\":7,\"cmd\":\"post.schedule\","
	    "\"args\":{\"at\":\"now\"}}", &r, err), 0);
	CHECK_STR(r.cmd, "post.schedule");
	CHECK(json_object_is_type(r.id, json_type_int));
	CHECK_INT(json_object_get_int64(r.id), 7);
	CHECK_STR(json_object_get_string(json_object_object_get(r.args,
	    "at")), "now");
	proto_request_clear(&r);

	/* No id, no args: args becomes an empty object owned by root. */
	CHECK_INT(req("{\"v\":1,\"cmd\":\"ping\"}", &r, err), 0);
	CHECK(r.id == NULL);
	CHECK_STR(r.cmd, "ping");
	CHECK(json_object_is_type(r.args, json_type_object));
	CHECK_INT(json_object_object_length(r.args), 0);
	CHECK(json_object_object_get(r.root, "args") == r.args);
	proto_request_clear(&r);
	CHECK(r.root == NULL && r.cmd == NULL && r.args == NULL);

	/* A string id, whitespace around, a CR before the cut newline. */
	CHECK_INT(req(" \t{ \"cmd\" : \"status\", \"id\" : \"a-1\", "
	    "\"v\" : 1 } \t\r", &r, err), 0);
	CHECK_STR(json_object_get_string(r.id), "a-1");
	CHECK_STR(r.cmd, "status");
	proto_request_clear(&r);

	/* Only len bytes are read: the rest of the buffer is not ours. */
	s = "{\"v\":1,\"cmd\":\"ping\"}{\"junk\"";
	CHECK_INT(proto_request_parse(s, 20, &r, err, sizeof(err)), 0);
	CHECK_STR(r.cmd, "ping");
	proto_request_clear(&r);

	/* Unknown keys are the handlers' business, not the framing's. */
	CHECK_INT(req("{\"v\":1,\"cmd\":\"x\",\"extra\":[1,2]}", &r, err), 0);
	proto_request_clear(&r);

	/* Clearing twice, or a zeroed request, is harmless. */
	proto_request_clear(&r);
	proto_request_clear(NULL);
}

static void
test_request_bad(void)
{
	struct proto_request	r;
	char			err[128], small[8];

	/* Not JSON, not an object, not one object. */
	BAD("", "empty request", NULL);
	BAD("  \r", "empty request", NULL);
	BAD("[1,2]", "request is not a JSON object", NULL);
	BAD("123", "request is not a JSON object", NULL);
	BAD("\"v\"", "request is not a JSON object", NULL);
	BAD("null", "request is not a JSON object", NULL);
	BAD("hello", "request is not a JSON object", NULL);
	BAD("{\"v\":1,", "invalid JSON at offset 7: line ends early", NULL);
	BAD("{", "invalid JSON at offset 1: line ends early", NULL);
	BAD("{\"v\":1,}", "invalid JSON at offset 7: unexpected character",
	    NULL);
	BAD("{\"v\":'1'}", "invalid JSON at offset 5: unexpected character",
	    NULL);
	BAD("{\"v\":01}", "invalid JSON at offset 7: number expected", NULL);
	/* json-c takes NaN even when strict; the type check stops it. */
	BAD("{\"v\":NaN}", "\"v\" must be an integer", NULL);
	BAD("{\"a\":\"\xff\"}", "invalid JSON at offset 6: "
	    "invalid utf-8 string", NULL);
	BAD("{\"v\":1,\"cmd\":\"ping\"} x", "trailing data at offset 21",
	    NULL);
	BAD("{\"v\":1,\"cmd\":\"ping\"}{}", "trailing data at offset 20",
	    NULL);
	BAD("{\"v\":1,\"cmd\":\"ping\"}\n]", "trailing data at offset 21",
	    NULL);

	/* Nesting beyond json-c's default depth. */
	BAD("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]}", "invalid JSON at offset 36: "
	    "nesting too deep", NULL);

	/* v */
	BAD("{\"cmd\":\"ping\"}", "missing \"v\"", NULL);
	BAD("{\"v\":2,\"cmd\":\"ping\"}", "unsupported protocol version 2",
	    NULL);
	BAD("{\"v\":0,\"cmd\":\"ping\"}", "unsupported protocol version 0",
	    NULL);
	BAD("{\"v\":-1,\"cmd\":\"ping\"}", "unsupported protocol version -1",
	    NULL);
	/* json-c clamps integers beyond 64 bits. */
	BAD("{\"v\":18446744073709551617,\"cmd\":\"ping\"}",
	    "unsupported protocol version 18446744073709551615", NULL);
	BAD("{\"v\":18446744073709551615,\"cmd\":\"ping\"}",
	    "unsupported protocol version 18446744073709551615", NULL);
	BAD("{\"v\":\"1\",\"cmd\":\"ping\"}", "\"v\" must be an integer", NULL);
	BAD("{\"v\":1.0,\"cmd\":\"ping\"}", "\"v\" must be an integer", NULL);
	BAD("{\"v\":null,\"cmd\":\"ping\"}", "\"v\" must be an integer", NULL);
	BAD("{\"v\":true,\"cmd\":\"ping\"}", "\"v\" must be an integer", NULL);

	/* id, and its echo when something else is wrong */
	BAD("{\"v\":1,\"id\":1.5,\"cmd\":\"ping\"}",
	    "\"id\" must be an integer or a string", NULL);
	BAD("{\"v\":1,\"id\":null,\"cmd\":\"ping\"}",
	    "\"id\" must be an integer or a string", NULL);
	BAD("{\"v\":1,\"id\":[7],\"cmd\":\"ping\"}",
	    "\"id\" must be an integer or a string", NULL);
	BAD("{\"v\":1,\"id\":{},\"cmd\":\"ping\"}",
	    "\"id\" must be an integer or a string", NULL);
	BAD("{\"v\":1,\"id\":false,\"cmd\":\"ping\"}",
	    "\"id\" must be an integer or a string", NULL);
	BAD("{\"id\":9,\"cmd\":\"ping\"}", "missing \"v\"", "9");
	BAD("{\"v\":3,\"id\":\"x\",\"cmd\":\"ping\"}",
	    "unsupported protocol version 3", "\"x\"");

	/* cmd */
	BAD("{\"v\":1,\"id\":7}", "missing \"cmd\"", "7");
	BAD("{\"v\":1,\"id\":7,\"cmd\":null}", "\"cmd\" must be a string",
	    "7");
	BAD("{\"v\":1,\"id\":7,\"cmd\":5}", "\"cmd\" must be a string", "7");
	BAD("{\"v\":1,\"id\":7,\"cmd\":[\"ping\"]}", "\"cmd\" must be a string",
	    "7");
	BAD("{\"v\":1,\"id\":7,\"cmd\":\"\"}", "\"cmd\" is empty", "7");
	BAD("{\"v\":1,\"id\":7,\"cmd\":\"pi\\u0000ng\"}",
	    "\"cmd\" contains a NUL", "7");

	/* args */
	BAD("{\"v\":1,\"id\":7,\"cmd\":\"ping\",\"args\":null}",
	    "\"args\" must be an object", "7");
	BAD("{\"v\":1,\"id\":7,\"cmd\":\"ping\",\"args\":[]}",
	    "\"args\" must be an object", "7");
	BAD("{\"v\":1,\"id\":-3,\"cmd\":\"ping\",\"args\":\"{}\"}",
	    "\"args\" must be an object", "-3");

	/* A raw NUL byte, which strlen() would hide. */
	CHECK_INT(proto_request_parse("{\"v\":1,\"cmd\":\"p\0\"}", 18, &r,
	    err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "NUL byte at offset 15");
	CHECK(r.root == NULL && r.id == NULL);
	proto_request_clear(&r);

	/* Oversized: refused before parsing, whatever the bytes. */
	CHECK_INT(proto_request_parse("{}", PROTO_MAX_LINE + 1, &r, err,
	    sizeof(err)), -EINVAL);
	CHECK_STR(err, "request longer than 1048576 bytes");
	proto_request_clear(&r);

	/* A short errbuf is truncated; a NULL one is allowed. */
	CHECK_INT(proto_request_parse("[]", 2, &r, small, sizeof(small)),
	    -EINVAL);
	CHECK_STR(small, "request");
	proto_request_clear(&r);
	CHECK_INT(proto_request_parse("[]", 2, &r, NULL, 0), -EINVAL);
	proto_request_clear(&r);
}

static void
test_request_new(void)
{
	struct json_object	*o, *args;
	struct proto_request	 r;
	char			 err[128];
	const char		*s;

	args = json_object_new_object();
	json_object_object_add(args, "account", json_object_new_string("bob"));
	o = proto_request_new(42, "account.show", args);
	CHECK(o != NULL);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	CHECK_STR(s, "{\"v\":1,\"id\":42,\"cmd\":\"account.show\","
	    "\"args\":{\"account\":\"bob\"}}");
	/* What the client builds, the daemon accepts. */
	CHECK_INT(proto_request_parse(s, strlen(s), &r, err, sizeof(err)), 0);
	CHECK_STR(r.cmd, "account.show");
	CHECK_INT(json_object_get_int64(r.id), 42);
	CHECK_STR(json_object_get_string(json_object_object_get(r.args,
	    "account")), "bob");
	proto_request_clear(&r);
	json_object_put(o);

	o = proto_request_new(INT64_MAX, "ping", NULL);
	CHECK_STR(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"v\":1,\"id\":9223372036854775807,\"cmd\":\"ping\","
	    "\"args\":{}}");
	json_object_put(o);

	/* NULL cmd: nothing built, args still released (valgrind sees). */
	CHECK(proto_request_new(1, NULL, json_object_new_object()) == NULL);
}

/* Parses line (which must end in '\n') as the client would. */
static int
rep(const char *line, struct proto_reply *r)
{
	size_t	n;

	if (proto_frame(line, strlen(line), PROTO_MAX_LINE, &n) != 1)
		return -100;
	return proto_reply_parse(line, n, r);
}

static void
test_reply_build(void)
{
	struct json_object	*id, *res;
	struct proto_reply	 r;
	char			*line;

	id = json_object_new_int(7);
	res = json_object_new_object();
	json_object_object_add(res, "uptime", json_object_new_int(12));
	line = proto_reply_ok(id, res);
	CHECK_STR(line, "{\"v\":1,\"id\":7,\"ok\":true,"
	    "\"result\":{\"uptime\":12}}\n");
	/* The id is borrowed: still ours after the call. */
	CHECK_INT(json_object_get_int(id), 7);
	CHECK_INT(rep(line, &r), 0);
	CHECK_INT(r.id, 7);
	CHECK_INT(r.ok, 1);
	CHECK_INT(json_object_get_int(json_object_object_get(r.result,
	    "uptime")), 12);
	proto_reply_clear(&r);
	CHECK(r.root == NULL && r.result == NULL);
	free(line);

	line = proto_reply_error(id, ERR_NOT_FOUND, "unknown account 'bob'");
	CHECK_STR(line, "{\"v\":1,\"id\":7,\"ok\":false,\"error\":"
	    "{\"code\":\"not_found\","
	    "\"message\":\"unknown account 'bob'\"}}\n");
	CHECK_INT(rep(line, &r), 0);
	CHECK_INT(r.id, 7);
	CHECK_INT(r.ok, 0);
	CHECK_INT(r.error_code, ERR_NOT_FOUND);
	CHECK_STR(r.error_message, "unknown account 'bob'");
	CHECK(r.result == NULL);
	proto_reply_clear(&r);
	free(line);
	json_object_put(id);

	/* No id (a request that had none), no result, odd characters. */
	line = proto_reply_ok(NULL, NULL);
	CHECK_STR(line, "{\"v\":1,\"id\":null,\"ok\":true,\"result\":{}}\n");
	CHECK_INT(rep(line, &r), 0);
	CHECK_INT(r.id, 0);
	proto_reply_clear(&r);
	free(line);

	id = json_object_new_string("a\"b");
	line = proto_reply_error(id, ERR_BAD_REQUEST, "line\nbreak/\"q\"");
	CHECK_STR(line, "{\"v\":1,\"id\":\"a\\\"b\",\"ok\":false,\"error\":"
	    "{\"code\":\"bad_request\",\"message\":\"line\\nbreak/\\\"q\\\"\"}}"
	    "\n");
	/* Exactly one line, whatever the message held. */
	CHECK(strchr(line, '\n') == line + strlen(line) - 1);
	free(line);
	json_object_put(id);

	line = proto_reply_error(NULL, ERR_INTERNAL, NULL);
	CHECK_STR(line, "{\"v\":1,\"id\":null,\"ok\":false,\"error\":"
	    "{\"code\":\"internal\",\"message\":\"\"}}\n");
	free(line);
}

/* Each code survives build and parse. */
static void
test_reply_codes(void)
{
	struct json_object	*id;
	struct proto_reply	 r;
	char			*line;
	int			 c;

	id = json_object_new_int64(-5);
	for (c = ERR_BAD_REQUEST; c <= ERR_INTERNAL; c++) {
		line = proto_reply_error(id, c, proto_err_name(c));
		CHECK_INT(rep(line, &r), 0);
		CHECK_INT(r.error_code, c);
		CHECK_INT(r.id, -5);
		CHECK_STR(r.error_message, proto_err_name(c));
		proto_reply_clear(&r);
		free(line);
	}
	json_object_put(id);
}

static void
test_reply_bad(void)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"v\":1,\"id\":1,\"ok\":true,\"result\":{}} x",
		"{\"v\":1,\"id\":1,\"ok\":true,\"result\":{}",
		"{\"id\":1,\"ok\":true,\"result\":{}}",
		"{\"v\":2,\"id\":1,\"ok\":true,\"result\":{}}",
		"{\"v\":\"1\",\"id\":1,\"ok\":true,\"result\":{}}",
		"{\"v\":1,\"ok\":true,\"result\":{}}",
		"{\"v\":1,\"id\":\"7\",\"ok\":true,\"result\":{}}",
		"{\"v\":1,\"id\":1.5,\"ok\":true,\"result\":{}}",
		"{\"v\":1,\"id\":1,\"result\":{}}",
		"{\"v\":1,\"id\":1,\"ok\":1,\"result\":{}}",
		"{\"v\":1,\"id\":1,\"ok\":true}",
		"{\"v\":1,\"id\":1,\"ok\":true,\"result\":null}",
		"{\"v\":1,\"id\":1,\"ok\":true,\"result\":[]}",
		"{\"v\":1,\"id\":1,\"ok\":false}",
		"{\"v\":1,\"id\":1,\"ok\":false,\"error\":\"not_found\"}",
		"{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"message\":\"m\"}}",
		"{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"code\":\"nope\","
		    "\"message\":\"m\"}}",
		"{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"code\":3,"
		    "\"message\":\"m\"}}",
		"{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"code\":"
		    "\"not_found\"}}",
		"{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"code\":"
		    "\"not_found\",\"message\":null}}",
	};
	struct proto_reply	r, keep;
	size_t			i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0x5a, sizeof(r));
		memset(&keep, 0x5a, sizeof(keep));
		if (proto_reply_parse(bad[i], strlen(bad[i]), &r) != -EINVAL)
			fprintf(stderr, "accepted bad reply: %s\n", bad[i]);
		CHECK_INT(proto_reply_parse(bad[i], strlen(bad[i]), &r),
		    -EINVAL);
		/* Set only on success. */
		CHECK(memcmp(&r, &keep, sizeof(r)) == 0);
	}
}

int
main(void)
{
	test_err_names();
	test_frame();
	test_request_ok();
	test_request_bad();
	test_request_new();
	test_reply_build();
	test_reply_codes();
	test_reply_bad();
	return check_status();
}
