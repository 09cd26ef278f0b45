/*
 * threadsctl: a thin client of threadsd's control socket.  The verb
 * table and main(): the global options, then the verb's.  What the
 * commands share (options, help, the call to the daemon) is ctl.c's;
 * the commands are cmd-*.c.  It decides nothing the daemon decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl.h"

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
	{ "metrics", 0, VERB_ANY, cmd_metrics,
	    "[--format openmetrics|prometheus]",
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
	    "[any post option but --reply-to, --then-text, --thread] "
	    "[--no-ghost] [--no-spoiler-media] [--no-poll] [--no-spoiler] "
	    "[--no-reply-control] [--no-quote] [--no-link] [--no-topic] "
	    "[--no-attachment-file] [--no-attachment-link] [--no-gif]",
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

int
main(int argc, char *argv[])
{
	struct ctl ctl = { .out = &output_human, .verbs = verbs };
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
		ctl_usage(&ctl, stderr);
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
