/*
 * threadsctl: a thin client of threadsd's control socket.  Global options,
 * the verb table, and the one path every command takes: build a request,
 * send it, print the result or the daemon's refusal.  It decides nothing
 * the daemon decides.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "threadsctl.h"

static const struct verb verbs[] = {
	{ "status", 0, 0, cmd_status, "",
	    "show the daemon's version, uptime, accounts and queue" },
	{ "reload", 0, 0, cmd_reload, "",
	    "re-read the configuration file (as SIGHUP does)" },
	{ "add-account", 0, VERB_ANY, cmd_add_account,
	    "[--print-url | --redirect-url URL|- | --code CODE|- | "
	    "--token-stdin]",
	    "connect a Threads account (interactive with no option)" },
	{ "accounts", 0, 0, cmd_accounts, "",
	    "list the connected accounts" },
	{ "show", 1, 1, cmd_show, "ACCOUNT",
	    "show one account (username or user id)" },
	{ "remove-account", 1, 2, cmd_remove_account, "ACCOUNT [--yes]",
	    "disconnect an account and erase everything held about it" },
	{ "export", 1, 1, cmd_export, "ACCOUNT",
	    "print, as JSON, everything held about an account" },
	{ "refresh", 1, 1, cmd_refresh, "ACCOUNT",
	    "refresh an account's token now" },
	{ "stats", 1, 3, cmd_stats, "ACCOUNT [--since DURATION|TIME]",
	    "show an account's numbers, their changes and history "
	    "(default --since 30d)" },
	{ "poll", 1, 1, cmd_poll, "ACCOUNT",
	    "poll an account's profile, insights and post count now" },
	{ "metrics", 0, 0, cmd_metrics, "",
	    "print every account's numbers as OpenMetrics text" },
	{ "post", 1, VERB_ANY, cmd_post,
	    "ACCOUNT --at TIME [--tz ZONE] [--text T | --text-file F] "
	    "[--image URL [--alt T]]... [--video URL [--alt T]]... "
	    "[--reply-to ID] [--reply-control C] [--quote ID] [--link URL] "
	    "[--topic TAG]",
	    "queue a post (two or more media make a carousel)" },
	{ "queue", 0, VERB_ANY, cmd_queue,
	    "[ACCOUNT] [--state S] [--limit N]",
	    "list queued and past posts, the next due last" },
	{ "show-post", 1, 1, cmd_show_post, "ID", "show one post" },
	{ "cancel", 1, 2, cmd_cancel, "ID [--yes]",
	    "cancel a queued post (and, with --yes, its queued replies)" },
	{ "retry", 1, 1, cmd_retry, "ID", "queue a failed post again" },
	{ NULL, 0, 0, NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	const struct verb *v;

	fprintf(f, "usage: threadsctl [-s SOCKET] [--json] COMMAND "
	    "[ARGS...]\n\n");
	fprintf(f, "  -s, --socket PATH  the daemon's control socket "
	    "(default $THREADSCTL_SOCKET,\n"
	    "                     else " CLIENT_DEFAULT_SOCKET ")\n"
	    "  -j, --json         print the daemon's JSON result "
	    "unchanged\n"
	    "  -h, --help         show this help; COMMAND --help for one "
	    "command\n"
	    "      --version      print the version\n\ncommands:\n");
	for (v = verbs; v->name != NULL; v++)
		fprintf(f, "  %-16s %s\n", v->name, v->help);
}

static void
verb_usage(FILE *f, const struct verb *v)
{
	fprintf(f, "usage: threadsctl %s%s%s\n%s\n", v->name,
	    v->usage[0] ? " " : "", v->usage, v->help);
}

int
ctl_call(struct ctl *ctl, const char *cmd, struct json_object *args,
    void (*show)(struct ctl *, struct json_object *))
{
	struct proto_reply rep;
	int r;

	if ((r = client_call(ctl->socket, cmd, args, &rep)) != 0)
		return r;
	if (!rep.ok) {
		fprintf(stderr, "threadsctl: %s\n", rep.error_message);
		r = rep.error_code == ERR_BAD_REQUEST ||
		    rep.error_code == ERR_UNKNOWN_COMMAND ? EXIT_USAGE :
		    EXIT_REFUSED;
		proto_reply_clear(&rep);
		return r;
	}
	show(ctl, rep.result);
	proto_reply_clear(&rep);
	return EXIT_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl ctl = { .out = &output_human };
	const struct verb *v;
	int ch, nargs;

	ctl.socket = getenv("THREADSCTL_SOCKET");
	if (ctl.socket == NULL || ctl.socket[0] == '\0')
		ctl.socket = CLIENT_DEFAULT_SOCKET;
	while ((ch = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			ctl.socket = optarg;
			break;
		case 'j':
			ctl.json = 1;
			ctl.out = &output_json;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("threadsctl %s\n", THREADSD_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (v = verbs; v->name != NULL; v++)
		if (strcmp(v->name, argv[optind]) == 0)
			break;
	if (v->name == NULL) {
		fprintf(stderr, "threadsctl: unknown command '%s'; see "
		    "'threadsctl --help'\n", argv[optind]);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		verb_usage(stdout, v);
		return EXIT_OK;
	}
	nargs = argc - 1;
	if (nargs < v->min_args ||
	    (v->max_args != VERB_ANY && nargs > v->max_args)) {
		verb_usage(stderr, v);
		return EXIT_USAGE;
	}
	optind = 0;	/* the verb parses its own options */
	return v->fn(&ctl, argc, argv);
}
