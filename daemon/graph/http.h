/*
 * HTTP on the loop: libcurl's multi interface driven by libevent (the
 * pattern of curl's hiperfifo example).  This is the only module that sees
 * curl.  Every call is asynchronous, has a timeout and a response size
 * cap, and the number of transfers in flight is bounded; connections are
 * reused, and so are easy handles of calls made with a bearer (see
 * http.c).  It knows nothing of the Graph API.
 */
#ifndef THREADSD_HTTP_H
#define THREADSD_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct http;
struct http_call;

#define HTTP_MAX_BODY_DEFAULT	(4 * 1024 * 1024)

struct http_request {
	const char	*method;	/* "GET", "POST", "HEAD" */
	const char	*url;		/* may hold a secret in its query */
	const char	*bearer;	/* sent as Authorization: Bearer; NULL: none */
	const char	*form;		/* x-www-form-urlencoded POST body; may be NULL */
	int64_t		 timeout;	/* seconds; 0: the http_new() default */
	size_t		 max_body;	/* bytes; 0: HTTP_MAX_BODY_DEFAULT */
};

struct http_response {
	int		 failed;	/* no HTTP answer: network, timeout, too big */
	const char	*error;		/* when failed: what went wrong, for logs */
	long		 status;	/* HTTP status when !failed */
	const char	*body;		/* NUL-terminated; valid during the callback */
	size_t		 len;
	const char	*content_type;	/* may be NULL */
};

/* Called once per call from the loop, unless the call was cancelled. */
typedef void	(*http_done_cb)(const struct http_response *, void *arg);

/* Owner: the daemon's main.  NULL on failure. */
struct http	*http_new(struct event_base *, int max_connections,
		    int64_t default_timeout);
/* Cancels every call in flight without calling their callbacks. */
void		 http_free(struct http *);

/*
 * Starts a call.  The request's strings are copied; the bearer copy is
 * wiped when the call ends.  Returns a handle valid until the callback
 * has run or http_cancel() was called, or NULL when the call could not
 * start (out of memory).
 */
struct http_call *http_start(struct http *, const struct http_request *,
		    http_done_cb, void *arg);
/*
 * http_start() in two steps, for a request that must leave at an
 * instant: http_make() does all of it but the sending, ahead of time;
 * http_send() hands it to curl, and is then all that is left to do.  A
 * made call is not in flight (http_in_flight()) until it is sent, and
 * is cancelled as any call.  http_send(): 0, or -ENOMEM with the call
 * still made, for the caller to cancel.
 */
struct http_call *http_make(struct http *, const struct http_request *,
		    http_done_cb, void *arg);
int		 http_send(struct http_call *);
/* Abandons a call: its callback will not run.  Accepts NULL. */
void		 http_cancel(struct http_call *);

/* The loop it runs on, for callers that must defer a callback to it. */
struct event_base *http_base(const struct http *);

/* Number of calls started and not yet finished or cancelled. */
size_t		 http_in_flight(const struct http *);
/* Connections opened since http_new(): the rest were reused. */
uint64_t	 http_connections(const struct http *);

/* URL-escapes s (percent-encoding); free() the result.  NULL on OOM. */
char		*http_escape(const char *s);
/*
 * Decodes a percent-encoded query value ('+' is a space); free() it.
 * NULL on OOM or when it decodes to a NUL byte.
 */
char		*http_unescape(const char *s, size_t len);

/*
 * Whether url may be used as an API base: https, or http to a loopback
 * host (127.0.0.0/8, ::1, localhost).  Pure; no I/O.
 */
int		 http_url_allowed(const char *url);

#endif
