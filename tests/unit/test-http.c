/*
 * http.c (and graph.c's requests) against a small evhttp server on
 * 127.0.0.1, port 0, running on the same event base as the client: what
 * arrives at the server, timeouts, the size cap, the connection limit,
 * cancellation, and the pure helpers (escaping, URL policy).
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/graph/graph.h"
#include "daemon/graph/http.h"
#include "tests/unit/check.h"

static struct event_base	*base;
static struct evhttp		*srv;
static char			 srv_url[64];

/* What the server saw last, and how busy it was. */
static struct {
	char	*method;
	char	*uri;
	char	*auth;
	char	*ctype;
	char	*agent;
	char	*expect;
	char	*encoding;
	char	*body;
	int	 requests;
	int	 busy;
	int	 max_busy;
	int	 ports[16];
	int	 n_ports;
} seen;

struct result {
	int	 done;
	int	 failed;
	long	 status;
	char	*error;
	char	*body;
	size_t	 len;
	char	*ctype;
};

struct held {
	struct evhttp_request	*req;
	struct event		*ev;
};

static const char me_json[] = "{\"id\":\"1234567\",\"username\":"
    "\"threadsapitestuser\",\"name\":\"Threads API Test User\"}";
static const char expired_json[] = "{\"error\":{\"message\":\"Error "
    "validating access token\",\"type\":\"OAuthException\",\"code\":190,"
    "\"error_subcode\":463,\"fbtrace_id\":\"AXS25JPViBb5AY5tP5EzTnD\"}}";

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
seen_free_strings(void)
{
	free(seen.method);
	free(seen.uri);
	free(seen.auth);
	free(seen.ctype);
	free(seen.agent);
	free(seen.expect);
	free(seen.encoding);
	free(seen.body);
}

static void
seen_reset(void)
{
	seen_free_strings();
	memset(&seen, 0, sizeof(seen));
}

static void
reply(struct evhttp_request *req, int code, const char *ctype,
    const char *body)
{
	struct evbuffer	*b = evbuffer_new();

	if (ctype != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", ctype);
	evbuffer_add(b, body, strlen(body));
	evhttp_send_reply(req, code, "X", b);
	evbuffer_free(b);
}

static void
slow_cb(evutil_socket_t fd, short what, void *arg)
{
	struct held	*h = arg;

	(void)fd;
	(void)what;
	seen.busy--;
	reply(h->req, 200, "text/plain", "slow");
	event_free(h->ev);
	free(h);
}

static void
record(struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evbuffer		*b = evhttp_request_get_input_buffer(req);
	size_t			 len = evbuffer_get_length(b);
	const char		*m;
	char			*peer;
	ev_uint16_t		 port;
	int			 i;

	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
		m = "GET";
		break;
	case EVHTTP_REQ_POST:
		m = "POST";
		break;
	case EVHTTP_REQ_HEAD:
		m = "HEAD";
		break;
	case EVHTTP_REQ_DELETE:
		m = "DELETE";
		break;
	default:
		m = "OTHER";
		break;
	}
	seen_free_strings();
	seen.method = strdup(m);
	seen.uri = strdup(evhttp_request_get_uri(req));
	seen.auth = dup_or_null(evhttp_find_header(in, "Authorization"));
	seen.ctype = dup_or_null(evhttp_find_header(in, "Content-Type"));
	seen.agent = dup_or_null(evhttp_find_header(in, "User-Agent"));
	seen.expect = dup_or_null(evhttp_find_header(in, "Expect"));
	seen.encoding = dup_or_null(evhttp_find_header(in,
	    "Accept-Encoding"));
	seen.body = calloc(1, len + 1);
	evbuffer_copyout(b, seen.body, len);
	seen.requests++;

	evhttp_connection_get_peer(evhttp_request_get_connection(req), &peer,
	    &port);
	for (i = 0; i < seen.n_ports; i++)
		if (seen.ports[i] == port)
			break;
	if (i == seen.n_ports && seen.n_ports < 16)
		seen.ports[seen.n_ports++] = port;
}

static void
server_cb(struct evhttp_request *req, void *arg)
{
	const char	*path;
	struct held	*h;
	struct evbuffer	*b;
	struct timeval	 tv = { 0, 50000 };
	char		 chunk[16384];
	int		 i;

	(void)arg;
	record(req);
	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (strcmp(path, "/get") == 0)
		reply(req, 200, "text/plain; charset=utf-8", "hello world");
	else if (strcmp(path, "/echo") == 0)
		reply(req, 200, "application/octet-stream", seen.body);
	else if (strcmp(path, "/missing") == 0)
		reply(req, 404, "text/html", "nope");
	else if (strcmp(path, "/redirect") == 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Location", "/get");
		reply(req, 302, NULL, "");
	} else if (strncmp(path, "/never", 6) == 0) {
		/* No answer: evhttp frees it when the client hangs up. */
	} else if (strcmp(path, "/slow") == 0) {
		if (++seen.busy > seen.max_busy)
			seen.max_busy = seen.busy;
		h = calloc(1, sizeof(*h));
		h->req = req;
		h->ev = evtimer_new(base, slow_cb, h);
		evtimer_add(h->ev, &tv);
	} else if (strcmp(path, "/big") == 0) {
		/* Chunked: no Content-Length for curl to check. */
		memset(chunk, 'x', sizeof(chunk));
		evhttp_send_reply_start(req, 200, "OK");
		b = evbuffer_new();
		for (i = 0; i < 16; i++) {
			evbuffer_add(b, chunk, sizeof(chunk));
			evhttp_send_reply_chunk(req, b);
		}
		evbuffer_free(b);
		evhttp_send_reply_end(req);
	} else if (strcmp(path, "/big-known") == 0) {
		memset(chunk, 'x', sizeof(chunk));
		chunk[sizeof(chunk) - 1] = '\0';
		reply(req, 200, "text/plain", chunk);
	} else if (strcmp(path, "/oauth/access_token") == 0)
		reply(req, 200, "application/json", "{\"access_token\":"
		    "\"THQVJ...\",\"user_id\":17841405793187218}");
	else if (strcmp(path, "/access_token") == 0 ||
	    strcmp(path, "/refresh_access_token") == 0)
		reply(req, 200, "application/json", "{\"access_token\":"
		    "\"LONG\",\"token_type\":\"bearer\","
		    "\"expires_in\":5183944}");
	else if (strcmp(path, "/v1.0/me") == 0) {
		if (seen.auth != NULL && strcmp(seen.auth,
		    "Bearer expired") == 0)
			reply(req, 400, "application/json", expired_json);
		else
			reply(req, 200, "application/json", me_json);
	} else if (strcmp(path, "/v1.0/debug_token") == 0)
		reply(req, 200, "application/json", "{\"data\":{\"is_valid\":"
		    "true,\"issued_at\":1747070132,\"expires_at\":1752254132,"
		    "\"user_id\":\"1234567890123456\"}}");
	else
		reply(req, 500, "text/html", "<html>no</html>");
}

