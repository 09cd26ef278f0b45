/*
 * The control protocol: line framing, request and reply parsing, the
 * builders both sides use, and the error-code names.  Everything a peer
 * sends is checked here, bounded, and turned into a short message; no
 * logging, no I/O.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/proto.h"

static const char *const err_names[] = {
	[ERR_BAD_REQUEST] =		"bad_request",
	[ERR_UNKNOWN_COMMAND] =		"unknown_command",
	[ERR_INVALID_ARGUMENT] =	"invalid_argument",
	[ERR_NOT_FOUND] =		"not_found",
	[ERR_CONFLICT] =		"conflict",
	[ERR_PERMISSION_DENIED] =	"permission_denied",
	[ERR_UNAVAILABLE] =		"unavailable",
	[ERR_INTERNAL] =		"internal",
};
#define NERR	(sizeof(err_names) / sizeof(err_names[0]))

const char *
proto_err_name(enum proto_err code)
{
	if ((size_t)code >= NERR)
		return "internal";
	return err_names[code];
}

int
proto_err_from_name(const char *name)
{
	size_t	i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < NERR; i++)
		if (strcmp(name, err_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

int
proto_frame(const char *buf, size_t len, size_t max, size_t *ret_linelen)
{
	const char	*nl;

	/* Only look at max + 1 bytes: the newline may be the last of them. */
	nl = memchr(buf, '\n', len > max ? max + 1 : len);
	if (nl == NULL)
		return len > max ? -EMSGSIZE : 0;
	*ret_linelen = nl - buf;
	return 1;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Parses a whole line as one JSON object.  Returns it, or NULL with a
 * message in errbuf.  A top-level value that is not an object is refused
 * before the tokener sees it: json-c waits for more input after a bare
 * number, and nothing but '{' can start an object.
 */
static struct json_object *
parse_object(const char *line, size_t len, size_t max, char *errbuf,
    size_t errlen)
{
	struct json_tokener	*tok;
	struct json_object	*obj;
	enum json_tokener_error	 jerr;
	const char		*nul;
	size_t			 i, end;

	if (len > max) {
		errbuf_set(errbuf, errlen, "request longer than %zu bytes",
		    max);
		return NULL;
	}
	if ((nul = memchr(line, '\0', len)) != NULL) {
		errbuf_set(errbuf, errlen, "NUL byte at offset %zu",
		    (size_t)(nul - line));
		return NULL;
	}
	for (i = 0; i < len && is_space(line[i]); i++)
		;
	if (i == len) {
		errbuf_set(errbuf, errlen, "empty request");
		return NULL;
	}
	if (line[i] != '{') {
		errbuf_set(errbuf, errlen, "request is not a JSON object");
		return NULL;
	}
	if ((tok = json_tokener_new()) == NULL) {
		errbuf_set(errbuf, errlen, "out of memory");
		return NULL;
	}
	/* Trailing bytes are allowed here only to be named below. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (obj == NULL) {
		if (jerr == json_tokener_continue)
			errbuf_set(errbuf, errlen,
			    "invalid JSON at offset %zu: line ends early", len);
		else
			errbuf_set(errbuf, errlen, "invalid JSON at offset %zu: %s",
			    end, json_tokener_error_desc(jerr));
		return NULL;
	}
	for (i = end; i < len && is_space(line[i]); i++)
		;
	if (i < len) {
		errbuf_set(errbuf, errlen, "trailing data at offset %zu", i);
		json_object_put(obj);
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		errbuf_set(errbuf, errlen, "request is not a JSON object");
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* Checks "v"; the same rule for requests and replies. */
static int
check_version(struct json_object *root, char *errbuf, size_t errlen)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(root, "v", &v)) {
		errbuf_set(errbuf, errlen, "missing \"v\"");
		return -EINVAL;
	}
	if (!json_object_is_type(v, json_type_int)) {
		errbuf_set(errbuf, errlen, "\"v\" must be an integer");
		return -EINVAL;
	}
	if (json_object_get_int64(v) != PROTO_VERSION) {
		errbuf_set(errbuf, errlen, "unsupported protocol version %s",
		    json_object_to_json_string(v));
		return -EINVAL;
	}
	return 0;
}

