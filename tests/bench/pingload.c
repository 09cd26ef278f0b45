/*
 * pingload: a load generator for the control socket, built to be compared
 * with redis-benchmark.  Like redis-benchmark (one thread, -P 1 by
 * default) it opens C connections up front, then keeps P requests in
 * flight on each: a connection sends its next request only when a reply
 * has come back, and the run ends after N replies in all.  It prints
 * replies per second, measured from the first request sent to the last
 * reply read.
 *
 *   pingload [-r] [-c CLIENTS] [-n REQUESTS] [-P PIPELINE] SOCKET
 *
 * By default it sends threadsd's {"v":1,"id":1,"cmd":"ping"} lines and
 * counts reply lines (each must say "ok":true).  With -r it speaks RESP
 * instead (PING as a multi-bulk, like redis-benchmark's PING_MBULK, and
 * "+PONG" lines back), so the same client can be pointed at redis-server
 * to check that the client itself is not what is measured.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REQ_PING	"{\"v\":1,\"id\":1,\"cmd\":\"ping\"}\n"
#define REQ_RESP	"*1\r\n$4\r\nPING\r\n"
#define REPLY_OK	"\"ok\":true"
#define REPLY_RESP	"+PONG"
#define MAX_PIPELINE	1024

struct client {
	int	 fd;
	long	 inflight;	/* requests sent, reply not yet read */
	char	 partial[256];	/* the start of a reply line */
	size_t	 plen;
};

static const char	*req_line = REQ_PING;
static const char	*reply_word = REPLY_OK;
static long		 total, sent, done;
static int		 pipeline = 1;

static void
usage(void)
{
	fprintf(stderr, "usage: pingload [-r] [-c CLIENTS] [-n REQUESTS] "
	    "[-P PIPELINE] SOCKET\n");
	exit(2);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
dial(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Sends as many requests as the pipeline and the total allow. */
static int
client_send(struct client *c)
{
	static char buf[MAX_PIPELINE * sizeof(REQ_PING)];
	size_t one = strlen(req_line), len = 0, off = 0;
	ssize_t n;
	long k = 0;

	while (c->inflight + k < pipeline && sent + k < total) {
		memcpy(buf + len, req_line, one);
		len += one;
		k++;
	}
	/* A Unix socket takes a few hundred bytes whole; loop all the same. */
	while (off < len) {
		if ((n = write(c->fd, buf + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)n;
	}
	c->inflight += k;
	sent += k;
	return 0;
}

/* Counts complete reply lines in what arrived; checks each says ok. */
static int
client_read(struct client *c)
{
	char buf[65536], *p, *nl, *end;
	ssize_t n;

	if ((n = read(c->fd, buf, sizeof(buf))) <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return 0;
		fprintf(stderr, "pingload: the server closed a connection\n");
		return -EPIPE;
	}
	p = buf;
	end = buf + n;
	while ((nl = memchr(p, '\n', end - p)) != NULL) {
		size_t len = nl - p;

		if (c->plen + len >= sizeof(c->partial))
			len = sizeof(c->partial) - c->plen - 1;
		memcpy(c->partial + c->plen, p, len);
		c->partial[c->plen + len] = '\0';
		if (strstr(c->partial, reply_word) == NULL) {
			fprintf(stderr, "pingload: unexpected reply: %s\n",
			    c->partial);
			return -EPROTO;
		}
		c->plen = 0;
		c->inflight--;
		done++;
		p = nl + 1;
	}
	n = end - p;
	if (c->plen + n >= sizeof(c->partial))
		n = sizeof(c->partial) - c->plen - 1;
	memcpy(c->partial + c->plen, p, n);
	c->plen += n;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct epoll_event ev, evs[256];
	struct client *clients;
	double t0, t1;
	int nclients = 1, ep, ch, i, n, r;

	total = 100000;
	while ((ch = getopt(argc, argv, "c:n:P:r")) != -1) {
		switch (ch) {
		case 'c':
			nclients = atoi(optarg);
			break;
		case 'n':
			total = atol(optarg);
			break;
		case 'P':
			pipeline = atoi(optarg);
			break;
		case 'r':
			req_line = REQ_RESP;
			reply_word = REPLY_RESP;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || nclients < 1 || total < 1 ||
	    pipeline < 1 || pipeline > MAX_PIPELINE)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if ((clients = calloc(nclients, sizeof(*clients))) == NULL ||
	    (ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		perror("pingload");
		return 1;
	}
	for (i = 0; i < nclients; i++) {
		if ((r = dial(argv[optind])) < 0) {
			fprintf(stderr, "pingload: cannot connect to %s: %s\n",
			    argv[optind], strerror(-r));
			return 1;
		}
		clients[i].fd = r;
		ev.events = EPOLLIN;
		ev.data.ptr = &clients[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev) < 0) {
			perror("pingload: epoll_ctl");
			return 1;
		}
	}

	t0 = now();
	for (i = 0; i < nclients; i++)
		if (client_send(&clients[i]) < 0) {
			perror("pingload: write");
			return 1;
		}
	while (done < total) {
		if ((n = epoll_wait(ep, evs, 256, 10000)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			fprintf(stderr, "pingload: no reply for 10 s\n");
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct client *c = evs[i].data.ptr;

			if (client_read(c) < 0)
				return 1;
			if (client_send(c) < 0) {
				perror("pingload: write");
				return 1;
			}
		}
	}
	t1 = now();

	printf("%.0f requests/s (%ld requests, %d clients, pipeline %d, "
	    "%.3f s)\n", total / (t1 - t0), total, nclients, pipeline,
	    t1 - t0);
	for (i = 0; i < nclients; i++)
		close(clients[i].fd);
	free(clients);
	close(ep);
	return 0;
}
