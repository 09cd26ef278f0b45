/*
 * HTTP on the loop: one curl multi handle per struct http, driven by
 * libevent as in curl's hiperfifo example.  curl tells us which sockets to
 * watch (one persistent event each) and when to wake it up (one timer);
 * we hand the events back with curl_multi_socket_action() and collect
 * finished transfers with curl_multi_info_read().  This file owns the
 * multi handle, the easy handles and the response buffers; it knows
 * nothing of the Graph API and does not log.
 *
 * A call that sends its secret as a bearer goes back to a pool when it
 * ends, easy handle and buffers with it, and the next call takes it from
 * there: no curl_easy_init() and no buffer allocations per request.  By
 * then our buffers are wiped and the handle points at none of them.  The
 * options that are the same for every call are set once, when the handle
 * is made (no curl_easy_reset() and a dozen curl_easy_setopt() a
 * request); each call sets the rest, method and body included, so
 * nothing of one call's request reaches the next.  The handle keeps the
 * last URL until the next call replaces it: a pooled call's URL holds no
 * secret.  A call without a bearer (a token exchange or refresh: the
 * secret is in the URL or the body, and a token comes back) never goes
 * back to the pool: its easy handle is cleaned up when it ends, curl's
 * copies and download buffer with it.  Connections are kept by the multi
 * handle either way.
 *
 * curl reads five proxy variables from the environment for every
 * request; the environment of a daemon does not change, so http_new()
 * reads them once, and when none is set every call says "no proxy".
 */
#include <sys/queue.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <sodium.h>

#include "daemon/graph/http.h"

#ifndef THREADSD_VERSION
#error "THREADSD_VERSION must be defined by the build"
#endif

#define HTTP_USER_AGENT		"threadsd/" THREADSD_VERSION
#define HTTP_CONNECT_TIMEOUT	10	/* seconds; less if the call's is */
#define HTTP_BODY_CHUNK		4096
#define HTTP_BODY_KEEP		(64 * 1024)	/* a pooled call keeps this */
#define HTTP_BEARER_PREFIX	"Authorization: Bearer "

/*
 * A socket curl watches, or one of the connections it keeps between
 * transfers.  curl drops a socket when its transfer ends (CURL_POLL_REMOVE)
 * and asks for it again when the next transfer reuses the connection: two
 * epoll_ctl() calls and an event freed and made again per request.  A
 * socket we opened for curl (http_open_cb()) is kept instead, watched for
 * reading, until curl closes it (http_close_cb()); one curl did not get
 * from us (the resolver's, say) is dropped when curl drops it, as before.
 */
struct http_sock {
	TAILQ_ENTRY(http_sock)	 entry;
	struct http		*http;
	curl_socket_t		 fd;
	struct event		*ev;
	short			 kind;		/* what ev watches, 0: none */
	int			 ours;		/* opened by http_open_cb() */
	int			 idle;		/* curl does not watch it now */
};

struct http_call {
	TAILQ_ENTRY(http_call)	 entry;		/* calls, made, or the pool */
	struct http		*http;
	CURL			*easy;
	CURLU			*url;		/* the request's, parsed */
	/* Our own list nodes, so that no header is a malloc of curl's. */
	struct curl_slist	 hdr[2];
	char			*auth;		/* the bearer header, wiped */
	size_t			 auth_cap;
	char			*form;		/* our copy, wiped */
	char			*body;		/* wiped: it may hold a token */
	size_t			 len;
	size_t			 cap;
	size_t			 max_body;
	int			 too_big;
	int			 nomem;
	int			 done;		/* its callback is running */
	int			 reuse;		/* back to the pool when done */
	int			 made;		/* made, not yet sent */
	http_done_cb		 cb;
	void			*arg;
	char			 error[64];
};

struct http {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	int64_t			 default_timeout;
	size_t			 n_calls;
	size_t			 n_idle;
	size_t			 max_idle;
	uint64_t		 n_connects;	/* connections opened */
	int			 no_proxy;	/* none in the environment */
	TAILQ_HEAD(, http_call)	 calls;
	TAILQ_HEAD(, http_call)	 made;		/* made, not yet sent */
	TAILQ_HEAD(, http_call)	 idle;		/* the pool */
	TAILQ_HEAD(, http_sock)	 socks;
};