static int	 timed_out;

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	timed_out = 1;
}

/* Runs the loop until *count reaches n, for at most secs seconds. */
static int
run_until(const int *count, int n, int secs)
{
	struct event	*dl = evtimer_new(base, deadline_cb, NULL);
	struct timeval	 tv = { secs, 0 };

	timed_out = 0;
	evtimer_add(dl, &tv);
	while (*count < n && !timed_out)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(dl);
	return *count >= n;
}

/* Runs the loop for ms milliseconds, whatever happens. */
static void
run_for(int ms)
{
	struct event	*dl = evtimer_new(base, deadline_cb, NULL);
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	timed_out = 0;
	evtimer_add(dl, &tv);
	while (!timed_out)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(dl);
}

/* A few at a time may be live: one request can hold two. */
static const char *
url(const char *path)
{
	static char	 buf[8][256];
	static int	 next;

	next = (next + 1) % 8;
	snprintf(buf[next], sizeof(buf[next]), "%s%s", srv_url, path);
	return buf[next];
}

static void
result_cb(const struct http_response *resp, void *arg)
{
	struct result	*r = arg;

	r->done++;
	r->failed = resp->failed;
	r->status = resp->status;
	r->error = dup_or_null(resp->error);
	r->len = resp->len;
	r->ctype = dup_or_null(resp->content_type);
	/* The body is NUL-terminated and has len bytes. */
	CHECK(resp->body != NULL);
	CHECK(resp->body[resp->len] == '\0');
	if ((r->body = malloc(resp->len + 1)) != NULL)
		memcpy(r->body, resp->body, resp->len + 1);
}

static void
result_free(struct result *r)
{
	free(r->error);
	free(r->body);
	free(r->ctype);
	memset(r, 0, sizeof(*r));
}

/* One call, run to its end. */
static void
call(struct http *h, const struct http_request *req, struct result *r)
{
	struct http_call	*c;

	memset(r, 0, sizeof(*r));
	c = http_start(h, req, result_cb, r);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Never from inside http_start(). */
	CHECK_INT(r->done, 0);
	CHECK(run_until(&r->done, 1, 10));
	CHECK_INT(r->done, 1);
}

