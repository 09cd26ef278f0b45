/*
 * server: evhttp glue.
 *
 * It owns the evhttp object and the requests held back by a stall or a
 * reset fault.  Every request becomes a struct fgreq; /__admin/ goes to
 * admin.c, everything else is logged, checked against the fault list and
 * routed.  A held request is freed from a timer or from the connection's
 * close callback, never from inside libevent's own callbacks for it.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "admin.h"
#include "conf.h"
#include "faults.h"
#include "fgreq.h"
#include "handlers.h"
#include "reply.h"
#include "reqlog.h"
#include "server.h"
#include "store.h"

#define MAX_BODY	(1024 * 1024)
#define MAX_HEADERS	(64 * 1024)

enum pend_action {
	PEND_DISPATCH,		/* stall, then answer normally */
	PEND_SEND,		/* handler already ran: just send */
	PEND_RESET		/* close without answering */
};

struct pending {
	TAILQ_ENTRY(pending)	 entry;
	struct fgreq		*r;
	struct event		*timer;	/* NULL: held forever */
	struct event		*watch;	/* peer hang-up, or NULL */
	enum pend_action	 action;
};

static struct event_base		*base;
static struct evhttp			*http;
static TAILQ_HEAD(, pending)		 pendings =
    TAILQ_HEAD_INITIALIZER(pendings);

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 302:
		return "Found";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

static int
sensitive(const char *name, size_t n)
{
	static const char *const names[] = { "access_token", "input_token",
	    "client_secret", "code", "fb_exchange_token", NULL };
	int			 i;

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == n && strncmp(names[i], name, n) == 0)
			return 1;
	return 0;
}

/* -v: the request line with secret-bearing values blanked. */
static void
log_request(const struct fgreq *r, const char *outcome)
{
	struct evbuffer	*line;
	const char	*uri, *p, *amp, *eq;
	size_t		 len;
	int		 first = 1;

	if ((line = evbuffer_new()) == NULL)
		return;
	if ((uri = evhttp_request_get_uri(r->ev)) == NULL)
		uri = "?";
	len = strcspn(uri, "?");
	evbuffer_add(line, uri, len);
	for (p = uri + len; *p != '\0'; p = amp, first = 0) {
		p++;
		amp = p + strcspn(p, "&");
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if (sensitive(p, (size_t)(eq - p)))
			evbuffer_add_printf(line, "%c%.*s=*", first ? '?' : '&',
			    (int)(eq - p), p);
		else
			evbuffer_add_printf(line, "%c%.*s", first ? '?' : '&',
			    (int)(amp - p), p);
	}
	evbuffer_add(line, "", 1);
	fprintf(stderr, "fakegraph: %s %s -> %s\n", r->method_name,
	    (const char *)evbuffer_pullup(line, -1), outcome);
	evbuffer_free(line);
}

static void
server_send(struct fgreq *r)
{
	struct evkeyvalq	*h;
	struct evbuffer		*b;
	char			 st[16];

	h = evhttp_request_get_output_headers(r->ev);
	b = evhttp_request_get_output_buffer(r->ev);
	if (r->status == 0)
		reply_json(r, 500, NULL);
	evhttp_add_header(h, "Content-Type", r->ctype != NULL ? r->ctype :
	    "application/json; charset=UTF-8");
	if (r->location != NULL && evhttp_add_header(h, "Location",
	    r->location) < 0)
		reply_body(r, 500, "text/plain", "bad Location\n", 13);
	if (r->body_len > 0)
		evbuffer_add(b, r->body, r->body_len);
	reqlog_set(r->seq, r->status, NULL);
	if (fgconf.verbose) {
		snprintf(st, sizeof(st), "%d", r->status);
		log_request(r, st);
	}
	evhttp_send_reply(r->ev, r->status, reason(r->status), NULL);
	fgreq_free(r);
}

/*
 * Close without answering.  SO_LINGER 0 asks for a TCP reset, but evhttp
 * shuts the write side down first, so clients mostly see a FIN and an
 * empty reply.
 */
static void
server_reset(struct fgreq *r)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct linger			 lg = { 1, 0 };
	evutil_socket_t			 fd;

	evcon = evhttp_request_get_connection(r->ev);
	reqlog_set(r->seq, 0, NULL);
	if (fgconf.verbose)
		log_request(r, "reset");
	fgreq_free(r);
	if (evcon == NULL)
		return;
	bev = evhttp_connection_get_bufferevent(evcon);
	if (bev != NULL && (fd = bufferevent_getfd(bev)) >= 0)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	evhttp_connection_free(evcon);
}

static void
pending_forget(struct pending *p)
{
	struct evhttp_connection	*evcon;

	TAILQ_REMOVE(&pendings, p, entry);
	if ((evcon = evhttp_request_get_connection(p->r->ev)) != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	if (p->timer != NULL)
		event_free(p->timer);
	if (p->watch != NULL)
		event_free(p->watch);
	free(p);
}

static void
pending_fire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pending		*p = arg;
	struct fgreq		*r = p->r;
	enum pend_action	 action = p->action;

	(void)fd;
	(void)what;
	pending_forget(p);
	switch (action) {
	case PEND_DISPATCH:
		route_dispatch(r);
		server_send(r);
		break;
	case PEND_SEND:
		server_send(r);
		break;
	case PEND_RESET:
		server_reset(r);
		break;
	}
}

