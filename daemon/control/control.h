/*
 * The control socket: listening, connections, framing, peer credentials
 * and dispatch through the request table.  Handlers live in req-*.c and
 * answer through req_ok()/req_fail() (req.c), now or later (after an
 * HTTP call).  One request per connection is handled at a time; further
 * lines wait in the connection's buffer.
 */
#ifndef THREADSD_CONTROL_H
#define THREADSD_CONTROL_H

struct daemon;
struct control;

/*
 * listen_fd: a socket handed over by systemd, or -1 to bind
 * cfg->control_socket.  NULL on failure (logged).
 */
struct control	*control_new(struct daemon *, int listen_fd);
/* Closes every connection and, when it bound it, removes the socket. */
void		 control_free(struct control *);

#endif
