/*
 * Test-only: serves one file over HTTP on a loopback port, with the
 * content type given, so that Prometheus scrapes threadsd's OpenMetrics
 * text with its own OpenMetrics parser (threadsd speaks only on its
 * control socket).  The file is read again for each request, so the test
 * can rewrite it; the port, chosen by the kernel, goes to PORT_FILE.
 *
 *   om-serve PORT_FILE FILE CONTENT_TYPE
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

static const char	*path, *type;

static void
serve_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer *body;
	FILE *f;
	char buf[8192];
	size_t n;

	(void)arg;
	if ((f = fopen(path, "r")) == NULL) {
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
		return;
	}
	body = evbuffer_new();
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		evbuffer_add(body, buf, n);
	fclose(f);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

int
main(int argc, char **argv)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct event_base *base;
	struct evhttp *http;
	FILE *pf;

	if (argc != 4)
		errx(2, "usage: om-serve PORT_FILE FILE CONTENT_TYPE");
	path = argv[2];
	type = argv[3];
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL)
		errx(1, "libevent setup failed");
	evhttp_set_gencb(http, serve_cb, NULL);
	if ((bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0)) ==
	    NULL)
		errx(1, "cannot bind 127.0.0.1:0");
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &len) < 0)
		err(1, "getsockname");
	if ((pf = fopen(argv[1], "w")) == NULL)
		err(1, "%s", argv[1]);
	fprintf(pf, "%d\n", ntohs(sin.sin_port));
	if (fclose(pf) != 0)
		err(1, "%s", argv[1]);
	event_base_dispatch(base);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