static int	 http_curl_ready;

static void	 http_check_done(struct http *);

static void
http_sock_free(struct http *h, struct http_sock *hs)
{
	TAILQ_REMOVE(&h->socks, hs, entry);
	if (hs->ev != NULL)
		event_free(hs->ev);
	free(hs);
}

static struct http_sock *
http_sock_find(struct http *h, curl_socket_t fd)
{
	struct http_sock	*hs;

	TAILQ_FOREACH(hs, &h->socks, entry)
		if (hs->fd == fd)
			return hs;
	return NULL;
}

static void
http_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_sock	*hs = arg;
	struct http		*h = hs->http;
	int			 action = 0, running;

	if (hs->idle) {
		/*
		 * The peer closed a kept connection (or said something
		 * unasked): stop watching, or this fires until curl next
		 * looks at its connections, finds it dead and closes it.
		 */
		event_del(hs->ev);
		hs->kind = 0;
		return;
	}
	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, action, &running);
	/*
	 * No evtimer_del() when running drops to 0, unlike hiperfifo: a
	 * callback may just have started a call and armed the timer.  curl
	 * disarms it itself through http_multi_timer_cb().
	 */
	http_check_done(h);
}

static void
http_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;
	int		 running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_done(h);
}

/* CURLMOPT_SOCKETFUNCTION: watch s for what curl asks, or stop. */
static int
http_sock_cb(CURL *easy, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct http		*h = userp;
	struct http_sock	*hs = socketp;
	short			 kind;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (hs == NULL)
			return 0;
		if (!hs->ours) {
			http_sock_free(h, hs);
			return 0;
		}
		/* Kept, watched for reading only: see struct http_sock. */
		hs->idle = 1;
		what = CURL_POLL_IN;
	} else if (hs == NULL) {
		/* New to curl, or a kept connection it reuses. */
		if ((hs = http_sock_find(h, s)) == NULL) {
			if ((hs = calloc(1, sizeof(*hs))) == NULL)
				return -1;
			hs->http = h;
			hs->fd = s;
			TAILQ_INSERT_TAIL(&h->socks, hs, entry);
		}
		hs->idle = 0;
		curl_multi_assign(h->multi, s, hs);
	}
	kind = EV_PERSIST;
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (hs->kind == kind)
		return 0;
	if (hs->ev == NULL) {
		if ((hs->ev = event_new(h->base, s, kind, http_event_cb,
		    hs)) == NULL) {
			http_sock_free(h, hs);
			return -1;
		}
	} else {
		event_del(hs->ev);
		event_assign(hs->ev, h->base, s, kind, http_event_cb, hs);
	}
	hs->kind = 0;
	if (event_add(hs->ev, NULL) == -1)
		return -1;
	hs->kind = kind;
	return 0;
}

/* CURLOPT_OPENSOCKETFUNCTION: a connection's socket, known as ours. */
static curl_socket_t
http_open_cb(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct http		*h = clientp;
	struct http_sock	*hs;
	curl_socket_t		 s;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if ((hs = calloc(1, sizeof(*hs))) == NULL)
		return CURL_SOCKET_BAD;
	if ((s = socket(addr->family, addr->socktype | SOCK_CLOEXEC,
	    addr->protocol)) == CURL_SOCKET_BAD) {
		free(hs);
		return CURL_SOCKET_BAD;
	}
	hs->http = h;
	hs->fd = s;
	hs->ours = 1;
	hs->idle = 1;		/* until curl asks */
	TAILQ_INSERT_TAIL(&h->socks, hs, entry);
	return s;
}

/* CURLOPT_CLOSESOCKETFUNCTION: curl is done with a connection. */
static int
http_close_cb(void *clientp, curl_socket_t s)
{
	struct http		*h = clientp;
	struct http_sock	*hs;

	if ((hs = http_sock_find(h, s)) != NULL)
		http_sock_free(h, hs);
	return close(s);
}

