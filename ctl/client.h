/*
 * threadsctl's side of the control socket: connect, send one request,
 * read one reply.  Blocking, since threadsctl does one thing at a time.
 */
#ifndef THREADSCTL_CLIENT_H
#define THREADSCTL_CLIENT_H

#include <json-c/json.h>

#include "common/proto.h"

#define CLIENT_DEFAULT_SOCKET	"/run/threadsd/control.sock"

/* Exit codes, as DESIGN.md says. */
#define EXIT_OK		0
#define EXIT_REFUSED	1	/* the daemon said no */
#define EXIT_USAGE	2
#define EXIT_NODAEMON	3	/* cannot reach the daemon */
#define EXIT_DEGRADED	4	/* status: something needs a person */

/*
 * An error on stderr: "threadsctl: MESSAGE" and the hint on a line of
 * its own, or with client_json_errors (--json) one line of JSON,
 * {"error": {"code", "message", "hint"}}.  code is the daemon's error
 * code, or "usage", "no_daemon", "internal".
 */
extern int	client_json_errors;
void	client_error(const char *code, const char *hint, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/*
 * Sends cmd with args (taken) over socket path and waits for the reply.
 * Returns 0 with ret filled, or EXIT_NODAEMON after printing why on
 * stderr.
 */
int	client_call(const char *path, const char *cmd, struct json_object *args,
	    struct proto_reply *ret);

#endif
