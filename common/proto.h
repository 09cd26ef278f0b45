/*
 * The control protocol spoken between threadsd and threadsctl: framing of
 * newline-delimited JSON, building and checking requests and replies, and
 * the error codes.  Both sides link this; it knows nothing of sockets,
 * LMDB or the event loop.
 */
#ifndef THREADSD_PROTO_H
#define THREADSD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define PROTO_VERSION	1
#define PROTO_MAX_LINE	(1024 * 1024)	/* bytes, newline excluded */
/* A reply may be longer: `metrics` for thousands of accounts is MiBs. */
#define PROTO_MAX_REPLY	(64 * 1024 * 1024)

enum proto_err {
	ERR_BAD_REQUEST,
	ERR_UNKNOWN_COMMAND,
	ERR_INVALID_ARGUMENT,
	ERR_NOT_FOUND,
	ERR_CONFLICT,
	ERR_PERMISSION_DENIED,
	ERR_UNAVAILABLE,
	ERR_INTERNAL,
};

const char	*proto_err_name(enum proto_err);
/* Returns the code, or -EINVAL for a name that is not one. */
int		 proto_err_from_name(const char *);

/*
 * Framing.  Looks for a complete line in buf[0..len).  Returns 1 and sets
 * *ret_linelen (newline excluded; a trailing '\r' is not stripped) when a
 * line is there, 0 when more bytes are needed, -EMSGSIZE when the line
 * already exceeds max bytes without a newline.
 */
int		 proto_frame(const char *buf, size_t len, size_t max,
		    size_t *ret_linelen);

/*
 * A parsed request.  root owns everything; id, cmd and args borrow from
 * it.  id is the client's id (integer or string) or NULL when absent.
 * args is always an object (an empty one when the client sent none).
 */
struct proto_request {
	struct json_object	*root;
	struct json_object	*id;
	const char		*cmd;
	struct json_object	*args;
};

/*
 * Parses and checks one request line.  On failure returns -EINVAL, fills
 * errbuf with a message for the client, and sets ret->id to the client's id
 * when one could be read (ret->root then owns it; release with
 * proto_request_clear() either way).
 */
int		 proto_request_parse(const char *line, size_t len,
		    struct proto_request *ret, char *errbuf, size_t errlen);
void		 proto_request_clear(struct proto_request *);

/* Builds a request object; takes ownership of args (NULL: empty object). */
struct json_object *proto_request_new(int64_t id, const char *cmd,
		    struct json_object *args);

/*
 * Reply builders.  id is borrowed (may be NULL), result is taken.  They
 * return a malloc'd line ending in '\n', or NULL when out of memory.
 */
char		*proto_reply_ok(struct json_object *id, struct json_object *result);
char		*proto_reply_error(struct json_object *id, enum proto_err code,
		    const char *message);

/* A parsed reply.  root owns result/error_message. */
struct proto_reply {
	struct json_object	*root;
	int64_t			 id;
	int			 ok;
	struct json_object	*result;	/* when ok */
	enum proto_err		 error_code;	/* when !ok */
	const char		*error_message;	/* when !ok */
};

/* Parses one reply line; returns 0 or -EINVAL (malformed reply). */
int		 proto_reply_parse(const char *line, size_t len,
		    struct proto_reply *ret);
void		 proto_reply_clear(struct proto_reply *);

#endif
