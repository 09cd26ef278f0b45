/*
 * threadsctl: a thin client of threadsd's control socket.  Global options,
 * the verb table, and the one path every command takes: build a request,
 * send it, print the result or the daemon's refusal.  It decides nothing
 * the daemon decides.
 */
#include <getopt.h>
#include <stdarg.h>
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
	{ "remove-account", 1, VERB_ANY, cmd_remove_account, "ACCOUNT [--yes]",
	    "disconnect an account and erase everything held about it" },
	{ "export", 1, 1, cmd_export, "ACCOUNT",
	    "print, as JSON, everything held about an account" },
	{ "refresh", 1, 1, cmd_refresh, "ACCOUNT",
	    "refresh an account's token now" },
	{ "stats", 1, VERB_ANY, cmd_stats,
	    "ACCOUNT [--since DURATION|TIME] [--metric NAME] [--csv]",
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
	    "[--topic TAG] [--ghost] [--poll OPTION]... "
	    "[--spoiler OFFSET:LENGTH]... [--spoiler-media] "
	    "[--attachment-file F [--attachment-link URL]] [--gif ID] "
	    "[--then-text T]... [--thread FILE]",
	    "queue a post (two or more media make a carousel), or a thread" },
	{ "repost", 2, VERB_ANY, cmd_repost,
	    "ACCOUNT MEDIA_ID --at TIME [--tz ZONE]",
	    "queue a repost of a post at a chosen time" },
	{ "import", 1, VERB_ANY, cmd_import, "FILE [--dry-run]",
	    "queue many posts from JSON lines or CSV, all or none" },
	{ "edit", 1, VERB_ANY, cmd_edit,
	    "ID [--at TIME] [--tz ZONE] [--text T | --text-file F] "
	    "[any post option but --reply-to]",
	    "change a queued post that is not yet being published" },
	{ "queue", 0, VERB_ANY, cmd_queue,
	    "[ACCOUNT | --account A] [--state S] [--limit N] [--from TIME] "
	    "[--until TIME] [--tz ZONE]",
	    "list queued and past posts, the next due last" },
	{ "calendar", 0, VERB_ANY, cmd_calendar,
	    "[ACCOUNT | --account A] [--days N | --weeks N] [--tz ZONE]",
	    "posts per day for the coming weeks, per account" },
	{ "show-post", 1, 1, cmd_show_post, "ID", "show one post" },
	{ "cancel", 1, VERB_ANY, cmd_cancel, "ID [--yes]",
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

/*
 * What VERB --help adds to the usage line: each option, and an example.
 * Kept apart from the verb table so that a verb without an entry still
 * has its usage line.
 */
static const struct {
	const char	*name;
	const char	*text;
} verb_details[] = {
	{ "status",
	    "Exits 4 when something needs a person (listed under "
	    "attention:).\n\n"
	    "example:\n  threadsctl status || [ $? -eq 4 ]\n" },
	{ "add-account",
	    "options:\n"
	    "  --print-url         only print Meta's authorization URL\n"
	    "  --redirect-url URL  finish with the address the browser was "
	    "sent to\n"
	    "                      (-: read it from standard input)\n"
	    "  --code CODE         finish with the authorization code (-: "
	    "from stdin)\n"
	    "  --token-stdin       read a long-lived token from standard "
	    "input\n\n"
	    "example:\n  threadsctl add-account --token-stdin < token\n" },
	{ "remove-account",
	    "options:\n"
	    "  --yes   do not ask first (needed when not on a terminal)\n\n"
	    "example:\n  threadsctl remove-account alice --yes\n" },
	{ "stats",
	    "options:\n"
	    "  --since DURATION|TIME  the history since 30d (the default), "
	    "12h, 2w ago,\n"
	    "                         or since an ISO 8601 time "
	    "(2026-11-01T00:00:00Z)\n"
	    "  --metric NAME          the metric charted: followers (the "
	    "default), views,\n"
	    "                         likes, replies, reposts, quotes, "
	    "clicks, posts, or all\n"
	    "  --csv                  every snapshot as CSV (time, then "
	    "each metric)\n\n"
	    "examples:\n  threadsctl stats alice --since 7d --metric "
	    "views\n  threadsctl stats alice --csv > alice.csv\n" },
	{ "post",
	    "options:\n"
	    "  --at TIME            when to publish, one of:\n"
	    "                         2026-11-23T09:00:00+01:00 (ISO 8601, "
	    "with Z or an offset)\n"
	    "                         '2026-11-23 09:00' (local, in --tz, "
	    "else [scheduler]\n"
	    "                         timezone, else UTC)\n"
	    "                         now, +10m, +2h, +1h30m (a unit is "
	    "needed)\n"
	    "  --tz ZONE            IANA zone for a local TIME "
	    "(Europe/Paris)\n"
	    "  --text T             the text (500 bytes at most)\n"
	    "  --text-file F        the text from F (-: standard input)\n"
	    "  --image URL          an image; repeat for a carousel (2 to "
	    "20)\n"
	    "  --video URL          a video; mixes with images in a "
	    "carousel\n"
	    "  --alt T              alt text of the --image or --video "
	    "before it\n"
	    "  --reply-to ID        reply to a queued post (its id) or a "
	    "media id\n"
	    "  --reply-control C    everyone, accounts_you_follow, "
	    "mentioned_only,\n"
	    "                         parent_post_author_only, "
	    "followers_only\n"
	    "  --quote ID           quote a post (its media id)\n"
	    "  --link URL           a link preview card (text posts)\n"
	    "  --topic TAG          a topic tag\n\n"
	    "examples:\n"
	    "  threadsctl post alice --at '2026-11-23 09:00' --tz "
	    "Europe/Paris --text 'Hello'\n"
	    "  threadsctl post alice --at +2h --image https://example.com/a."
	    "jpg --alt 'A cat'\n" },
	{ "queue",
	    "options:\n"
	    "  --state S   only posts in state S: scheduled, staging, "
	    "staged, ready,\n"
	    "              publishing, published, failed, cancelled\n"
	    "  --limit N   the next N posts due (default 1000; 0: all)\n\n"
	    "example:\n  threadsctl queue alice --state failed\n" },
	{ "cancel",
	    "options:\n"
	    "  --yes   cancel the post's queued replies too, without "
	    "asking\n\n"
	    "example:\n  threadsctl cancel 12\n" },
	{ "retry", "example:\n  threadsctl retry 12\n" },
	{ "reload", "example:\n  threadsctl reload\n" },
	{ "accounts", "example:\n  threadsctl accounts --json\n" },
	{ "show", "example:\n  threadsctl show alice\n" },
	{ "export", "example:\n  threadsctl export alice > alice.json\n" },
	{ "refresh", "example:\n  threadsctl refresh alice\n" },
	{ "poll", "example:\n  threadsctl poll alice\n" },
	{ "show-post", "example:\n  threadsctl show-post 12\n" },
	{ "metrics",
	    "example:\n  threadsctl metrics > "
	    "/var/lib/prometheus/node-exporter/threadsd.prom\n" },
};

static void
verb_usage(FILE *f, const struct verb *v)
{
	size_t i;

	fprintf(f, "usage: threadsctl %s%s%s\n%s\n", v->name,
	    v->usage[0] ? " " : "", v->usage, v->help);
	for (i = 0; i < sizeof(verb_details) / sizeof(verb_details[0]); i++)
		if (strcmp(verb_details[i].name, v->name) == 0)
			fprintf(f, "\n%s", verb_details[i].text);
	fprintf(f, "\nglobal options (anywhere): -s SOCKET, --json, "
	    "--help\n");
}

int
ctl_usage_error(struct ctl *ctl, const char *fmt, ...)
{
	char msg[512], hint[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(hint, sizeof(hint), "Try 'threadsctl %s%s--help'",
	    ctl->verb != NULL ? ctl->verb->name : "",
	    ctl->verb != NULL ? " " : "");
	client_error("usage", hint, "%s", msg);
	return EXIT_USAGE;
}

/* Set by the global options wherever they stand. */
#define OPT_SOCKET	0x1001
#define OPT_JSON	0x1002
#define OPT_HELP	0x1003
#define OPT_VERSION	0x1004
#define OPTS_MAX	48

static const struct option global_opts[] = {
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
};
#define NGLOBAL	(sizeof(global_opts) / sizeof(global_opts[0]))

int
ctl_getopt(struct ctl *ctl, int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	static struct option all[OPTS_MAX + NGLOBAL + 1];
	static char shorts[64];
	size_t n = 0, i;
	int ch, idx;

	/* The verb's options, then the global ones (the verb's win). */
	for (; longopts != NULL && longopts[n].name != NULL &&
	    n < OPTS_MAX; n++)
		all[n] = longopts[n];
	for (i = 0; i < NGLOBAL; i++)
		all[n + i] = global_opts[i];
	memset(&all[n + NGLOBAL], 0, sizeof(all[0]));
	/* ':' to be told of a missing value; a leading '+' stays first. */
	if (shortopts[0] == '+')
		snprintf(shorts, sizeof(shorts), "+:%ss:jh", shortopts + 1);
	else
		snprintf(shorts, sizeof(shorts), ":%ss:jh", shortopts);
	opterr = 0;
	for (;;) {
		idx = -1;
		if ((ch = getopt_long(argc, argv, shorts, all, &idx)) == -1)
			return -1;
		if (idx >= (int)n || (idx < 0 && strchr(shortopts, ch) ==
		    NULL && (ch == 's' || ch == 'j' || ch == 'h')))
			ch = idx >= (int)n ? all[idx].val : ch == 's' ?
			    OPT_SOCKET : ch == 'j' ? OPT_JSON : OPT_HELP;
		switch (ch) {
		case OPT_SOCKET:
			ctl->socket = optarg;
			continue;
		case OPT_JSON:
			ctl->json = 1;
			ctl->out = &output_json;
			client_json_errors = 1;
			continue;
		case OPT_HELP:
			if (ctl->verb != NULL)
				verb_usage(stdout, ctl->verb);
			else
				usage(stdout);
			exit(EXIT_OK);
		case OPT_VERSION:
			printf("threadsctl %s\n", THREADSD_VERSION);
			exit(EXIT_OK);
		case '?':
			if (optopt != 0)
				ctl_usage_error(ctl, "unknown option '-%c'",
				    optopt);
			else
				ctl_usage_error(ctl, "unknown option '%s'",
				    argv[optind - 1]);
			return '?';
		case ':':
			ctl_usage_error(ctl, "option '%s' needs a value",
			    argv[optind - 1]);
			return '?';
		default:
			return ch;
		}
	}
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
		client_error(proto_err_name(rep.error_code), NULL, "%s",
		    rep.error_message);
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
	struct ctl ctl = { .out = &output_human };
	const struct verb *v;
	int nargs;

	ctl.socket = getenv("THREADSCTL_SOCKET");
	if (ctl.socket == NULL || ctl.socket[0] == '\0')
		ctl.socket = CLIENT_DEFAULT_SOCKET;
	/* The global options before the verb ("+": stop at the verb). */
	optind = 0;
	if (ctl_getopt(&ctl, argc, argv, "+", NULL) != -1)
		return EXIT_USAGE;
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (v = verbs; v->name != NULL; v++)
		if (strcmp(v->name, argv[optind]) == 0)
			break;
	if (v->name == NULL)
		return ctl_usage_error(&ctl, "unknown command '%s'",
		    argv[optind]);
	ctl.verb = v;
	argc -= optind;
	argv += optind;
	optind = 0;	/* the verb's options: a fresh scan */
	if (v->max_args == VERB_ANY)
		return v->fn(&ctl, argc, argv);	/* it parses its own */

	/* A verb with operands only: the global options may follow it. */
	if (ctl_getopt(&ctl, argc, argv, "", NULL) != -1)
		return EXIT_USAGE;
	nargs = argc - optind;
	if (nargs < v->min_args)
		return ctl_usage_error(&ctl, "%s needs %s", v->name,
		    v->usage);
	if (nargs > v->max_args)
		return ctl_usage_error(&ctl, "unexpected argument '%s'",
		    argv[optind + v->max_args]);
	/* The operands after the verb's name, as the verb expects. */
	argv[optind - 1] = argv[0];
	return v->fn(&ctl, nargs + 1, argv + optind - 1);
}
