/*
 * The control socket: listening, connections, framing, peer credentials
 * and dispatch through the request table.  Handlers live in req-*.c and
 * answer through req_ok()/req_fail(), now or later (after an HTTP call).
 * One request per connection is handled at a time; further lines wait in
 * the connection's buffer.
 */
#ifndef THREADSD_CONTROL_H
#define THREADSD_CONTROL_H

#include <sys/types.h>

#include <json-c/json.h>

#include "common/proto.h"

struct daemon;
struct control;
struct conn;

#define REQ_MUTATING	0x1	/* changes state: logged with the peer */
#define REQ_SECRET	0x2	/* carries a secret: arguments wiped */

/* One request in flight.  Owned by control.c until req_ok()/req_fail(). */
struct req {
	struct daemon		*d;
	struct conn		*conn;	/* outlives the client's socket */
	struct proto_request	 pr;	/* cmd, id, args (always an object) */
	uid_t			 uid;	/* the peer, from SO_PEERCRED */
	pid_t			 pid;
	int			 wipe;	/* REQ_SECRET: wipe args when done */
};

typedef void	(*req_handler)(struct req *);

struct req_entry {
	const char	*name;
	req_handler	 handler;
	int		 flags;
};

/*
 * listen_fd: a socket handed over by systemd, or -1 to bind
 * cfg->control_socket.  NULL on failure (logged).
 */
struct control	*control_new(struct daemon *, int listen_fd);
/* Closes every connection and, when it bound it, removes the socket. */
void		 control_free(struct control *);

/* Answers req and frees it.  result is taken (NULL: empty object). */
void		 req_ok(struct req *, struct json_object *result);
void		 req_fail(struct req *, enum proto_err, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

#endif