/* CURLMOPT_TIMERFUNCTION: curl wants http_timer_cb() in ms, or never. */
static int
http_multi_timer_cb(CURLM *multi, long ms, void *userp)
{
	struct http	*h = userp;
	struct timeval	 tv;

	(void)multi;
	if (ms < 0) {
		evtimer_del(h->timer);
		return 0;
	}
	/* Even for 0: curl must not be re-entered from inside this call. */
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return evtimer_add(h->timer, &tv) == -1 ? -1 : 0;
}

/*
 * The size cap lives here, not in CURLOPT_MAXFILESIZE: curl 7.88 checks
 * that only against a Content-Length, and a chunked body has none.
 * Returning less than we were given makes curl abort the transfer.
 */
static size_t
http_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_call	*c = arg;
	size_t			 n = size * nmemb, cap;
	char			*nb;

	if (n > c->max_body - c->len) {
		c->too_big = 1;
		return 0;
	}
	if (c->len + n + 1 > c->cap) {
		cap = c->cap < HTTP_BODY_CHUNK ? HTTP_BODY_CHUNK : c->cap;
		while (cap < c->len + n + 1 && cap <= SIZE_MAX / 2)
			cap *= 2;
		if (cap > c->max_body + 1)
			cap = c->max_body + 1;
		/* Not realloc(): the old block would go back unwiped. */
		if ((nb = malloc(cap)) == NULL) {
			c->nomem = 1;
			return 0;
		}
		if (c->body != NULL) {
			memcpy(nb, c->body, c->len);
			sodium_memzero(c->body, c->len);
			free(c->body);
		}
		c->body = nb;
		c->cap = cap;
	}
	memcpy(c->body + c->len, ptr, n);
	c->len += n;
	c->body[c->len] = '\0';
	return n;
}

static void
http_call_free(struct http_call *c)
{
	if (c->easy != NULL)
		curl_easy_cleanup(c->easy);
	curl_url_cleanup(c->url);
	if (c->auth != NULL) {
		sodium_memzero(c->auth, c->auth_cap);
		free(c->auth);
	}
	if (c->body != NULL) {
		sodium_memzero(c->body, c->len);
		free(c->body);
	}
	free(c);
}

/*
 * The end of a call, finished or cancelled: what it held of the request
 * and the answer is wiped, and it goes back to the pool or is freed.
 * The body was wiped up to len each time it grew or was reused, so len
 * bytes are all there is to wipe.
 */
static void
http_call_release(struct http_call *c)
{
	struct http	*h = c->http;

	/* The easy handle points at the headers and the form: not now. */
	if (c->easy != NULL) {
		curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, NULL);
		curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, NULL);
	}
	if (c->auth != NULL)
		sodium_memzero(c->auth, c->auth_cap);
	if (c->form != NULL) {
		sodium_memzero(c->form, strlen(c->form));
		free(c->form);
		c->form = NULL;
	}
	if (c->body != NULL)
		sodium_memzero(c->body, c->len + 1);
	c->len = 0;
	if (!c->reuse || c->easy == NULL || h->n_idle >= h->max_idle) {
		http_call_free(c);
		return;
	}
	if (c->cap > HTTP_BODY_KEEP) {
		free(c->body);
		c->body = NULL;
		c->cap = 0;
	}
	c->too_big = c->nomem = c->done = c->reuse = c->made = 0;
	c->cb = NULL;
	c->arg = NULL;
	TAILQ_INSERT_HEAD(&h->idle, c, entry);
	h->n_idle++;
}

static void
http_call_detach(struct http_call *c)
{
	struct http	*h = c->http;

	curl_multi_remove_handle(h->multi, c->easy);
	TAILQ_REMOVE(&h->calls, c, entry);
	h->n_calls--;
}

