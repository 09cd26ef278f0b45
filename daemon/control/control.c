/*
 * The control socket.  Owns the listener, the connections and the request
 * table; reads newline-delimited JSON with a hard line limit, checks each
 * request (common/proto.c), and hands it to its handler.  A connection
 * handles one request at a time: while a handler waits (on HTTP, say) the
 * connection stops reading, which also bounds what a client can queue.
 * Handlers answer with req_ok()/req_fail() (req.c), which end in
 * req_done() here; a client that went away in the meantime just loses
 * the answer.  Connections are freed from the
 * loop (a deferred event), never inside the callback that noticed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <sodium.h>

#include "daemon/config.h"
#include "daemon/control/control.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/control/req.h"

static const struct req_entry req_table[] = {
	{ "ping",		req_ping,		0 },
	{ "status",		req_status,		0 },
	{ "reload",		req_reload,		REQ_MUTATING },
	{ "account.auth_url",	req_account_auth_url,	0 },
	{ "account.add",	req_account_add,	REQ_MUTATING | REQ_SECRET },
	{ "account.list",	req_account_list,	0 },
	{ "account.show",	req_account_show,	0 },
	{ "account.remove",	req_account_remove,	REQ_MUTATING },
	{ "account.export",	req_account_export,	0 },
	{ "account.refresh",	req_account_refresh,	REQ_MUTATING },
	{ "account.poll",	req_account_poll,	REQ_MUTATING },
	{ "stats.get",		req_stats_get,		0 },
	{ "metrics",		req_metrics,		0 },
	{ "post.schedule",	req_post_schedule,	REQ_MUTATING },
	{ "post.list",		req_post_list,		0 },
	{ "post.calendar",	req_post_calendar,	0 },
	{ "post.show",		req_post_show,		0 },
	{ "post.cancel",	req_post_cancel,	REQ_MUTATING },
	{ "post.retry",		req_post_retry,		REQ_MUTATING },
	{ "post.edit",		req_post_edit,		REQ_MUTATING },
	{ "post.import",	req_post_import,	REQ_MUTATING },
	{ NULL, NULL, 0 }
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct control		*ctl;
	struct bufferevent	*bev;		/* NULL once dropped */
	struct event		*kick;		/* resume work from the loop */
	struct req		*pending;	/* the request being handled */
	uid_t			 uid;
	pid_t			 pid;
	int			 eof;		/* the peer sends no more */
	int			 closing;	/* close once output drains */
	int			 stalled;	/* output full: reading paused */
};

struct control {
	struct daemon		*d;
	struct evconnlistener	*listener;
	char			*bound_path;	/* we bound it: unlink at exit */
	TAILQ_HEAD(, conn)	 conns;
	int			 nconns;
};

/*
 * A client that sends requests without reading the replies stops being
 * read once this much output waits for it.
 */
#define CONN_MAX_OUTPUT	(256 * 1024)

static void	conn_process(struct conn *);

static const struct req_entry *
req_lookup(const char *name)
{
	const struct req_entry *e;

	for (e = req_table; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static void
conn_free(struct conn *c)
{
	TAILQ_REMOVE(&c->ctl->conns, c, entry);
	c->ctl->nconns--;
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	event_free(c->kick);
	free(c);
}

/* Stops talking to the peer; the struct lives on while a request waits. */
static void
conn_drop(struct conn *c)
{
	if (c->bev != NULL) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	c->closing = 1;
	event_active(c->kick, EV_WRITE, 0);
}

static void
conn_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->pending != NULL)
		return;
	if (c->bev == NULL) {
		conn_free(c);
		return;
	}
	conn_process(c);
}

/*
 * A reply nearly always fits in the socket buffer: it is written at once,
 * and only what the socket did not take goes through the bufferevent.
 * That spares arming and disarming the write event (two epoll_ctl calls
 * and a loop turn) per reply.  An error is left for the bufferevent to
 * find.
 */
static void
conn_send(struct conn *c, char *line)
{
	size_t len, off = 0;
	ssize_t n;

	if (line == NULL) {
		log_error("control: out of memory building a reply");
		conn_drop(c);
		return;
	}
	len = strlen(line);
	if (c->bev != NULL &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		n = send(bufferevent_getfd(c->bev), line, len, MSG_NOSIGNAL);
		if (n > 0)
			off = (size_t)n;
	}
	if (c->bev != NULL && off < len)
		bufferevent_write(c->bev, line + off, len - off);
	free(line);
}

/* Zeroes the string arguments of a request that carried a secret. */
static void
req_wipe_args(struct req *req)
{
	if (req->pr.args == NULL)
		return;
	json_object_object_foreach(req->pr.args, key, val) {
		(void)key;
		if (json_object_is_type(val, json_type_string))
			sodium_memzero((char *)json_object_get_string(val),
			    (size_t)json_object_get_string_len(val));
	}
}

