/*
 * readyprobe: times a daemon from exec to READY=1, standing in for
 * systemd's end of NOTIFY_SOCKET.  It binds an abstract datagram socket,
 * puts its name in NOTIFY_SOCKET, takes the time, forks and execs the
 * command, and reads notifications until one says READY=1.  Then it
 * prints one line and stays the daemon's parent until it exits (send the
 * daemon SIGTERM), so a script can measure it meanwhile:
 *
 *   readyprobe COMMAND [ARG]...
 *   -> "READY MS PID RSS_KB" on stdout, then the command's exit status
 *
 * MS is from just before fork() to READY=1 arriving, in milliseconds;
 * RSS_KB is the daemon's VmRSS at that moment.  It gives up after 30 s
 * or when the command exits first (status 1, and "FAILED" on stdout).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long
rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* 1 when the datagram holds a line READY=1. */
static int
says_ready(const char *msg)
{
	const char *p = msg;

	for (;;) {
		if (strncmp(p, "READY=1", 7) == 0 &&
		    (p[7] == '\n' || p[7] == '\0'))
			return 1;
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct pollfd pfd;
	char name[64], msg[4096];
	double t0, t1;
	socklen_t len;
	ssize_t n;
	pid_t pid;
	int fd, status, ready = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: readyprobe COMMAND [ARG]...\n");
		return 2;
	}
	/* Abstract: no file to clean up; sd_notify() takes the '@' form. */
	snprintf(name, sizeof(name), "@threadsd-readyprobe-%d", (int)getpid());
	len = offsetof(struct sockaddr_un, sun_path) + strlen(name);
	memcpy(sun.sun_path, name, strlen(name));
	sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, len) < 0) {
		perror("readyprobe: notify socket");
		return 1;
	}
	setenv("NOTIFY_SOCKET", name, 1);
	signal(SIGTERM, SIG_IGN);	/* the daemon gets it, not us */

	t0 = now_ms();
	if ((pid = fork()) < 0) {
		perror("readyprobe: fork");
		return 1;
	}
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		execvp(argv[1], argv + 1);
		perror("readyprobe: exec");
		_exit(127);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!ready) {
		if (now_ms() - t0 > 30000 ||
		    waitpid(pid, &status, WNOHANG) == pid) {
			printf("FAILED\n");
			fflush(stdout);
			if (now_ms() - t0 > 30000) {
				kill(pid, SIGTERM);
				waitpid(pid, &status, 0);
			}
			return 1;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = recv(fd, msg, sizeof(msg) - 1, 0)) < 0)
			continue;
		msg[n] = '\0';
		ready = says_ready(msg);
	}
	t1 = now_ms();
	printf("READY %.2f %d %ld\n", t1 - t0, (int)pid, rss_kb(pid));
	fflush(stdout);

	/* Keep reading notifications so the daemon never blocks on them. */
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (poll(&pfd, 1, 100) > 0)
			(void)recv(fd, msg, sizeof(msg), 0);
	}
	close(fd);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
