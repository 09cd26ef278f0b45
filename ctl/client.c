/*
 * One request, one reply, over the control socket.  Errors reaching the
 * daemon are explained here, once, with the socket tried and what to do.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"

#define CLIENT_MAX_REPLY	(64 * 1024 * 1024)
#define CLIENT_TIMEOUT		300	/* seconds without a byte from the daemon */

int client_json_errors;

void
client_error(const char *code, const char *hint, const char *fmt, ...)
{
	struct json_object *o, *e;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!client_json_errors) {
		fprintf(stderr, "threadsctl: %s\n", msg);
		if (hint != NULL)
			fprintf(stderr, "%s\n", hint);
		return;
	}
	o = json_object_new_object();
	e = json_object_new_object();
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	if (hint != NULL)
		json_object_object_add(e, "hint",
		    json_object_new_string(hint));
	json_object_object_add(o, "error", e);
	fprintf(stderr, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int
client_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { CLIENT_TIMEOUT, 0 };
	int fd, saved;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		client_error("no_daemon", NULL, "socket path too long: %s",
		    path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		client_error("no_daemon", NULL, "socket: %s",
		    strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		saved = errno;
		client_error("no_daemon", saved == EACCES ? "Only root and "
		    "members of the group 'threadsd' may use threadsd." :
		    "Is threadsd running? Try 'systemctl status threadsd', "
		    "or point -s or THREADSCTL_SOCKET at its socket.",
		    "cannot connect to %s: %s", path, strerror(saved));
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one line; returns its length or -errno. */
static ssize_t
read_line(int fd, char **ret_buf)
{
	size_t len = 0, cap = 0, linelen;
	char *buf = NULL, *nb;
	ssize_t n;
	int r;

	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 131072;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		if ((n = read(fd, buf + len, cap - len)) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			return r;
		}
		if (n == 0) {
			free(buf);
			return -ECONNRESET;
		}
		len += (size_t)n;
		r = proto_frame(buf, len, CLIENT_MAX_REPLY, &linelen);
		if (r < 0) {
			free(buf);
			return r;
		}
		if (r == 1) {
			buf[linelen] = '\0';
			*ret_buf = buf;
			return (ssize_t)linelen;
		}
	}
}

int
client_call(const char *path, const char *cmd, struct json_object *args,
    struct proto_reply *ret)
{
	struct json_object *req;
	const char *s;
	char *line = NULL;
	ssize_t n;
	int fd, r;

	req = proto_request_new(1, cmd, args);
	if (req == NULL) {
		client_error("internal", NULL, "out of memory");
		return EXIT_NODAEMON;
	}
	if ((fd = client_connect(path)) < 0) {
		json_object_put(req);
		return EXIT_NODAEMON;
	}
	s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	if ((r = write_all(fd, s, strlen(s))) < 0 ||
	    (r = write_all(fd, "\n", 1)) < 0) {
		client_error("no_daemon", NULL, "cannot send to %s: %s", path,
		    strerror(-r));
		goto fail;
	}
	if ((n = read_line(fd, &line)) < 0) {
		client_error("no_daemon", NULL, "no reply from threadsd on "
		    "%s: %s", path, n == -EAGAIN ? "timed out" :
		    strerror((int)-n));
		goto fail;
	}
	if (proto_reply_parse(line, (size_t)n, ret) < 0) {
		client_error("no_daemon", NULL, "malformed reply from "
		    "threadsd on %s", path);
		goto fail;
	}
	free(line);
	json_object_put(req);
	close(fd);
	return 0;
fail:
	free(line);
	json_object_put(req);
	close(fd);
	return EXIT_NODAEMON;
}