static void
http_finish(struct http_call *c, CURLcode res)
{
	struct http_response	 r;
	long			 status = 0, connects = 0;
	char			*ct = NULL;

	memset(&r, 0, sizeof(r));
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c->easy, CURLINFO_CONTENT_TYPE, &ct);
	if (curl_easy_getinfo(c->easy, CURLINFO_NUM_CONNECTS, &connects) ==
	    CURLE_OK && connects > 0)
		c->http->n_connects += (uint64_t)connects;
	/*
	 * Out of the multi before the callback, so that it may start calls,
	 * cancel others (curl drops their pending messages) or cancel this
	 * one (a no-op while done is set).
	 */
	http_call_detach(c);
	c->done = 1;

	r.body = c->body != NULL ? c->body : "";
	if (c->too_big || res == CURLE_FILESIZE_EXCEEDED) {
		snprintf(c->error, sizeof(c->error),
		    "response larger than %zu bytes", c->max_body);
		r.failed = 1;
	} else if (c->nomem) {
		snprintf(c->error, sizeof(c->error), "out of memory");
		r.failed = 1;
	} else if (res != CURLE_OK) {
		/* curl_easy_strerror(): no URL, host or header in it. */
		snprintf(c->error, sizeof(c->error), "%s",
		    curl_easy_strerror(res));
		r.failed = 1;
	}
	if (r.failed) {
		r.error = c->error;
		r.body = "";
	} else {
		r.status = status;
		r.len = c->len;
		r.content_type = ct;
	}
	c->cb(&r, c->arg);
	http_call_release(c);
}

static void
http_check_done(struct http *h)
{
	CURLMsg			*msg;
	CURL			*easy;
	CURLcode		 res;
	struct http_call	*c;
	char			*p;
	int			 left;

	/* msg dies with curl_multi_remove_handle(): copy what we need. */
	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		easy = msg->easy_handle;
		res = msg->data.result;
		p = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p);
		if ((c = (struct http_call *)(void *)p) != NULL)
			http_finish(c, res);
	}
}

/*
 * Whether curl would find a proxy (or an exception) in the environment:
 * <scheme>_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY, no_proxy, NO_PROXY.
 * HTTP_PROXY is not read (a CGI could set it from a request's header).
 */
static int
http_env_proxy(void)
{
	static const char *const names[] = { "http_proxy", "https_proxy",
	    "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY" };
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (getenv(names[i]) != NULL)
			return 1;
	return 0;
}

struct http *
http_new(struct event_base *base, int max_connections,
    int64_t default_timeout)
{
	struct http	*h;

	if (base == NULL || max_connections < 1 || default_timeout < 1)
		return NULL;
	if (!http_curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		http_curl_ready = 1;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->base = base;
	h->default_timeout = default_timeout;
	h->no_proxy = !http_env_proxy();
	/* As many as can be in flight: a round never makes a new one. */
	h->max_idle = (size_t)max_connections;
	TAILQ_INIT(&h->calls);
	TAILQ_INIT(&h->made);
	TAILQ_INIT(&h->idle);
	TAILQ_INIT(&h->socks);
	if ((h->timer = evtimer_new(base, http_timer_cb, h)) == NULL)
		goto fail;
	if ((h->multi = curl_multi_init()) == NULL)
		goto fail;
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_sock_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION,
	    http_multi_timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	/*
	 * The total is the limit on concurrent transfers: curl queues the
	 * rest.  That holds only with one transfer per connection, so no
	 * HTTP/2 multiplexing.  Idle connections stay cached for reuse.
	 */
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)max_connections);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS,
	    (long)max_connections);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_NOTHING);
	return h;
fail:
	http_free(h);
	return NULL;
}

void
http_free(struct http *h)
{
	struct http_call	*c;
	struct http_sock	*hs;

	if (h == NULL)
		return;
	while ((c = TAILQ_FIRST(&h->calls)) != NULL) {
		http_call_detach(c);
		c->reuse = 0;
		http_call_release(c);
	}
	while ((c = TAILQ_FIRST(&h->made)) != NULL) {
		TAILQ_REMOVE(&h->made, c, entry);
		c->reuse = 0;
		http_call_release(c);
	}
	while ((c = TAILQ_FIRST(&h->idle)) != NULL) {
		TAILQ_REMOVE(&h->idle, c, entry);
		http_call_free(c);
	}
	/*
	 * Closing cached connections may call http_sock_cb() and
	 * http_close_cb() for each.
	 */
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	while ((hs = TAILQ_FIRST(&h->socks)) != NULL)
		http_sock_free(h, hs);
	if (h->timer != NULL)
		event_free(h->timer);
	free(h);
}