static void
test_get(struct http *h)
{
	struct http_request	req = { .method = "GET", .url = url("/get") };
	struct result		r;

	seen_reset();
	call(h, &req, &r);
	CHECK_INT(r.failed, 0);
	CHECK_INT(r.status, 200);
	CHECK_STR(r.body, "hello world");
	CHECK_INT(r.len, 11);
	CHECK_STR(r.ctype, "text/plain; charset=utf-8");
	CHECK(r.error == NULL);
	CHECK_STR(seen.method, "GET");
	CHECK_STR(seen.uri, "/get");
	CHECK(seen.auth == NULL);
	CHECK_STR(seen.agent, "threadsd/" THREADSD_VERSION);
	CHECK(seen.encoding == NULL);
	CHECK_INT(http_in_flight(h), 0);
	result_free(&r);

	/* The method defaults to GET. */
	req.method = NULL;
	call(h, &req, &r);
	CHECK_STR(seen.method, "GET");
	CHECK_STR(r.body, "hello world");
	result_free(&r);

	req.method = "HEAD";
	call(h, &req, &r);
	CHECK_INT(r.failed, 0);
	CHECK_INT(r.status, 200);
	CHECK_INT(r.len, 0);
	CHECK_STR(r.body, "");
	CHECK_STR(seen.method, "HEAD");
	result_free(&r);

	req.method = "DELETE";
	call(h, &req, &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(seen.method, "DELETE");
	CHECK_STR(seen.body, "");
	CHECK(seen.ctype == NULL);
	result_free(&r);

	req.method = "GET";
	req.url = url("/missing");
	call(h, &req, &r);
	CHECK_INT(r.failed, 0);
	CHECK_INT(r.status, 404);
	CHECK_STR(r.body, "nope");
	result_free(&r);

	/* Redirects are answers, not followed. */
	seen.requests = 0;
	req.url = url("/redirect");
	call(h, &req, &r);
	CHECK_INT(r.failed, 0);
	CHECK_INT(r.status, 302);
	CHECK_INT(seen.requests, 1);
	result_free(&r);
}

static void
test_post(struct http *h)
{
	struct http_request	 req = { .method = "POST", .url = url("/echo"),
	    .bearer = "tok-123", .form = "a=1&b=%20x&c=%E2%9C%93&d=" };
	struct result		 r;
	char			*big;

	seen_reset();
	call(h, &req, &r);
	CHECK_INT(r.failed, 0);
	CHECK_INT(r.status, 200);
	CHECK_STR(seen.method, "POST");
	CHECK_STR(seen.body, req.form);
	CHECK_STR(r.body, req.form);
	CHECK_STR(seen.ctype, "application/x-www-form-urlencoded");
	CHECK_STR(seen.auth, "Bearer tok-123");
	CHECK_STR(seen.uri, "/echo");
	CHECK(strstr(seen.uri, "tok-123") == NULL);
	result_free(&r);

	/* Past curl's 1 KiB Expect: 100-continue threshold. */
	big = malloc(20001);
	memset(big, 'q', 20000);
	memcpy(big, "k=", 2);
	big[20000] = '\0';
	req.form = big;
	req.bearer = NULL;
	call(h, &req, &r);
	CHECK_INT(r.status, 200);
	CHECK(seen.body != NULL && strcmp(seen.body, big) == 0);
	CHECK_INT(r.len, 20000);
	CHECK(seen.expect == NULL);
	CHECK(seen.auth == NULL);
	result_free(&r);
	free(big);

	req.form = NULL;
	call(h, &req, &r);
	CHECK_STR(seen.method, "POST");
	CHECK_STR(seen.body, "");
	result_free(&r);

	/* A bearer that would split the header is refused. */
	req.bearer = "tok\r\nX-Evil: 1";
	CHECK(http_start(h, &req, result_cb, &r) == NULL);
	req.bearer = "tok en";
	CHECK(http_start(h, &req, result_cb, &r) == NULL);
	CHECK_INT(http_in_flight(h), 0);
}

/*
 * Calls with a bearer leave their easy handle to the next call: nothing
 * of one request may show in the next (method, body, headers), and a
 * run of calls one after the other goes over one connection.
 */
static void
test_reuse(void)
{
	struct http_request	 req;
	struct result		 r;
	struct http		*h;
	char			 longtok[3000];
	int			 i;

	/* One connection at most: every call reuses the one before. */
	h = http_new(base, 1, 10);
	CHECK(h != NULL);
	seen_reset();
	CHECK_INT(http_connections(h), 0);

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url("/echo");
	req.bearer = "tok-A";
	req.form = "secret=1";
	call(h, &req, &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(seen.auth, "Bearer tok-A");
	result_free(&r);

	/* The same handle, no bearer and no form: a plain GET. */
	memset(&req, 0, sizeof(req));
	req.url = url("/get");
	call(h, &req, &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(seen.method, "GET");
	CHECK(seen.auth == NULL);
	CHECK(seen.ctype == NULL);
	CHECK_STR(seen.body, "");
	CHECK_STR(r.body, "hello world");
	result_free(&r);

	/* A POST with a bearer, then a GET: neither body nor form type. */
	req.method = "POST";
	req.bearer = "tok-C";
	req.form = "a=1";
	call(h, &req, &r);
	CHECK_STR(seen.method, "POST");
	CHECK_STR(seen.body, "a=1");
	result_free(&r);
	req.method = NULL;
	req.form = NULL;
	call(h, &req, &r);
	CHECK_STR(seen.method, "GET");
	CHECK(seen.ctype == NULL);
	CHECK_STR(seen.body, "");
	CHECK_STR(r.body, "hello world");
	result_free(&r);

	/* A HEAD, then a GET that gets its body again. */
	req.method = "HEAD";
	req.bearer = "tok-B";
	call(h, &req, &r);
	CHECK_STR(seen.method, "HEAD");
	CHECK_INT(r.len, 0);
	result_free(&r);
	req.method = "DELETE";
	call(h, &req, &r);
	CHECK_STR(seen.method, "DELETE");
	result_free(&r);
	req.method = "GET";
	call(h, &req, &r);
	CHECK_STR(seen.method, "GET");
	CHECK_STR(r.body, "hello world");
	CHECK_STR(seen.auth, "Bearer tok-B");
	result_free(&r);

	/* A long bearer, then a short one: exactly the short one. */
	memset(longtok, 'L', sizeof(longtok) - 1);
	longtok[sizeof(longtok) - 1] = '\0';
	req.bearer = longtok;
	call(h, &req, &r);
	CHECK(seen.auth != NULL && strlen(seen.auth) ==
	    strlen("Bearer ") + sizeof(longtok) - 1);
	result_free(&r);
	req.bearer = "s";
	call(h, &req, &r);
	CHECK_STR(seen.auth, "Bearer s");
	result_free(&r);

	/* A big answer, then a small one: only the small one. */
	req.url = url("/big-known");
	call(h, &req, &r);
	CHECK_INT(r.len, 16383);
	result_free(&r);
	req.url = url("/get");
	call(h, &req, &r);
	CHECK_INT(r.len, 11);
	CHECK_STR(r.body, "hello world");
	result_free(&r);

	/* A failed call (no answer in time) leaves a usable handle. */
	req.url = url("/never");
	req.timeout = 1;
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	result_free(&r);
	req.url = url("/get");
	req.timeout = 0;
	for (i = 0; i < 20; i++) {
		call(h, &req, &r);
		CHECK_STR(r.body, "hello world");
		result_free(&r);
	}
	/* The timeout closed the first connection: two in all. */
	CHECK_INT(http_connections(h), 2);
	CHECK_INT(seen.n_ports, 2);
	CHECK_INT(http_in_flight(h), 0);
	http_free(h);
}

static double
now(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static void
test_failures(struct http *h)
{
	struct http_request	 req = { .url = url("/never"), .timeout = 1 };
	struct result		 r;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	double			 t0;
	char			 refused[64];
	int			 fd;

	t0 = now();
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	CHECK_STR(r.error, "Timeout was reached");
	CHECK_INT(r.status, 0);
	CHECK_INT(r.len, 0);
	CHECK(now() - t0 > 0.9);
	CHECK(now() - t0 < 3);
	result_free(&r);

	/* A port nobody listens on. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &slen);
	close(fd);
	snprintf(refused, sizeof(refused), "http://127.0.0.1:%d/",
	    ntohs(sin.sin_port));
	req.url = refused;
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	CHECK(r.error != NULL && strstr(r.error, "127.0.0.1") == NULL);
	result_free(&r);

	req.url = "file:///etc/passwd";
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	result_free(&r);
	req.url = "ftp://127.0.0.1/";
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	result_free(&r);

	/* An unknown path: the server's 500 and its HTML come through. */
	req.url = url("/whatever");
	call(h, &req, &r);
	CHECK_INT(r.failed, 0);
	CHECK_INT(r.status, 500);
	CHECK_STR(r.body, "<html>no</html>");
	result_free(&r);
}

static void
test_size_cap(struct http *h)
{
	struct http_request	req = { .url = url("/big"),
	    .max_body = 100000 };
	struct result		r;

	/* Chunked, 256 KiB. */
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	CHECK_STR(r.error, "response larger than 100000 bytes");
	CHECK_INT(r.len, 0);
	result_free(&r);

	req.max_body = 16 * 16384;
	call(h, &req, &r);
	CHECK_INT(r.failed, 0);
	CHECK_INT(r.len, 16 * 16384);
	result_free(&r);
	req.max_body = 16 * 16384 - 1;
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	result_free(&r);

	/* With a Content-Length. */
	req.url = url("/big-known");
	req.max_body = 1000;
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	CHECK_STR(r.error, "response larger than 1000 bytes");
	result_free(&r);

	req.url = url("/get");
	req.max_body = 11;
	call(h, &req, &r);
	CHECK_INT(r.failed, 0);
	CHECK_STR(r.body, "hello world");
	result_free(&r);
	req.max_body = 10;
	call(h, &req, &r);
	CHECK_INT(r.failed, 1);
	CHECK_STR(r.error, "response larger than 10 bytes");
	result_free(&r);
}

static int	 n_done;

static void
count_cb(const struct http_response *resp, void *arg)
{
	int	*status = arg;

	*status = resp->failed ? -1 : (int)resp->status;
	n_done++;
}

static void
test_limit(void)
{
	struct http		*h;
	struct http_request	 req = { .url = url("/slow") };
	int			 status[8], i;

	CHECK((h = http_new(base, 2, 10)) != NULL);
	seen_reset();
	n_done = 0;
	for (i = 0; i < 6; i++) {
		status[i] = 0;
		CHECK(http_start(h, &req, count_cb, &status[i]) != NULL);
	}
	CHECK_INT(http_in_flight(h), 6);
	CHECK(run_until(&n_done, 6, 10));
	for (i = 0; i < 6; i++)
		CHECK_INT(status[i], 200);
	CHECK_INT(seen.requests, 6);
	CHECK_INT(seen.max_busy, 2);
	/* Two connections, reused. */
	CHECK(seen.n_ports <= 2);
	CHECK_INT(http_in_flight(h), 0);

	/* Cached connections serve the next batch. */
	n_done = 0;
	for (i = 0; i < 2; i++)
		CHECK(http_start(h, &req, count_cb, &status[i]) != NULL);
	CHECK(run_until(&n_done, 2, 10));
	CHECK(seen.n_ports <= 2);
	http_free(h);
}

struct chain {
	struct http		*h;
	struct http_call	*victim;
	struct http_call	*self;
	struct result		 next;
	int			 done;
};

/* Cancels another call, cancels itself, and starts a new call. */
static void
chain_cb(const struct http_response *resp, void *arg)
{
	struct chain		*ch = arg;
	struct http_request	 req = { .url = url("/get") };

	ch->done++;
	CHECK_INT(resp->status, 200);
	http_cancel(ch->victim);
	http_cancel(ch->self);
	CHECK(http_start(ch->h, &req, result_cb, &ch->next) != NULL);
}

static void
test_cancel(struct http *h)
{
	struct http_request	 req = { .url = url("/get") };
	struct http_request	 never = { .url = url("/never") };
	struct http_call	*c;
	struct result		 r, gone;
	struct chain		 ch;

	/* Before it ever reached the loop. */
	memset(&gone, 0, sizeof(gone));
	c = http_start(h, &req, result_cb, &gone);
	CHECK(c != NULL);
	http_cancel(c);
	CHECK_INT(http_in_flight(h), 0);
	call(h, &req, &r);
	result_free(&r);

	/* After the server has it. */
	seen_reset();
	c = http_start(h, &never, result_cb, &gone);
	CHECK(run_until(&seen.requests, 1, 5));
	CHECK_INT(http_in_flight(h), 1);
	http_cancel(c);
	CHECK_INT(http_in_flight(h), 0);
	call(h, &req, &r);
	result_free(&r);
	run_for(100);
	CHECK_INT(gone.done, 0);

	/* From another call's callback. */
	memset(&ch, 0, sizeof(ch));
	ch.h = h;
	ch.victim = http_start(h, &never, result_cb, &gone);
	ch.self = http_start(h, &req, chain_cb, &ch);
	CHECK(ch.victim != NULL && ch.self != NULL);
	CHECK(run_until(&ch.next.done, 1, 5));
	CHECK_INT(ch.done, 1);
	CHECK_STR(ch.next.body, "hello world");
	result_free(&ch.next);
	CHECK_INT(http_in_flight(h), 0);
	run_for(50);
	CHECK_INT(gone.done, 0);

	http_cancel(NULL);
}

/*
 * http_make() does all but the sending: nothing reaches the server and
 * nothing is in flight until http_send(); a made call is cancelled, or
 * freed with its http, as any call.
 */
static void
test_make(struct http *h)
{
	struct http_request	 req = { .method = "POST", .url = url("/echo"),
				    .form = "a=1", .bearer = "TOK" };
	struct http		*h2;
	struct http_call	*c;
	struct result		 r, gone;

	memset(&r, 0, sizeof(r));
	memset(&gone, 0, sizeof(gone));
	seen_reset();
	c = http_make(h, &req, result_cb, &r);
	CHECK(c != NULL);
	CHECK_INT(http_in_flight(h), 0);
	run_for(100);
	CHECK_INT(seen.requests, 0);
	CHECK_INT(r.done, 0);
	CHECK_INT(http_send(c), 0);
	CHECK_INT(http_in_flight(h), 1);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.status, 200);
	CHECK_STR(r.body, "a=1");
	CHECK_STR(seen.method, "POST");
	CHECK_STR(seen.auth, "Bearer TOK");
	CHECK_INT(seen.requests, 1);
	CHECK_INT(http_in_flight(h), 0);
	result_free(&r);

	/* Cancelled before it is sent: never sent, never called back. */
	c = http_make(h, &req, result_cb, &gone);
	CHECK(c != NULL);
	http_cancel(c);
	CHECK((h2 = http_new(base, 1, 10)) != NULL);
	CHECK(http_make(h2, &req, result_cb, &gone) != NULL);
	http_free(h2);
	run_for(100);
	CHECK_INT(seen.requests, 1);
	CHECK_INT(gone.done, 0);
	CHECK(http_make(h, &(struct http_request){ .url = NULL }, result_cb,
	    &gone) == NULL);
}

static void
test_free_in_flight(void)
{
	struct http		*h;
	struct http_request	 never = { .url = url("/never") };
	struct http_request	 get = { .url = url("/get") };
	struct result		 gone;

	memset(&gone, 0, sizeof(gone));
	seen_reset();
	CHECK((h = http_new(base, 4, 10)) != NULL);
	CHECK(http_start(h, &never, result_cb, &gone) != NULL);
	CHECK(http_start(h, &never, result_cb, &gone) != NULL);
	CHECK(run_until(&seen.requests, 2, 5));
	CHECK(http_start(h, &get, result_cb, &gone) != NULL);
	http_free(h);
	run_for(50);
	CHECK_INT(gone.done, 0);
	http_free(NULL);
	CHECK(http_new(base, 0, 10) == NULL);
	CHECK(http_new(base, 1, 0) == NULL);
}

static void
check_escape(const char *in, const char *out)
{
	char	*e = http_escape(in);

	CHECK_STR(e, out);
	free(e);
}

static void
check_unescape(const char *in, size_t len, const char *out)
{
	char	*u = http_unescape(in, len);

	if (out == NULL)
		CHECK(u == NULL);
	else
		CHECK_STR(u, out);
	free(u);
}

static void
test_escape(void)
{
	check_escape("a b&c=d/\xc3\xa9+", "a%20b%26c%3Dd%2F%C3%A9%2B");
	check_escape("", "");
	check_escape("AZaz09-._~", "AZaz09-._~");
	CHECK(http_escape(NULL) == NULL);

	check_unescape("a+b%2Bc%20d", 11, "a b+c d");
	check_unescape("AQBx-hBsH3", 10, "AQBx-hBsH3");
	check_unescape("abc%41zzz", 6, "abcA");
	check_unescape("", 0, "");
	check_unescape("%e2%9c%93", 9, "\xe2\x9c\x93");
	/* Not a C string. */
	check_unescape("a%00b", 5, NULL);
	/* Broken escapes are left as they are. */
	check_unescape("100%", 4, "100%");
	check_unescape("%zz", 3, "%zz");
}

static void
test_url_allowed(void)
{
	static const struct {
		const char	*url;
		int		 ok;
	} t[] = {
		{ "https://graph.threads.net", 1 },
		{ "https://graph.threads.net/", 1 },
		{ "HTTPS://graph.threads.net:443/v1.0", 1 },
		{ "https://10.0.0.1:8443", 1 },
		{ "https://[2001:db8::1]:443/", 1 },
		{ "http://127.0.0.1", 1 },
		{ "http://127.0.0.1:8080", 1 },
		{ "http://127.0.0.1:8080/", 1 },
		{ "http://127.1.2.3:1/x?y#z", 1 },
		{ "http://127.255.255.255", 1 },
		{ "http://localhost:9999", 1 },
		{ "http://LocalHost/", 1 },
		{ "http://[::1]:8080/", 1 },
		{ "http://[::1]", 1 },
		{ "http://127.0.0.1#@evil.com", 1 },
		{ "http://127.0.0.1.evil.com", 0 },
		{ "http://127.0.0.1.evil.com/", 0 },
		{ "http://localhost.evil.com", 0 },
		{ "http://evil.com/127.0.0.1", 0 },
		{ "http://evil.com?127.0.0.1", 0 },
		{ "http://127.0.0.1@evil.com", 0 },
		{ "http://127.0.0.1:80@evil.com", 0 },
		{ "http://evil.com@127.0.0.1", 0 },
		{ "http://user:pw@localhost", 0 },
		{ "https://user:pw@graph.threads.net", 0 },
		{ "http://127.0.0.1\\@evil.com", 0 },
		{ "http://127.0.0.1%2f@evil.com", 0 },
		{ "http://[::1].evil.com", 0 },
		{ "http://[::1]evil.com", 0 },
		{ "http://[::2]", 0 },
		{ "http://[::ffff:127.0.0.1]", 0 },
		{ "http://[::1", 0 },
		{ "http://128.0.0.1", 0 },
		{ "http://127.0.0.256", 0 },
		{ "http://127.0.0", 0 },
		{ "http://127.0.0.1.", 0 },
		{ "http://127.0.0.01", 0 },
		{ "http://0177.0.0.1", 0 },
		{ "http://2130706433", 0 },
		{ "http://0x7f.0.0.1", 0 },
		{ "http://127.0.0.1:", 0 },
		{ "http://127.0.0.1:0", 0 },
		{ "http://127.0.0.1:65536", 0 },
		{ "http://127.0.0.1:8080x", 0 },
		{ "http://127.0.0.1:-1", 0 },
		{ "http://127.0.0.1 /", 0 },
		{ "http:// 127.0.0.1", 0 },
		{ "http://127.0.0.1\n", 0 },
		{ "http://graph.threads.net", 0 },
		{ "http://10.0.0.1", 0 },
		{ "http://", 0 },
		{ "https://", 0 },
		{ "https:///path", 0 },
		{ "http:/127.0.0.1", 0 },
		{ "ftp://127.0.0.1", 0 },
		{ "file:///etc/passwd", 0 },
		{ "127.0.0.1", 0 },
		{ "", 0 },
		{ "https://gr\xc3\xa4ph.example", 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_INT(http_url_allowed(t[i].url), t[i].ok);
		if (http_url_allowed(t[i].url) != t[i].ok)
			fprintf(stderr, "  for \"%s\"\n", t[i].url);
	}
	CHECK_INT(http_url_allowed(NULL), 0);
}

struct gresult {
	int			 done;
	struct graph_error	 err;
	int			 has_result;
	char			*token;
	char			 user_id[GRAPH_ID_LEN];
	int64_t			 expires_in;
	char			*username;
	struct graph_token_info	 info;
};

/* Takes the token, as a keeper would. */
static void
gtoken_cb(const struct graph_error *err, struct graph_token *tok, void *arg)
{
	struct gresult	*r = arg;

	r->done++;
	r->err = *err;
	CHECK((err->class == GRAPH_OK) == (tok != NULL));
	if (tok == NULL)
		return;
	r->has_result = 1;
	r->token = tok->access_token;
	tok->access_token = NULL;
	memcpy(r->user_id, tok->user_id, sizeof(r->user_id));
	r->expires_in = tok->expires_in;
}

static void
gprofile_cb(const struct graph_error *err, const struct graph_profile *prof,
    void *arg)
{
	struct gresult	*r = arg;

	r->done++;
	r->err = *err;
	CHECK((err->class == GRAPH_OK) == (prof != NULL));
	if (prof == NULL)
		return;
	r->has_result = 1;
	memcpy(r->user_id, prof->id, sizeof(r->user_id));
	r->username = dup_or_null(prof->username);
}

static void
ginfo_cb(const struct graph_error *err, const struct graph_token_info *info,
    void *arg)
{
	struct gresult	*r = arg;

	r->done++;
	r->err = *err;
	CHECK((err->class == GRAPH_OK) == (info != NULL));
	if (info == NULL)
		return;
	r->has_result = 1;
	r->info = *info;
}

struct gchain {
	struct graph		*g;
	struct graph_call	*self;
	struct graph_call	*victim;
	struct gresult		 next;
	int			 done;
};

/* Cancels itself and another call, and starts a new one. */
static void
gchain_cb(const struct graph_error *err, const struct graph_profile *prof,
    void *arg)
{
	struct gchain	*ch = arg;

	(void)prof;
	ch->done++;
	CHECK_INT(err->class, GRAPH_OK);
	graph_cancel(ch->self);
	graph_cancel(ch->victim);
	CHECK(graph_debug_token(ch->g, "UTOKEN", ginfo_cb, &ch->next) !=
	    NULL);
}

static void
gresult_free(struct gresult *r)
{
	free(r->token);
	free(r->username);
	memset(r, 0, sizeof(*r));
}

/* Nothing secret in the request line of the POSTed code exchange. */
static void
check_clean_uri(void)
{
	CHECK(seen.uri != NULL);
	if (seen.uri == NULL)
		return;
	CHECK(strstr(seen.uri, "s3cr3t") == NULL);
	CHECK(strstr(seen.uri, "SHORT") == NULL);
	CHECK(strstr(seen.uri, "LONGTOK") == NULL);
	CHECK(strstr(seen.uri, "UTOKEN") == NULL);
	CHECK(strstr(seen.uri, "AQB") == NULL);
}

static void
test_graph(struct http *h)
{
	struct graph		*g, *g2;
	struct graph_call	*c;
	struct gresult		 r, gone;
	struct gchain		 ch;
	char			 base_slash[128], base_never[128];

	memset(&r, 0, sizeof(r));
	memset(&gone, 0, sizeof(gone));
	CHECK(graph_new(h, "http://graph.threads.net", "1", "https://x/",
	    "s") == NULL);
	snprintf(base_slash, sizeof(base_slash), "%s/", srv_url);
	g = graph_new(h, base_slash, "123456", "https://example.com/cb?x=1",
	    "s3cr3t!&");
	CHECK(g != NULL);

	seen_reset();
	CHECK(graph_exchange_code(g, "AQBx-hB sH3", gtoken_cb, &r) != NULL);
	CHECK_INT(r.done, 0);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_OK);
	CHECK_STR(r.token, "THQVJ...");
	CHECK_STR(r.user_id, "17841405793187218");
	CHECK_STR(seen.method, "POST");
	CHECK_STR(seen.uri, "/oauth/access_token");
	CHECK_STR(seen.body, "client_id=123456&client_secret=s3cr3t%21%26"
	    "&code=AQBx-hB%20sH3&grant_type=authorization_code"
	    "&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1");
	CHECK(seen.auth == NULL);
	check_clean_uri();
	gresult_free(&r);

	CHECK(graph_exchange_long(g, "SHORT", gtoken_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_OK);
	CHECK_STR(r.token, "LONG");
	CHECK_INT(r.expires_in, 5183944);
	CHECK_STR(r.user_id, "");
	CHECK_STR(seen.method, "GET");
	CHECK_STR(seen.uri, "/access_token?grant_type=th_exchange_token"
	    "&client_secret=s3cr3t%21%26&access_token=SHORT");
	CHECK_STR(seen.body, "");
	CHECK(seen.auth == NULL);
	gresult_free(&r);

	CHECK(graph_refresh(g, "LONGTOK", gtoken_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_OK);
	CHECK_STR(r.token, "LONG");
	CHECK_STR(seen.method, "GET");
	CHECK_STR(seen.uri, "/refresh_access_token"
	    "?grant_type=th_refresh_token&access_token=LONGTOK");
	CHECK_STR(seen.body, "");
	CHECK(seen.auth == NULL);
	gresult_free(&r);

	CHECK(graph_me(g, "UTOKEN", gprofile_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_OK);
	CHECK_STR(r.user_id, "1234567");
	CHECK_STR(r.username, "threadsapitestuser");
	CHECK_STR(seen.method, "GET");
	CHECK_STR(seen.uri,
	    "/v1.0/me?fields=id,username,name,threads_profile_picture_url");
	CHECK_STR(seen.auth, "Bearer UTOKEN");
	gresult_free(&r);

	CHECK(graph_me(g, "expired", gprofile_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_AUTH);
	CHECK_INT(r.err.code, 190);
	CHECK_INT(r.err.subcode, 463);
	CHECK_INT(r.err.http_status, 400);
	CHECK_INT(r.has_result, 0);
	gresult_free(&r);

	CHECK(graph_debug_token(g, "UTOKEN", ginfo_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_OK);
	CHECK_INT(r.info.is_valid, 1);
	CHECK_INT(r.info.issued_at, 1747070132);
	CHECK_STR(r.info.user_id, "1234567890123456");
	CHECK_STR(seen.method, "GET");
	CHECK_STR(seen.uri, "/v1.0/debug_token?access_token=UTOKEN"
	    "&input_token=UTOKEN");
	CHECK(seen.auth == NULL);
	CHECK_STR(seen.body, "");
	gresult_free(&r);

	/* Cancelled: never called back. */
	c = graph_me(g, "UTOKEN", gprofile_cb, &gone);
	CHECK(c != NULL);
	graph_cancel(c);
	graph_cancel(NULL);
	CHECK_INT(http_in_flight(h), 0);

	/* Callbacks may cancel and start calls. */
	memset(&ch, 0, sizeof(ch));
	ch.g = g;
	ch.self = graph_me(g, "UTOKEN", gchain_cb, &ch);
	ch.victim = graph_me(g, "UTOKEN", gprofile_cb, &gone);
	CHECK(run_until(&ch.next.done, 1, 5));
	CHECK_INT(ch.done, 1);
	CHECK_INT(ch.next.err.class, GRAPH_OK);
	gresult_free(&ch.next);

	/* No secret: the failure still comes from the loop. */
	g2 = graph_new(h, srv_url, "1", "https://x/", NULL);
	CHECK(g2 != NULL);
	seen.requests = 0;
	CHECK(graph_exchange_code(g2, "code", gtoken_cb, &r) != NULL);
	CHECK_INT(r.done, 0);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_PERMANENT);
	CHECK_STR(r.err.message, "no app secret configured");
	CHECK_INT(r.err.http_status, 0);
	CHECK_INT(seen.requests, 0);
	gresult_free(&r);
	CHECK(graph_exchange_long(g2, "SHORT", gtoken_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_PERMANENT);
	gresult_free(&r);
	c = graph_exchange_long(g2, "SHORT", gtoken_cb, &gone);
	CHECK(c != NULL);
	graph_cancel(c);
	/* graph_free() cancels, deferred failures included. */
	CHECK(graph_exchange_code(g2, "code", gtoken_cb, &gone) != NULL);
	CHECK(graph_me(g2, "tok", gprofile_cb, &gone) != NULL);
	graph_free(g2);
	/* The refresh needs no secret. */
	g2 = graph_new(h, srv_url, "1", "https://x/", NULL);
	CHECK(graph_refresh(g2, "LONGTOK", gtoken_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_OK);
	gresult_free(&r);
	graph_free(g2);

	/* A server error without a Graph error in it. */
	snprintf(base_never, sizeof(base_never), "%s/nothing", srv_url);
	g2 = graph_new(h, base_never, "1", "https://x/", "s");
	CHECK(graph_me(g2, "tok", gprofile_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_TRANSIENT);
	CHECK_INT(r.err.http_status, 500);
	CHECK_STR(r.err.message, "HTTP status 500");
	gresult_free(&r);
	graph_free(g2);

	run_for(50);
	CHECK_INT(gone.done, 0);
	graph_free(g);
	graph_free(NULL);
}

static void
gid_cb(const struct graph_error *err, const char *id, void *arg)
{
	struct gresult	*r = arg;

	(void)id;
	r->done++;
	r->err = *err;
}

/*
 * A held publish is made and not sent: nothing reaches the server, and
 * it is neither in flight nor durable, until graph_release().  Stopping
 * holds it for good (graph_drain() does not count it as cut off).
 */
static void
test_graph_held(struct http *h)
{
	struct graph		*g;
	struct graph_call	*c;
	struct gresult		 r, gone;

	memset(&r, 0, sizeof(r));
	memset(&gone, 0, sizeof(gone));
	CHECK((g = graph_new(h, srv_url, "1", "https://x/", "s")) != NULL);
	seen_reset();
	CHECK(graph_publish_held(g, "UTOKEN", "12x", gid_cb, &r) == NULL);
	c = graph_publish_held(g, "UTOKEN", "17890000000000001", gid_cb, &r);
	CHECK(c != NULL);
	run_for(100);
	CHECK_INT(seen.requests, 0);
	CHECK_INT(r.done, 0);
	CHECK_INT(http_in_flight(h), 0);
	CHECK_INT(graph_in_flight_durable(g), 0);
	CHECK_INT(graph_release(c), 0);
	CHECK_INT(http_in_flight(h), 1);
	CHECK_INT(graph_in_flight_durable(g), 1);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(seen.requests, 1);
	CHECK_STR(seen.method, "POST");
	CHECK_STR(seen.uri, "/v1.0/me/threads_publish");
	CHECK_STR(seen.body, "creation_id=17890000000000001");
	CHECK_STR(seen.auth, "Bearer UTOKEN");
	CHECK_INT(graph_in_flight_durable(g), 0);
	/* Not held: a no-op. */
	CHECK_INT(graph_release(NULL), 0);

	/* The repost's, cancelled before it was ever sent. */
	c = graph_repost_held(g, "UTOKEN", "18050000000000005", gid_cb,
	    &gone);
	CHECK(c != NULL);
	graph_cancel(c);

	/* Held when the daemon stops: never sent, never answered. */
	c = graph_publish_held(g, "UTOKEN", "17890000000000002", gid_cb,
	    &gone);
	CHECK(c != NULL);
	CHECK_INT(graph_drain(g), 0);
	CHECK_INT(graph_release(c), 0);
	CHECK_INT(http_in_flight(h), 0);
	run_for(100);
	CHECK_INT(seen.requests, 1);
	CHECK_INT(gone.done, 0);
	graph_cancel(c);
	graph_free(g);

	/* graph_free() cancels a held call too (ASan's leak check). */
	CHECK((g = graph_new(h, srv_url, "1", "https://x/", "s")) != NULL);
	CHECK(graph_publish_held(g, "UTOKEN", "17890000000000003", gid_cb,
	    &gone) != NULL);
	graph_free(g);
	run_for(50);
	CHECK_INT(seen.requests, 1);
	CHECK_INT(gone.done, 0);
}

/* No HTTP answer at all is transient, with no status. */
static void
test_graph_timeout(void)
{
	struct http	*h;
	struct graph	*g;
	struct gresult	 r;
	char		 b[128];

	memset(&r, 0, sizeof(r));
	CHECK((h = http_new(base, 2, 1)) != NULL);
	snprintf(b, sizeof(b), "%s/never", srv_url);
	CHECK((g = graph_new(h, b, "1", "https://x/", "s")) != NULL);
	CHECK(graph_debug_token(g, "UTOKEN", ginfo_cb, &r) != NULL);
	CHECK(run_until(&r.done, 1, 5));
	CHECK_INT(r.err.class, GRAPH_TRANSIENT);
	CHECK_INT(r.err.http_status, 0);
	CHECK_STR(r.err.message, "Timeout was reached");
	graph_free(g);
	http_free(h);
}

int
main(void)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);
	struct http			*h;

	base = event_base_new();
	srv = evhttp_new(base);
	evhttp_set_gencb(srv, server_cb, NULL);
	bs = evhttp_bind_socket_with_handle(srv, "127.0.0.1", 0);
	if (bs == NULL ||
	    getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &slen) == -1) {
		fprintf(stderr, "cannot start the test server\n");
		return 1;
	}
	snprintf(srv_url, sizeof(srv_url), "http://127.0.0.1:%d",
	    ntohs(sin.sin_port));

	h = http_new(base, 4, 10);
	CHECK(h != NULL);
	CHECK(http_base(h) == base);
	test_get(h);
	test_post(h);
	test_failures(h);
	test_size_cap(h);
	test_cancel(h);
	test_make(h);
	test_limit();
	test_free_in_flight();
	test_reuse();
	test_graph(h);
	test_graph_held(h);
	test_graph_timeout();
	test_escape();
	test_url_allowed();
	http_free(h);

	seen_reset();
	evhttp_free(srv);
	event_base_free(base);
	return check_status();
}
