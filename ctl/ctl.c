/*
 * What every threadsctl command shares: the usage and help texts, the
 * option parser that also takes the global options wherever they stand,
 * and the one path every command takes: send the request, print the
 * result or the daemon's refusal.  The verb table is threadsctl.c's;
 * it reaches the help through ctl->verbs.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"

void
ctl_usage(const struct ctl *ctl, FILE *f)
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
	for (v = ctl->verbs; v->name != NULL; v++)
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
	    "options:\n"
	    "  --format F   openmetrics (the default), or prometheus: the "
	    "Prometheus\n"
	    "               text format, for node_exporter's textfile "
	    "collector\n\n"
	    "example:\n  threadsctl metrics --format prometheus > "
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
				ctl_usage(ctl, stdout);
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
ctl_operands(struct ctl *ctl, int argc, char **argv, int n,
    const char *missing)
{
	if (argc - optind < n)
		return ctl_usage_error(ctl, "%s", missing);
	if (argc - optind > n)
		return ctl_usage_error(ctl, "unexpected argument '%s'",
		    argv[optind + n]);
	return 0;
}

int
ctl_yes_operand(struct ctl *ctl, int argc, char **argv, const char *missing,
    int *ret_yes)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, yes = 0;

	while ((ch = ctl_getopt(ctl, argc, argv, "y", opts)) != -1) {
		if (ch != 'y')
			return EXIT_USAGE;
		yes = 1;
	}
	if (ctl_operands(ctl, argc, argv, 1, missing) != 0)
		return EXIT_USAGE;
	*ret_yes = yes;
	return 0;
}

int
ctl_confirm(const char *no, const char *fmt, ...)
{
	char answer[16];
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " [y/N] ");
	if (fgets(answer, sizeof(answer), stdin) == NULL ||
	    (answer[0] != 'y' && answer[0] != 'Y')) {
		fprintf(stderr, "%s\n", no);
		return EXIT_REFUSED;
	}
	return 0;
}

void
ctl_add_str(struct json_object *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_object_add(o, key, json_object_new_string(value));
}

struct json_object *
ctl_args(const char *key, const char *value)
{
	struct json_object *o = json_object_new_object();

	ctl_add_str(o, key, value);
	return o;
}

/* A show for ctl_call(): the result's "message" says what was done. */
static void
ctl_show_message(struct ctl *ctl, struct json_object *result)
{
	struct json_object *msg = NULL;

	json_object_object_get_ex(result, "message", &msg);
	ctl->out->done(result, json_object_get_string(msg));
}

int
ctl_call_wait(struct ctl *ctl, const char *cmd, const char *account,
    const char *doing)
{
	if (isatty(STDERR_FILENO) && !ctl->json)
		fprintf(stderr, "%s '%s'...\n", doing, account);
	return ctl_call(ctl, cmd, ctl_args("account", account),
	    ctl_show_message);
}

/* ctl_call() and ctl_call_print(): one of show and print is set. */
static int
ctl_send(struct ctl *ctl, const char *cmd, struct json_object *args,
    void (*show)(struct ctl *, struct json_object *),
    void (*print)(struct json_object *))
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
	if (show != NULL)
		show(ctl, rep.result);
	else
		print(rep.result);
	proto_reply_clear(&rep);
	return EXIT_OK;
}

int
ctl_call(struct ctl *ctl, const char *cmd, struct json_object *args,
    void (*show)(struct ctl *, struct json_object *))
{
	return ctl_send(ctl, cmd, args, show, NULL);
}

int
ctl_call_print(struct ctl *ctl, const char *cmd, struct json_object *args,
    void (*print)(struct json_object *))
{
	return ctl_send(ctl, cmd, args, NULL, print);
}