struct event_base *
http_base(const struct http *h)
{
	return h->base;
}

/* Printable ASCII only: anything else could split or forge a header. */
static int
http_header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * Header lines go into the call's own list nodes: curl reads the list
 * while the transfer runs and copies nothing of it into the handle.
 */
static void
http_add_header(struct http_call *c, struct curl_slist **list, char *line)
{
	struct curl_slist	*l = &c->hdr[*list == NULL ? 0 : 1];

	l->data = line;
	l->next = *list;
	*list = l;
}

/* The bearer header in the call's buffer, which grows only for a longer one. */
static int
http_add_bearer(struct http_call *c, struct curl_slist **list,
    const char *bearer)
{
	size_t	 n = sizeof(HTTP_BEARER_PREFIX) + strlen(bearer);
	char	*nb;

	if (n > c->auth_cap) {
		if ((nb = malloc(n)) == NULL)
			return -ENOMEM;
		if (c->auth != NULL) {
			sodium_memzero(c->auth, c->auth_cap);
			free(c->auth);
		}
		c->auth = nb;
		c->auth_cap = n;
	}
	/* The bearer's NUL included. */
	memcpy(c->auth, HTTP_BEARER_PREFIX, sizeof(HTTP_BEARER_PREFIX) - 1);
	memcpy(c->auth + sizeof(HTTP_BEARER_PREFIX) - 1, bearer,
	    n - sizeof(HTTP_BEARER_PREFIX) + 1);
	http_add_header(c, list, c->auth);
	return 0;
}

/* What every call of a handle asks for: set once, when it is made. */
static void
http_easy_init(struct http_call *c)
{
	CURL			*e = c->easy;

	/*
	 * A URL may carry a token or the app secret (Meta's token calls
	 * are GETs): nothing of a request may reach curl's verbose output.
	 */
	curl_easy_setopt(e, CURLOPT_VERBOSE, 0L);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)(void *)c);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if CURL_AT_LEAST_VERSION(7, 85, 0)
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* A redirect is an answer for the caller, not something to follow. */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* No CURLOPT_ACCEPT_ENCODING: no Accept-Encoding, no decoding. */
	curl_easy_setopt(e, CURLOPT_USERAGENT, HTTP_USER_AGENT);
	/* Each connection keeps these. */
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, http_open_cb);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, c->http);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, http_close_cb);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, c->http);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	/* What curl would find in the environment: nothing. */
	if (c->http->no_proxy)
		curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
}

/* What differs between calls: all of it, whatever the last call set. */
static int
http_setup(struct http_call *c, const struct http_request *req)
{
	static char		 expect[] = "Expect:";
	CURL			*e = c->easy;
	struct curl_slist	*headers = NULL;
	const char		*method = req->method != NULL ? req->method :
				    "GET";
	int64_t			 timeout;
	long			 ms, connect_ms;
	CURLUcode		 uc;
	int			 body = 0, custom = 0;

	timeout = req->timeout > 0 ? req->timeout : c->http->default_timeout;
	if (timeout > LONG_MAX / 1000)
		timeout = LONG_MAX / 1000;
	ms = (long)timeout * 1000;
	connect_ms = HTTP_CONNECT_TIMEOUT * 1000L;
	if (connect_ms > ms)
		connect_ms = ms;

	/*
	 * The URL, parsed here into the call's own CURLU: given only
	 * CURLOPT_URL, curl 7.88 parses it and prints it back out, a byte
	 * at a time, for every request (a tenth of a poll request's
	 * instructions).  CURLOPT_URL is set as well, to the same string:
	 * it is the URL curl reports, and it spares curl printing the
	 * CURLU back out.  One curl cannot parse goes to curl unparsed,
	 * which fails it as it always did.
	 */
	if (curl_easy_setopt(e, CURLOPT_URL, req->url) != CURLE_OK ||
	    (uc = curl_url_set(c->url, CURLUPART_URL, req->url, 0)) ==
	    CURLUE_OUT_OF_MEMORY)
		return -ENOMEM;
	curl_easy_setopt(e, CURLOPT_CURLU, uc == CURLUE_OK ? c->url : NULL);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	/* Known lengths fail early too; the write callback catches the rest. */
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)(c->max_body > INT64_MAX ? INT64_MAX :
	    (int64_t)c->max_body));

	/* A GET with a body and no HEAD, whatever the handle did before. */
	curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	if (strcasecmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcasecmp(method, "POST") == 0)
		body = 1;
	else if (strcasecmp(method, "GET") != 0) {
		/* DELETE and the like: a body only when given one. */
		custom = 1;
		body = req->form != NULL;
	}
	if (curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, custom ? method :
	    NULL) != CURLE_OK)
		return -ENOMEM;
	if (body) {
		/*
		 * Our own copy rather than CURLOPT_COPYPOSTFIELDS: the form
		 * may carry a secret, and curl frees its copy unwiped.
		 */
		if ((c->form = strdup(req->form != NULL ? req->form : "")) ==
		    NULL)
			return -ENOMEM;
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(c->form));
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->form);
		/* No 100-continue round trip for larger bodies. */
		http_add_header(c, &headers, expect);
	}
	if (req->bearer != NULL && http_add_bearer(c, &headers,
	    req->bearer) < 0)
		return -ENOMEM;
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	return 0;
}

