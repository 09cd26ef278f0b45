/*
 * notify-recv: stands in for systemd's end of NOTIFY_SOCKET in the
 * end-to-end tests.  Binds an AF_UNIX datagram socket at PATH and writes
 * each assignment of each message it receives to OUT as one line,
 * "PID NAME=VALUE", the pid being the sender's (SO_PASSCRED), and a line
 * "PID --" after each message, so a test can tell which assignments came
 * together.  Runs until SIGTERM or SIGINT, then removes PATH.
 *
 *	notify-recv PATH OUT
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr	cm;
		char		buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	char buf[4097], *line, *save;
	struct sigaction sa = { .sa_handler = on_signal };
	struct ucred cred;
	struct cmsghdr *cm;
	struct msghdr msg;
	struct iovec iov;
	FILE *out;
	ssize_t n;
	int fd, one = 1;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: notify-recv PATH OUT\n");
		return 2;
	}
	strcpy(sun.sun_path, argv[1]);
	if ((out = fopen(argv[2], "a")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	setvbuf(out, NULL, _IOLBF, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)) < 0 || bind(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) < 0) {
		perror(argv[1]);
		return 1;
	}
	while (!stop) {
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf) - 1;
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		if ((n = recvmsg(fd, &msg, 0)) < 0) {
			if (errno == EINTR)
				continue;
			perror("recvmsg");
			break;
		}
		buf[n] = '\0';
		cred.pid = 0;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_CREDENTIALS)
				memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
		for (line = strtok_r(buf, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			fprintf(out, "%d %s\n", (int)cred.pid, line);
		fprintf(out, "%d --\n", (int)cred.pid);
	}
	unlink(argv[1]);
	return 0;
}
