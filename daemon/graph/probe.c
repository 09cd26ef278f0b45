/*
 * HEAD requests to media URLs.  Each probe is a set of calls and the
 * warnings they found; it answers its caller once, from the loop, when
 * the last call is back.  The probes owner only exists so that a probe
 * in flight at shutdown is freed.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "daemon/graph/http.h"
#include "daemon/graph/probe.h"

#define PROBE_MAX	32

struct probe;

struct probe_call {
	struct probe		*pr;
	struct http_call	*call;
	char			*url;
	int			 video;
};

struct probe {
	TAILQ_ENTRY(probe)	 entry;
	struct probes		*ps;
	struct probe_call	 calls[PROBE_MAX];
	size_t			 n;
	size_t			 pending;
	struct json_object	*warnings;
	struct event		*done;	/* answers from the loop */
	probe_done_cb		 cb;
	void			*arg;
};

struct probes {
	struct http		*http;
	TAILQ_HEAD(, probe)	 probes;
};

struct probes *
probes_new(struct http *http)
{
	struct probes *ps;

	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return NULL;
	ps->http = http;
	TAILQ_INIT(&ps->probes);
	return ps;
}

static void
probe_free(struct probe *pr)
{
	size_t i;

	TAILQ_REMOVE(&pr->ps->probes, pr, entry);
	for (i = 0; i < pr->n; i++) {
		http_cancel(pr->calls[i].call);
		free(pr->calls[i].url);
	}
	if (pr->done != NULL)
		event_free(pr->done);
	json_object_put(pr->warnings);
	free(pr);
}

void
probes_free(struct probes *ps)
{
	struct probe *pr;

	if (ps == NULL)
		return;
	while ((pr = TAILQ_FIRST(&ps->probes)) != NULL)
		probe_free(pr);
	free(ps);
}

static void
probe_finish_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *pr = arg;

	(void)fd;
	(void)what;
	pr->cb(pr->warnings, pr->arg);
	probe_free(pr);
}

static void
warn(struct probe *pr, const char *fmt, const char *url, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, url, what);
	json_object_array_add(pr->warnings, json_object_new_string(msg));
}

static void
probe_http_cb(const struct http_response *resp, void *arg)
{
	struct probe_call *pc = arg;
	struct probe *pr = pc->pr;
	const char *want = pc->video ? "video/" : "image/";
	char status[32];

	pc->call = NULL;
	if (resp->failed)
		warn(pr, "%.300s did not answer a HEAD request (%s): Meta "
		    "must be able to fetch it", pc->url, resp->error);
	else if (resp->status < 200 || resp->status > 299) {
		snprintf(status, sizeof(status), "%ld", resp->status);
		warn(pr, "%.300s answered a HEAD request with HTTP %s: Meta "
		    "must be able to fetch it", pc->url, status);
	} else if (resp->content_type == NULL ||
	    strncasecmp(resp->content_type, want, strlen(want)) != 0)
		warn(pr, "%.300s is served as '%.60s', not as an image or a "
		    "video", pc->url, resp->content_type != NULL ?
		    resp->content_type : "nothing");
	if (--pr->pending == 0)
		event_active(pr->done, EV_TIMEOUT, 1);
}

int
probe_media(struct probes *ps, const char *const *urls, const int *video,
    size_t n, probe_done_cb cb, void *arg)
{
	struct http_request req;
	struct probe *pr;
	size_t i;

	if (n > PROBE_MAX)
		n = PROBE_MAX;
	if ((pr = calloc(1, sizeof(*pr))) == NULL)
		return -ENOMEM;
	pr->ps = ps;
	pr->cb = cb;
	pr->arg = arg;
	TAILQ_INSERT_TAIL(&ps->probes, pr, entry);
	if ((pr->warnings = json_object_new_array()) == NULL ||
	    (pr->done = event_new(http_base(ps->http), -1, 0, probe_finish_cb,
	    pr)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		pr->calls[i].pr = pr;
		pr->calls[i].video = video[i];
		if ((pr->calls[i].url = strdup(urls[i])) == NULL)
			goto fail;
		pr->n = i + 1;
		memset(&req, 0, sizeof(req));
		req.method = "HEAD";
		req.url = urls[i];
		req.timeout = PROBE_TIMEOUT;
		req.max_body = 1024;
		pr->calls[i].call = http_start(ps->http, &req, probe_http_cb,
		    &pr->calls[i]);
		if (pr->calls[i].call == NULL)
			goto fail;
		pr->pending++;
	}
	if (pr->pending == 0)
		event_active(pr->done, EV_TIMEOUT, 1);
	return 0;
fail:
	probe_free(pr);
	return -ENOMEM;
}
