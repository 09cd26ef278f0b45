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
 * Sends cmd with args (taken) over socket path and waits for the reply.
 * Returns 0 with ret filled, or EXIT_NODAEMON after printing why on
 * stderr.
 */
int	client_call(const char *path, const char *cmd, struct json_object *args,
	    struct proto_reply *ret);

#endif