static void
req_free(struct req *req)
{
	if (req->wipe)
		req_wipe_args(req);
	proto_request_clear(&req->pr);
	free(req);
}

/* Ends req: the connection may go on with its next line. */
static void
req_done(struct req *req, char *line)
{
	const struct req_entry *e = req_lookup(req->pr.cmd);
	struct conn *c = req->conn;

	conn_send(c, line);
	/* What a request changed shows in systemd's STATUS= at once. */
	if (e != NULL && (e->flags & REQ_MUTATING))
		daemon_notify_status(req->d);
	c->pending = NULL;
	req_free(req);
	if (c->bev != NULL && !c->closing)
		bufferevent_enable(c->bev, EV_READ);
	event_active(c->kick, EV_WRITE, 0);
}

static void
conn_dispatch(struct conn *c, const char *line, size_t len)
{
	const struct req_entry *e;
	struct req *req;
	char err[256];

	if ((req = calloc(1, sizeof(*req))) == NULL) {
		conn_send(c, proto_reply_error(NULL, ERR_INTERNAL,
		    "out of memory"));
		return;
	}
	req->d = c->ctl->d;
	req->conn = c;
	req->done = req_done;
	req->uid = c->uid;
	req->pid = c->pid;
	if (proto_request_parse(line, len, &req->pr, err, sizeof(err)) < 0) {
		conn_send(c, proto_reply_error(req->pr.id, ERR_BAD_REQUEST,
		    err));
		req_free(req);
		return;
	}
	if ((e = req_lookup(req->pr.cmd)) == NULL) {
		snprintf(err, sizeof(err), "unknown command '%.64s'",
		    req->pr.cmd);
		conn_send(c, proto_reply_error(req->pr.id,
		    ERR_UNKNOWN_COMMAND, err));
		req_free(req);
		return;
	}
	if (e->flags & REQ_MUTATING)
		log_info("control: %s from uid %u pid %d", e->name,
		    (unsigned)c->uid, (int)c->pid);
	req->wipe = (e->flags & REQ_SECRET) != 0;
	/* Stopping: nothing new starts; what only reads still answers. */
	if ((e->flags & REQ_MUTATING) && req->d->stopping) {
		conn_send(c, proto_reply_error(req->pr.id, ERR_UNAVAILABLE,
		    "threadsd is stopping"));
		req_free(req);
		return;
	}
	c->pending = req;
	e->handler(req);
	/* Still pending: it waits (on HTTP, say); read nothing meanwhile. */
	if (c->pending != NULL && c->bev != NULL)
		bufferevent_disable(c->bev, EV_READ);
}

/*
 * Drains len bytes of in, zeroing them first: a request line may hold a
 * token, and freed evbuffer chunks are not wiped.
 */
static void
wipe_drain(struct evbuffer *in, size_t len)
{
	struct evbuffer_iovec v[8];
	size_t done, l;
	int i, n;

	while (len > 0) {
		if ((n = evbuffer_peek(in, len, NULL, v, 8)) <= 0)
			break;
		done = 0;
		for (i = 0; i < n && i < 8 && done < len; i++) {
			l = v[i].iov_len < len - done ? v[i].iov_len :
			    len - done;
			sodium_memzero(v[i].iov_base, l);
			done += l;
		}
		evbuffer_drain(in, done);
		len -= done;
	}
}

/* Handles complete lines until one waits, the input runs dry, or the
 * connection is closing. */
static void
conn_process(struct conn *c)
{
	struct evbuffer *in;
	struct evbuffer_ptr eol;
	size_t eol_len, avail, len;
	char *line;

	while (c->bev != NULL && c->pending == NULL && !c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) >
		    CONN_MAX_OUTPUT) {
			c->stalled = 1;
			bufferevent_disable(c->bev, EV_READ);
			break;
		}
		in = bufferevent_get_input(c->bev);
		avail = evbuffer_get_length(in);
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if ((eol.pos < 0 && avail > PROTO_MAX_LINE) ||
		    (eol.pos >= 0 && (size_t)eol.pos > PROTO_MAX_LINE)) {
			conn_send(c, proto_reply_error(NULL, ERR_BAD_REQUEST,
			    "request line longer than 1048576 bytes"));
			evbuffer_drain(in, avail);
			c->closing = 1;
			bufferevent_disable(c->bev, EV_READ);
			break;
		}
		if (eol.pos < 0)
			break;
		if ((line = malloc(eol.pos + 1)) == NULL) {
			conn_drop(c);
			return;
		}
		evbuffer_copyout(in, line, eol.pos);
		wipe_drain(in, (size_t)eol.pos + eol_len);
		len = (size_t)eol.pos;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		if (len > 0)
			conn_dispatch(c, line, len);
		sodium_memzero(line, (size_t)eol.pos);
		free(line);
	}
	if (c->bev == NULL || c->pending != NULL)
		return;
	if (c->eof)
		c->closing = 1;
	if (c->closing &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_drop(c);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_process(arg);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (c->closing && c->pending == NULL) {
		conn_drop(c);
		return;
	}
	if (c->stalled) {	/* the client read its replies: go on */
		c->stalled = 0;
		bufferevent_enable(c->bev, EV_READ);
		conn_process(c);
	}
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_EOF) {
		c->eof = 1;
		conn_process(c);
		return;
	}
	/* errors and the idle timeout */
	conn_drop(c);
}