int
proto_request_parse(const char *line, size_t len, struct proto_request *ret,
    char *errbuf, size_t errlen)
{
	struct json_object	*root, *id, *cmd, *args;
	size_t			 cmdlen;

	memset(ret, 0, sizeof(*ret));
	if ((root = parse_object(line, len, PROTO_MAX_LINE, errbuf,
	    errlen)) == NULL)
		return -EINVAL;
	ret->root = root;

	/* The id first, so that the error reply can echo it. */
	if (json_object_object_get_ex(root, "id", &id)) {
		if (!json_object_is_type(id, json_type_int) &&
		    !json_object_is_type(id, json_type_string)) {
			errbuf_set(errbuf, errlen,
			    "\"id\" must be an integer or a string");
			return -EINVAL;
		}
		ret->id = id;
	}
	if (check_version(root, errbuf, errlen) < 0)
		return -EINVAL;

	if (!json_object_object_get_ex(root, "cmd", &cmd)) {
		errbuf_set(errbuf, errlen, "missing \"cmd\"");
		return -EINVAL;
	}
	if (!json_object_is_type(cmd, json_type_string)) {
		errbuf_set(errbuf, errlen, "\"cmd\" must be a string");
		return -EINVAL;
	}
	cmdlen = json_object_get_string_len(cmd);
	if (cmdlen == 0) {
		errbuf_set(errbuf, errlen, "\"cmd\" is empty");
		return -EINVAL;
	}
	/* "\u0000" survives parsing; cmd is used as a C string. */
	if (strlen(json_object_get_string(cmd)) != cmdlen) {
		errbuf_set(errbuf, errlen, "\"cmd\" contains a NUL");
		return -EINVAL;
	}

	if (json_object_object_get_ex(root, "args", &args)) {
		if (!json_object_is_type(args, json_type_object)) {
			errbuf_set(errbuf, errlen, "\"args\" must be an object");
			return -EINVAL;
		}
	} else {
		if ((args = json_object_new_object()) == NULL ||
		    json_object_object_add(root, "args", args) < 0) {
			json_object_put(args);
			errbuf_set(errbuf, errlen, "out of memory");
			return -EINVAL;
		}
	}
	ret->cmd = json_object_get_string(cmd);
	ret->args = args;
	return 0;
}

void
proto_request_clear(struct proto_request *req)
{
	if (req == NULL)
		return;
	json_object_put(req->root);
	memset(req, 0, sizeof(*req));
}

/*
 * Adds val to o under key, taking val either way (json-c leaves it with
 * the caller when the insert fails).  A NULL val is out of memory.
 */
