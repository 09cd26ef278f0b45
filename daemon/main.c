/*
 * threadsd: the command line, then one libevent loop.  What runs in the
 * loop is built by run_open() (run.c); --check-config reads the file
 * with the same checks as a reload and exits.
 */
#include <getopt.h>
#include <stdio.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/run.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: threadsd [-f] [-c FILE]\n"
	    "       threadsd --check-config [-c FILE]\n"
	    "       threadsd --version\n"
	    "\n"
	    "  -c, --config FILE  read FILE (default " CONFIG_DEFAULT_PATH ")\n"
	    "  -t, --check-config report every error in the config file, "
	    "then exit\n"
	    "                     (0: none; reload makes the same check)\n"
	    "  -f, --foreground   log plain lines to stderr, not the journal\n"
	    "  -h, --help         show this help\n"
	    "      --version      print the version\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "check-config", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct daemon d = { .config_path = CONFIG_DEFAULT_PATH };
	char err[CONFIG_ERRBUF_LEN];
	int ch, foreground = 0, check = 0;

	while ((ch = getopt_long(argc, argv, "c:fht", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d.config_path = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("threadsd %s\n", THREADSD_VERSION);
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
	/* Like sshd -t: every error in the file, the same check as reload. */
	if (check) {
		if (config_load(d.config_path, &d.cfg, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		config_free(d.cfg);
		printf("%s: OK\n", d.config_path);
		return 0;
	}
	log_init(foreground);
	run_open(&d);
	event_base_dispatch(d.base);
	run_close(&d);
	return 0;
}
