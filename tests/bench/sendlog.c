/*
 * sendlog.so: when each publish request left the daemon, for
 * bench-lateness.sh.  Preloaded into threadsd (LD_PRELOAD), it wraps
 * send() and sendto(), which curl writes its requests with, and for each
 * request to threads_publish notes the instant the send that carried its
 * first bytes returned (they are then in the fake's socket) and the
 * creation_id of its form body:
 *
 *     US CREATION_ID          (CLOCK_REALTIME, microseconds)
 *
 * one line each, appended to the file SENDLOG names when the daemon
 * exits (or when the buffer fills).  Nothing else is looked at: a send
 * costs a memmem() on its first bytes and, for a publish, a clock read,
 * so the instants are the daemon's own and the shim adds next to nothing
 * to them.  The fake's at_ms is when it handled the request; the two
 * together split a post's lateness into the daemon's share and the
 * fake's.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SENDLOG_BUF	(256 * 1024)
#define SENDLOG_FDS	4096
#define SENDLOG_HEAD	512	/* where a request line is looked for */

static ssize_t	(*real_send)(int, const void *, size_t, int);
static ssize_t	(*real_sendto)(int, const void *, size_t, int,
		    const struct sockaddr *, socklen_t);
static char	 sendlog_buf[SENDLOG_BUF];
static size_t	 sendlog_len;
/* A publish whose body (and creation_id) is still to come, by fd. */
static int64_t	 sendlog_pending[SENDLOG_FDS];

static void
sendlog_flush(void)
{
	const char *path = getenv("SENDLOG");
	size_t off = 0;
	ssize_t n;
	int fd;

	if (sendlog_len == 0 || path == NULL ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0) {
		sendlog_len = 0;
		return;
	}
	while (off < sendlog_len &&
	    (n = write(fd, sendlog_buf + off, sendlog_len - off)) > 0)
		off += (size_t)n;
	close(fd);
	sendlog_len = 0;
}

__attribute__((destructor)) static void
sendlog_fini(void)
{
	sendlog_flush();
}

static int64_t
sendlog_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
sendlog_note(int fd, const char *buf, ssize_t sent)
{
	const char *id, *end;
	size_t len = sent > 0 ? (size_t)sent : 0;
	size_t head = len < SENDLOG_HEAD ? len : SENDLOG_HEAD;
	int64_t at = 0;
	int n;

	if (fd < 0 || fd >= SENDLOG_FDS || len == 0)
		return;
	if (head > 5 && memcmp(buf, "POST ", 5) == 0 &&
	    memmem(buf, head, "/threads_publish", 16) != NULL)
		at = sendlog_now();
	else if ((at = sendlog_pending[fd]) == 0)
		return;
	sendlog_pending[fd] = 0;
	if ((id = memmem(buf, len, "creation_id=", 12)) == NULL) {
		sendlog_pending[fd] = at;	/* the body comes next */
		return;
	}
	id += 12;
	for (end = id; end < buf + len && *end >= '0' && *end <= '9'; end++)
		;
	if (sendlog_len + 64 + (size_t)(end - id) > SENDLOG_BUF)
		sendlog_flush();
	n = snprintf(sendlog_buf + sendlog_len, SENDLOG_BUF - sendlog_len,
	    "%lld %.*s\n", (long long)at, (int)(end - id), id);
	if (n > 0)
		sendlog_len += (size_t)n;
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	ssize_t n;
	int e;

	if (real_send == NULL)
		real_send = (ssize_t (*)(int, const void *, size_t, int))
		    dlsym(RTLD_NEXT, "send");
	n = real_send(fd, buf, len, flags);
	e = errno;
	sendlog_note(fd, buf, n);
	errno = e;
	return n;
}

ssize_t
sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	ssize_t n;
	int e;

	if (real_sendto == NULL)
		real_sendto = (ssize_t (*)(int, const void *, size_t, int,
		    const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT,
		    "sendto");
	n = real_sendto(fd, buf, len, flags, to, tolen);
	e = errno;
	sendlog_note(fd, buf, n);
	errno = e;
	return n;
}
