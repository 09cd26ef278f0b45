/*
 * sockpoke: a deliberately rude client of the control socket, for the
 * bad-input tests.  threadsctl only ever sends good requests; this sends
 * whatever a test asks.
 *
 *   sockpoke SOCKET send        send stdin as is, then read replies until
 *                               the daemon closes or 5 s pass; print them
 *   sockpoke SOCKET big BYTES   send BYTES of 'x' and a newline; print
 *                               the reply
 *   sockpoke SOCKET flood N     open N connections, send half a request on
 *                               each, then drop them all
 *   sockpoke SOCKET idle        connect, send nothing, and wait for the
 *                               daemon to close; print "closed"
 *   sockpoke SOCKET pipeline N  send N status requests without reading a
 *                               reply, until N are sent or the daemon
 *                               stops taking them for 2 s; print
 *                               "sent K"
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
dial(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Copies what the daemon says to stdout until EOF or timeout_ms idle. */
static void
drain(int fd, int timeout_ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[65536];
	ssize_t n;

	while (poll(&p, 1, timeout_ms) > 0) {
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			break;
		fwrite(buf, 1, (size_t)n, stdout);
	}
}

static int
send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
cmd_send(const char *path)
{
	char buf[65536];
	size_t n;
	int fd;

	if ((fd = dial(path)) < 0)
		return 1;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (send_all(fd, buf, n) < 0)
			break;
	shutdown(fd, SHUT_WR);
	drain(fd, 5000);
	close(fd);
	return 0;
}

static int
cmd_big(const char *path, size_t bytes)
{
	char chunk[65536];
	size_t n;
	int fd;

	if ((fd = dial(path)) < 0)
		return 1;
	memset(chunk, 'x', sizeof(chunk));
	while (bytes > 0) {
		n = bytes < sizeof(chunk) ? bytes : sizeof(chunk);
		if (send_all(fd, chunk, n) < 0)
			break;	/* the daemon closed on us: read its reply */
		bytes -= n;
	}
	send_all(fd, "\n", 1);
	drain(fd, 5000);
	close(fd);
	return 0;
}

static int
cmd_flood(const char *path, int count)
{
	int *fds, i, opened = 0;

	if ((fds = calloc((size_t)count, sizeof(int))) == NULL)
		return 1;
	for (i = 0; i < count; i++) {
		if ((fds[i] = dial(path)) >= 0) {
			opened++;
			send_all(fds[i], "{\"v\":1,\"cmd\":", 13);
		}
	}
	for (i = 0; i < count; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	printf("opened %d\n", opened);
	return 0;
}

static int
cmd_idle(const char *path)
{
	struct pollfd p;
	char c;
	int fd;

	if ((fd = dial(path)) < 0)
		return 1;
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 30000) > 0 && read(fd, &c, 1) == 0)
		printf("closed\n");
	close(fd);
	return 0;
}

static int
cmd_pipeline(const char *path, long count)
{
	static const char req[] = "{\"v\":1,\"id\":1,\"cmd\":\"status\"}\n";
	struct pollfd p;
	size_t off = 0;
	long sent = 0;
	ssize_t n;
	int fd;

	if ((fd = dial(path)) < 0)
		return 1;
	p.fd = fd;
	p.events = POLLOUT;
	while (sent < count) {
		n = send(fd, req + off, sizeof(req) - 1 - off,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN || poll(&p, 1, 2000) <= 0)
				break;
			continue;
		}
		off += (size_t)n;
		if (off == sizeof(req) - 1) {
			off = 0;
			sent++;
		}
	}
	printf("sent %ld\n", sent);
	close(fd);
	return 0;
}

int
main(int argc, char *argv[])
{
	signal(SIGPIPE, SIG_IGN);	/* the daemon may close on us */
	if (argc == 3 && strcmp(argv[2], "send") == 0)
		return cmd_send(argv[1]);
	if (argc == 4 && strcmp(argv[2], "big") == 0)
		return cmd_big(argv[1], strtoul(argv[3], NULL, 10));
	if (argc == 4 && strcmp(argv[2], "flood") == 0)
		return cmd_flood(argv[1], atoi(argv[3]));
	if (argc == 3 && strcmp(argv[2], "idle") == 0)
		return cmd_idle(argv[1]);
	if (argc == 4 && strcmp(argv[2], "pipeline") == 0)
		return cmd_pipeline(argv[1], atol(argv[3]));
	fprintf(stderr, "usage: sockpoke SOCKET send|big N|flood N|idle|"
	    "pipeline N\n");
	return 2;
}