static int
obj_add(struct json_object *o, const char *key, struct json_object *val)
{
	if (val == NULL)
		return -ENOMEM;
	if (json_object_object_add(o, key, val) < 0) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

struct json_object *
proto_request_new(int64_t id, const char *cmd, struct json_object *args)
{
	struct json_object	*o;

	if (args == NULL && (args = json_object_new_object()) == NULL)
		return NULL;
	if (cmd == NULL || (o = json_object_new_object()) == NULL) {
		json_object_put(args);
		return NULL;
	}
	if (obj_add(o, "v", json_object_new_int(PROTO_VERSION)) < 0 ||
	    obj_add(o, "id", json_object_new_int64(id)) < 0 ||
	    obj_add(o, "cmd", json_object_new_string(cmd)) < 0) {
		json_object_put(args);
		json_object_put(o);
		return NULL;
	}
	if (obj_add(o, "args", args) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Serializes a reply and puts it; returns a malloc'd line or NULL. */
static char *
reply_line(struct json_object *o)
{
	const char	*s;
	char		*line = NULL;
	size_t		 n;

	/* Unescaped '/' keeps URLs in results readable; both are valid. */
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (s != NULL && (line = malloc(n + 2)) != NULL) {
		memcpy(line, s, n);
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	json_object_put(o);
	return line;
}

/* {"v":1,"id":id} with id borrowed (a JSON null when NULL). */
static struct json_object *
reply_new(struct json_object *id)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (obj_add(o, "v", json_object_new_int(PROTO_VERSION)) < 0) {
		json_object_put(o);
		return NULL;
	}
	/* NULL is JSON null here, so obj_add() does not fit. */
	if (json_object_object_add(o, "id", json_object_get(id)) < 0) {
		json_object_put(id);	/* the reference we just took */
		json_object_put(o);
		return NULL;
	}
	return o;
}

char *
proto_reply_ok(struct json_object *id, struct json_object *result)
{
	struct json_object	*o;

	if (result == NULL && (result = json_object_new_object()) == NULL)
		return NULL;
	if ((o = reply_new(id)) == NULL) {
		json_object_put(result);
		return NULL;
	}
	if (obj_add(o, "ok", json_object_new_boolean(1)) < 0) {
		json_object_put(result);
		json_object_put(o);
		return NULL;
	}
	if (obj_add(o, "result", result) < 0) {
		json_object_put(o);
		return NULL;
	}
	return reply_line(o);
}

char *
proto_reply_error(struct json_object *id, enum proto_err code,
    const char *message)
{
	struct json_object	*o, *err;

	if ((o = reply_new(id)) == NULL)
		return NULL;
	if ((err = json_object_new_object()) == NULL) {
		json_object_put(o);
		return NULL;
	}
	if (obj_add(err, "code",
	    json_object_new_string(proto_err_name(code))) < 0 ||
	    obj_add(err, "message",
	    json_object_new_string(message != NULL ? message : "")) < 0 ||
	    obj_add(o, "ok", json_object_new_boolean(0)) < 0) {
		json_object_put(err);
		json_object_put(o);
		return NULL;
	}
	if (obj_add(o, "error", err) < 0) {
		json_object_put(o);
		return NULL;
	}
	return reply_line(o);
}

/* Checks the reply's shape; fills r, whose root the caller owns. */
static int
reply_check(struct json_object *root, struct proto_reply *r)
{
	struct json_object	*id, *ok, *err, *code, *msg;
	int			 c;

	if (check_version(root, NULL, 0) < 0)
		return -EINVAL;
	if (!json_object_object_get_ex(root, "id", &id))
		return -EINVAL;
	if (id == NULL)
		r->id = 0;
	else if (json_object_is_type(id, json_type_int))
		r->id = json_object_get_int64(id);
	else
		return -EINVAL;
	if (!json_object_object_get_ex(root, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean))
		return -EINVAL;
	r->ok = json_object_get_boolean(ok);
	if (r->ok) {
		if (!json_object_object_get_ex(root, "result", &r->result) ||
		    !json_object_is_type(r->result, json_type_object))
			return -EINVAL;
		return 0;
	}
	if (!json_object_object_get_ex(root, "error", &err) ||
	    !json_object_is_type(err, json_type_object) ||
	    !json_object_object_get_ex(err, "code", &code) ||
	    !json_object_is_type(code, json_type_string) ||
	    !json_object_object_get_ex(err, "message", &msg) ||
	    !json_object_is_type(msg, json_type_string))
		return -EINVAL;
	if ((c = proto_err_from_name(json_object_get_string(code))) < 0)
		return -EINVAL;
	r->error_code = c;
	r->error_message = json_object_get_string(msg);
	return 0;
}

int
proto_reply_parse(const char *line, size_t len, struct proto_reply *ret)
{
	struct proto_reply	 r;

	memset(&r, 0, sizeof(r));
	if ((r.root = parse_object(line, len, PROTO_MAX_REPLY, NULL,
	    0)) == NULL)
		return -EINVAL;
	if (reply_check(r.root, &r) < 0) {
		json_object_put(r.root);
		return -EINVAL;
	}
	*ret = r;
	return 0;
}

void
proto_reply_clear(struct proto_reply *rep)
{
	if (rep == NULL)
		return;
	json_object_put(rep->root);
	memset(rep, 0, sizeof(*rep));
}