/* A call from the pool, or a new one; NULL when out of memory. */
static struct http_call *
http_call_get(struct http *h)
{
	struct http_call	*c;

	if ((c = TAILQ_FIRST(&h->idle)) != NULL) {
		TAILQ_REMOVE(&h->idle, c, entry);
		h->n_idle--;
		return c;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->http = h;
	if ((c->easy = curl_easy_init()) == NULL ||
	    (c->url = curl_url()) == NULL) {
		if (c->easy != NULL)
			curl_easy_cleanup(c->easy);
		free(c);
		return NULL;
	}
	http_easy_init(c);
	return c;
}

struct http_call *
http_make(struct http *h, const struct http_request *req, http_done_cb cb,
    void *arg)
{
	struct http_call	*c;

	if (h == NULL || req == NULL || req->url == NULL || cb == NULL)
		return NULL;
	if (req->bearer != NULL && !http_header_safe(req->bearer))
		return NULL;
	if (req->method != NULL && (*req->method == '\0' ||
	    !http_header_safe(req->method)))
		return NULL;
	if ((c = http_call_get(h)) == NULL)
		return NULL;
	c->cb = cb;
	c->arg = arg;
	c->reuse = req->bearer != NULL;
	c->max_body = req->max_body > 0 ? req->max_body :
	    HTTP_MAX_BODY_DEFAULT;
	if (c->max_body > SIZE_MAX - 1)
		c->max_body = SIZE_MAX - 1;
	if (http_setup(c, req) < 0) {
		http_call_release(c);
		return NULL;
	}
	c->made = 1;
	TAILQ_INSERT_TAIL(&h->made, c, entry);
	return c;
}

int
http_send(struct http_call *c)
{
	struct http	*h = c->http;

	if (!c->made)
		return 0;
	/* This arms the timer; the transfer starts from the loop. */
	if (curl_multi_add_handle(h->multi, c->easy) != CURLM_OK)
		return -ENOMEM;
	TAILQ_REMOVE(&h->made, c, entry);
	c->made = 0;
	TAILQ_INSERT_TAIL(&h->calls, c, entry);
	h->n_calls++;
	return 0;
}

struct http_call *
http_start(struct http *h, const struct http_request *req, http_done_cb cb,
    void *arg)
{
	struct http_call	*c;

	if ((c = http_make(h, req, cb, arg)) != NULL && http_send(c) < 0) {
		http_cancel(c);
		return NULL;
	}
	return c;
}

void
http_cancel(struct http_call *c)
{
	/* From inside its own callback: http_finish() frees it after. */
	if (c == NULL || c->done)
		return;
	if (c->made)
		TAILQ_REMOVE(&c->http->made, c, entry);
	else
		http_call_detach(c);
	http_call_release(c);
}

size_t
http_in_flight(const struct http *h)
{
	return h->n_calls;
}

uint64_t
http_connections(const struct http *h)
{
	return h->n_connects;
}
