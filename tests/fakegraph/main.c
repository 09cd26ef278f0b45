/*
 * fakegraph: a fake of the Meta Threads Graph API for threadsd's tests,
 * demo and benchmarks.
 *
 * main.c owns the command line, the event base, signals and the orderly
 * shutdown that frees everything (valgrind checks it).  It listens on
 * loopback only.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf.h"
#include "demo.h"
#include "faults.h"
#include "media.h"
#include "reqlog.h"
#include "server.h"
#include "store.h"

#define DEFAULT_APP_ID		"1000000000000001"
#define DEFAULT_SECRET		"fakegraph-demo-secret"
#define DEFAULT_REDIRECT	"https://localhost/threadsd/callback"
#define SECRET_MAX		4096

static void
usage(FILE *f)
{
	fprintf(f, "usage: fakegraph [-v] [-a ADDR] [-p PORT] "
	    "[--port-file FILE] [--app-id ID]\n"
	    "                 [--app-secret-file FILE] "
	    "[--redirect-uri URI] [--demo]\n");
}

/* Only loopback: the fake must never be reachable from elsewhere. */
static int
check_loopback(const char *addr)
{
	struct in6_addr	a6;
	struct in_addr	a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127 ? 0 : -EPERM;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ? 0 : -EPERM;
	return -EINVAL;
}

static char *
read_secret(const char *path)
{
	char	 buf[SECRET_MAX + 1], *s;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	while (len < SECRET_MAX && (n = read(fd, buf + len,
	    SECRET_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	s = len > 0 && strlen(buf) == len ? strdup(buf) : NULL;
	explicit_bzero(buf, sizeof(buf));
	return s;
}

static int
write_port_file(const char *path, int port)
{
	char	tmp[4096];
	FILE	*f;
	int	 r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
	    (long)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if ((f = fopen(tmp, "w")) == NULL)
		return -errno;
	if (fprintf(f, "%d\n", port) < 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

static void
conf_free(void)
{
	if (fgconf.app_secret != NULL)
		explicit_bzero(fgconf.app_secret, strlen(fgconf.app_secret));
	free(fgconf.app_secret);
	free(fgconf.app_id);
	free(fgconf.redirect_uri);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "port-file",		required_argument, NULL, 'P' },
		{ "app-id",		required_argument, NULL, 'I' },
		{ "app-secret-file",	required_argument, NULL, 'S' },
		{ "redirect-uri",	required_argument, NULL, 'R' },
		{ "demo",		no_argument,	   NULL, 'D' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct event_base	*base = NULL;
	struct event		*sigterm = NULL, *sigint = NULL;
	const char		*addr = "127.0.0.1", *port_file = NULL;
	const char		*app_id = DEFAULT_APP_ID, *secret_file = NULL;
	const char		*redirect = DEFAULT_REDIRECT;
	char			*end;
	long			 port = 0;
	int			 ch, bound, r, rc = 1;

	while ((ch = getopt_long(argc, argv, "a:p:vh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			addr = strcmp(optarg, "localhost") == 0 ? "127.0.0.1" :
			    optarg;
			break;
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || port < 0 ||
			    port > 65535) {
				fprintf(stderr, "fakegraph: bad port '%s'\n",
				    optarg);
				return 2;
			}
			break;
		case 'P':
			port_file = optarg;
			break;
		case 'I':
			app_id = optarg;
			break;
		case 'S':
			secret_file = optarg;
			break;
		case 'R':
			redirect = optarg;
			break;
		case 'D':
			fgconf.demo = 1;
			break;
		case 'v':
			fgconf.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if ((r = check_loopback(addr)) < 0) {
		fprintf(stderr, "fakegraph: refusing to listen on '%s': %s\n",
		    addr, r == -EPERM ? "not a loopback address" :
		    "not a numeric address");
		return 2;
	}
	if (*app_id == '\0' || strspn(app_id, "0123456789") !=
	    strlen(app_id)) {
		fprintf(stderr, "fakegraph: --app-id must be digits\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	conf_knobs_default();
	fgconf.app_id = strdup(app_id);
	fgconf.redirect_uri = strdup(redirect);
	if (secret_file != NULL) {
		if ((fgconf.app_secret = read_secret(secret_file)) == NULL) {
			fprintf(stderr, "fakegraph: cannot read a secret "
			    "from '%s'\n", secret_file);
			goto out;
		}
	} else
		fgconf.app_secret = strdup(DEFAULT_SECRET);
	if (fgconf.app_id == NULL || fgconf.redirect_uri == NULL ||
	    fgconf.app_secret == NULL || store_init() < 0 ||
	    media_init() < 0 || (fgconf.demo && demo_seed() < 0)) {
		fprintf(stderr, "fakegraph: out of memory\n");
		goto out;
	}
	if ((base = event_base_new()) == NULL) {
		fprintf(stderr, "fakegraph: cannot create an event base\n");
		goto out;
	}
	if ((r = server_start(base, addr, (int)port, &bound)) < 0) {
		fprintf(stderr, "fakegraph: cannot listen on %s port %ld: %s\n",
		    addr, port, strerror(-r));
		goto out;
	}
	sigterm = evsignal_new(base, SIGTERM, signal_cb, base);
	sigint = evsignal_new(base, SIGINT, signal_cb, base);
	if (sigterm == NULL || sigint == NULL || evsignal_add(sigterm,
	    NULL) < 0 || evsignal_add(sigint, NULL) < 0) {
		fprintf(stderr, "fakegraph: cannot handle signals\n");
		goto out;
	}
	if (port_file != NULL && (r = write_port_file(port_file,
	    bound)) < 0) {
		fprintf(stderr, "fakegraph: cannot write '%s': %s\n",
		    port_file, strerror(-r));
		goto out;
	}
	fprintf(stderr, strchr(addr, ':') != NULL ?
	    "fakegraph: listening on [%s]:%d\n" :
	    "fakegraph: listening on %s:%d\n", addr, bound);
	if (event_base_dispatch(base) < 0) {
		fprintf(stderr, "fakegraph: event loop failed\n");
		goto out;
	}
	rc = 0;
out:
	server_stop();
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	if (base != NULL)
		event_base_free(base);
	media_free();
	store_free();
	faults_clear();
	reqlog_free();
	conf_free();
	libevent_global_shutdown();
	return rc;
}