static void
conn_refuse(evutil_socket_t fd, const char *why)
{
	char *line;
	ssize_t n;

	if ((line = proto_reply_error(NULL, ERR_UNAVAILABLE, why)) != NULL) {
		n = write(fd, line, strlen(line));
		(void)n;
		free(line);
	}
	close(fd);
}

static void
control_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct control *ctl = arg;
	const struct config *cfg = ctl->d->cfg;
	struct ucred cred = { 0, (uid_t)-1, (gid_t)-1 };
	socklen_t credlen = sizeof(cred);
	struct timeval idle = { cfg->control_idle_timeout, 0 };
	struct conn *c;

	(void)l;
	(void)sa;
	(void)salen;
	if (ctl->nconns >= cfg->control_max_clients) {
		log_warning("control: %d connections open, refusing another",
		    ctl->nconns);
		conn_refuse(fd, "too many connections");
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) < 0)
		log_debug("control: SO_PEERCRED: %s", strerror(errno));
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->bev = bufferevent_socket_new(ctl->d->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL ||
	    (c->kick = event_new(ctl->d->base, -1, 0, conn_kick_cb,
	    c)) == NULL) {
		if (c != NULL && c->bev != NULL)
			bufferevent_free(c->bev);
		else
			close(fd);
		free(c);
		log_error("control: out of memory accepting a connection");
		return;
	}
	c->ctl = ctl;
	c->uid = cred.uid;
	c->pid = cred.pid;
	TAILQ_INSERT_TAIL(&ctl->conns, c, entry);
	ctl->nconns++;
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb,
	    c);
	/* Stop reading once a line could no longer fit. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, PROTO_MAX_LINE + 2);
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* Removes a socket file left by a daemon that died; refuses a live one. */
static int
control_unlink_stale(const char *path, const struct sockaddr_un *sun)
{
	struct stat sb;
	int fd, r;

	if (lstat(path, &sb) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(sb.st_mode))
		return -EEXIST;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (r == 0)
		return -EADDRINUSE;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int
control_bind(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, r;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	if ((r = control_unlink_stale(path, &sun)) < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(0117);	/* srw-rw---- from the start */
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0 || listen(fd, 128) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

struct control *
control_new(struct daemon *d, int listen_fd)
{
	struct control *ctl;
	const char *path = d->cfg->control_socket;
	int fd = listen_fd;

	if ((ctl = calloc(1, sizeof(*ctl))) == NULL)
		return NULL;
	ctl->d = d;
	TAILQ_INIT(&ctl->conns);
	if (fd < 0) {
		if ((fd = control_bind(path)) < 0) {
			log_error("control: cannot listen on %s: %s%s", path,
			    strerror(-fd), fd == -EADDRINUSE ?
			    " (is another threadsd running?)" : "");
			free(ctl);
			return NULL;
		}
		if ((ctl->bound_path = strdup(path)) == NULL) {
			close(fd);
			free(ctl);
			return NULL;
		}
	} else
		evutil_make_socket_nonblocking(fd);
	ctl->listener = evconnlistener_new(d->base, control_accept_cb, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (ctl->listener == NULL) {
		log_error("control: cannot listen: %s", strerror(errno));
		close(fd);
		control_free(ctl);
		return NULL;
	}
	return ctl;
}

void
control_free(struct control *ctl)
{
	struct conn *c;

	if (ctl == NULL)
		return;
	if (ctl->listener != NULL)
		evconnlistener_free(ctl->listener);
	while ((c = TAILQ_FIRST(&ctl->conns)) != NULL) {
		if (c->pending != NULL) {
			req_free(c->pending);
			c->pending = NULL;
		}
		conn_free(c);
	}
	if (ctl->bound_path != NULL) {
		unlink(ctl->bound_path);
		free(ctl->bound_path);
	}
	free(ctl);
}