/*
 * The client went away while we held its request.  evhttp 2.1 stops
 * reading once a request is complete, so it would not notice; a
 * one-shot read event of our own sees the EOF.
 */
static void
pending_watch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pending			*p = arg;
	struct fgreq			*r = p->r;
	struct evhttp_connection	*evcon;
	ssize_t				 n;
	char				 c;

	(void)what;
	n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0)
		return;		/* pipelined bytes: stop watching */
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		event_add(p->watch, NULL);
		return;
	}
	evcon = evhttp_request_get_connection(r->ev);
	pending_forget(p);
	reqlog_set(r->seq, 0, NULL);
	if (fgconf.verbose)
		log_request(r, "client closed");
	fgreq_free(r);
	if (evcon != NULL)
		evhttp_connection_free(evcon);
}

/* evhttp is freeing the connection (server shutdown, write error). */
static void
pending_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct pending	*p = arg;
	struct fgreq	*r = p->r;

	(void)evcon;
	pending_forget(p);
	fgreq_free(r);
}

static void
pending_add(struct fgreq *r, int64_t delay_ms, enum pend_action action)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct pending			*p;
	struct timeval			 tv;
	evutil_socket_t			 fd;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto fail;
	p->r = r;
	p->action = action;
	if (delay_ms > 0 || action != PEND_DISPATCH) {
		if ((p->timer = evtimer_new(base, pending_fire_cb, p)) == NULL)
			goto fail;
		tv.tv_sec = delay_ms / 1000;
		tv.tv_usec = (delay_ms % 1000) * 1000;
		evtimer_add(p->timer, &tv);
	}
	evcon = evhttp_request_get_connection(r->ev);
	bev = evcon != NULL ? evhttp_connection_get_bufferevent(evcon) : NULL;
	if (bev != NULL && (fd = bufferevent_getfd(bev)) >= 0 &&
	    (p->watch = event_new(base, fd, EV_READ, pending_watch_cb,
	    p)) != NULL)
		event_add(p->watch, NULL);
	TAILQ_INSERT_TAIL(&pendings, p, entry);
	if (evcon != NULL)
		evhttp_connection_set_closecb(evcon, pending_close_cb, p);
	return;
fail:
	free(p);
	reply_json(r, 500, NULL);
	server_send(r);
}

static void
apply_fault(struct fgreq *r, const struct fault *f)
{
	reqlog_set(r->seq, -1, fault_kind_name(f->kind));
	if (f->after || f->kind == FAULT_TRUNCATED)
		route_dispatch(r);
	switch (f->kind) {
	case FAULT_STALL:
		pending_add(r, f->delay_ms, f->after ? PEND_SEND :
		    PEND_DISPATCH);
		return;
	case FAULT_RESET:
		pending_add(r, 0, PEND_RESET);
		return;
	case FAULT_TRUNCATED:
		fault_truncate(r);
		break;
	default:
		fault_reply(r, f);
		break;
	}
	server_send(r);
}

static int
is_admin(const char *path)
{
	return strncmp(path, "/__admin", 8) == 0 &&
	    (path[8] == '/' || path[8] == '\0');
}

static void
server_cb(struct evhttp_request *ev, void *arg)
{
	static const char	 bad[] = "{\"error\":{\"message\":"
	    "\"fakegraph: malformed request\",\"type\":"
	    "\"OAuthException\",\"code\":100}}";
	struct fault		 f;
	struct fgreq		*r;
	struct evbuffer		*b;

	(void)arg;
	if (fgreq_new(ev, &r) < 0) {
		evhttp_add_header(evhttp_request_get_output_headers(ev),
		    "Content-Type", "application/json; charset=UTF-8");
		if ((b = evbuffer_new()) != NULL)
			evbuffer_add(b, bad, sizeof(bad) - 1);
		evhttp_send_reply(ev, 400, "Bad Request", b);
		if (b != NULL)
			evbuffer_free(b);
		return;
	}
	if (is_admin(r->path)) {
		admin_dispatch(r);
		server_send(r);
		return;
	}
	r->seq = reqlog_add(r->method_name, r->path, r->auth,
	    r->token != NULL ? store_token_get(r->token) : NULL);
	if (faults_take(r->path, r->method, &f) == 0) {
		apply_fault(r, &f);
		return;
	}
	route_dispatch(r);
	server_send(r);
}

int
server_start(struct event_base *evbase, const char *addr, int port,
    int *ret_port)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_storage		 ss;
	socklen_t			 len = sizeof(ss);

	base = evbase;
	if ((http = evhttp_new(base)) == NULL)
		return -ENOMEM;
	evhttp_set_max_body_size(http, MAX_BODY);
	evhttp_set_max_headers_size(http, MAX_HEADERS);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT);
	evhttp_set_gencb(http, server_cb, NULL);
	if ((bs = evhttp_bind_socket_with_handle(http, addr,
	    (ev_uint16_t)port)) == NULL)
		return -EADDRNOTAVAIL;
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (ss.ss_family == AF_INET6)
		*ret_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		*ret_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

void
server_stop(void)
{
	struct pending	*p;
	struct fgreq	*r;

	while ((p = TAILQ_FIRST(&pendings)) != NULL) {
		r = p->r;
		pending_forget(p);
		fgreq_free(r);
	}
	if (http != NULL)
		evhttp_free(http);
	http = NULL;
}
