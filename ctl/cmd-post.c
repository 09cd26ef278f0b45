/*
 * threadsctl's post commands: post, repost, edit, queue, show-post,
 * cancel, retry.
 * Each builds one request from its options (two for a cancel that asks
 * first) and hands the result to the printer.  The syntax of ids, times
 * and zones is checked here (args.c); whether the time is free, the
 * text fits and the post exists is the daemon's to judge, and TIME and
 * ZONE go over as written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"

#define TEXT_FILE_MAX	(64 * 1024)	/* far above Meta's 10,000 characters */
#define MEDIA_MAX	64		/* the daemon refuses over 20 */

/* --text-file: the file ("-": standard input), one final newline off. */
static char *
read_text_file(const char *path)
{
	FILE *f;
	char *buf;
	size_t len;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL) {
		client_error("usage", NULL, "--text-file %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if ((buf = malloc(TEXT_FILE_MAX + 1)) == NULL) {
		if (f != stdin)
			fclose(f);
		return NULL;
	}
	len = fread(buf, 1, TEXT_FILE_MAX + 1, f);
	if (f != stdin)
		fclose(f);
	if (len > TEXT_FILE_MAX || memchr(buf, '\0', len) != NULL) {
		client_error("usage", NULL, "--text-file %s: %s", path,
		    len > TEXT_FILE_MAX ? "too large for a post" :
		    "contains a NUL byte");
		free(buf);
		return NULL;
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	return buf;
}

/* edit's undoing of an option post sets (long only). */
#define OPT_NO_GHOST		0x2001
#define OPT_NO_SPOILER_MEDIA	0x2002
#define OPT_NO_POLL		0x2003
#define OPT_NO_SPOILER		0x2004
#define OPT_NO_STRING		0x2100	/* + the row of undo_str[] */

/*
 * edit's --no- forms of the options that take a string: the names they
 * go under in post.edit's "clear".
 */
static const struct {
	const char	*option;	/* --no-OPTION */
	const char	*key;
} undo_str[] = {
	{ "reply-control", "reply_control" },
	{ "quote", "quote" },
	{ "link", "link" },
	{ "topic", "topic" },
	{ "attachment-file", "attachment" },
	{ "attachment-link", "attachment_link" },
	{ "gif", "gif" },
};
#define UNDO_STR_N	(sizeof(undo_str) / sizeof(undo_str[0]))
/* post_opts[] below names OPT_NO_STRING + 0 to + 6 by hand. */
_Static_assert(UNDO_STR_N == 7, "post_opts[] lists every undo_str[] row");

/* Every post option; edit leaves out what post.edit cannot change. */
static const struct option post_opts[] = {
	{ "at", required_argument, NULL, 'a' },
	{ "tz", required_argument, NULL, 'z' },
	{ "text", required_argument, NULL, 't' },
	{ "text-file", required_argument, NULL, 'T' },
	{ "image", required_argument, NULL, 'i' },
	{ "video", required_argument, NULL, 'v' },
	{ "alt", required_argument, NULL, 'A' },
	{ "reply-to", required_argument, NULL, 'r' },
	{ "reply-control", required_argument, NULL, 'c' },
	{ "quote", required_argument, NULL, 'q' },
	{ "link", required_argument, NULL, 'l' },
	{ "topic", required_argument, NULL, 'o' },
	{ "ghost", no_argument, NULL, 'g' },
	{ "poll", required_argument, NULL, 'p' },
	{ "spoiler", required_argument, NULL, 'S' },
	{ "spoiler-media", no_argument, NULL, 'M' },
	{ "attachment-file", required_argument, NULL, 'F' },
	{ "attachment-link", required_argument, NULL, 'L' },
	{ "gif", required_argument, NULL, 'G' },
	{ "then-text", required_argument, NULL, 'N' },
	{ "thread", required_argument, NULL, 'H' },
	{ "no-ghost", no_argument, NULL, OPT_NO_GHOST },
	{ "no-spoiler-media", no_argument, NULL, OPT_NO_SPOILER_MEDIA },
	{ "no-poll", no_argument, NULL, OPT_NO_POLL },
	{ "no-spoiler", no_argument, NULL, OPT_NO_SPOILER },
	/* In undo_str[]'s order. */
	{ "no-reply-control", no_argument, NULL, OPT_NO_STRING + 0 },
	{ "no-quote", no_argument, NULL, OPT_NO_STRING + 1 },
	{ "no-link", no_argument, NULL, OPT_NO_STRING + 2 },
	{ "no-topic", no_argument, NULL, OPT_NO_STRING + 3 },
	{ "no-attachment-file", no_argument, NULL, OPT_NO_STRING + 4 },
	{ "no-attachment-link", no_argument, NULL, OPT_NO_STRING + 5 },
	{ "no-gif", no_argument, NULL, OPT_NO_STRING + 6 },
	{ NULL, 0, NULL, 0 }
};

/*
 * --thread FILE: one post per paragraph (a blank line ends one), the
 * first the root; into args as text and then_text.  0 or EXIT_USAGE.
 */
static int
read_thread(struct ctl *ctl, const char *path, struct json_object *args)
{
	struct json_object *then = json_object_new_array();
	char *buf, *p, *nl, *start = NULL, *last = NULL;
	size_t n = 0, len;

	if ((buf = read_text_file(path)) == NULL) {
		json_object_put(then);
		return EXIT_USAGE;
	}
	for (p = buf; p != NULL; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (strspn(p, " \t\r") < len) {
			/* A line of the paragraph. */
			if (start == NULL)
				start = p;
			last = p + len;
			if (nl != NULL)
				continue;
		}
		/* A blank line, or the end: the paragraph is done. */
		if (start == NULL)
			continue;
		while (last > start && last[-1] == '\r')
			last--;
		*last = '\0';
		if (n++ == 0)
			ctl_add_str(args, "text", start);
		else
			json_object_array_add(then,
			    json_object_new_string(start));
		start = NULL;
	}
	free(buf);
	if (n == 0) {
		json_object_put(then);
		return ctl_usage_error(ctl, "%s: no paragraph to post", path);
	}
	if (json_object_array_length(then) > 0)
		json_object_object_add(args, "then_text", then);
	else
		json_object_put(then);
	return 0;
}

/* A list given, or emptied (clear: edit's --no-poll, --no-spoiler). */
static void
add_list(struct json_object *args, const char *k, struct json_object *arr,
    int clear)
{
	if (json_object_array_length(arr) > 0 || clear)
		json_object_object_add(args, k, arr);
	else
		json_object_put(arr);
}

/* A flag: 1 given, 0 taken back (edit's --no-ghost), -1 not said. */
static void
add_flag(struct json_object *args, const char *k, int v)
{
	if (v >= 0)
		json_object_object_add(args, k, json_object_new_boolean(v));
}

/*
 * An option and its --no- form (edit only) on one command line: 0, or
 * EXIT_USAGE once said.  given: the option was; undo: --no-name was.
 */
static int
check_undo(struct ctl *ctl, int edit, const char *name, int given, int undo)
{
	if (!undo)
		return 0;
	if (!edit)
		return ctl_usage_error(ctl, "--no-%s is for edit: a new post "
		    "has no %s to take back", name, name);
	if (given)
		return ctl_usage_error(ctl, "give --%s or --no-%s, not both",
		    name, name);
	return 0;
}

/*
 * The post options of argv into args, under their post.schedule names.
 * 0, or EXIT_USAGE once the problem is said; optind is left at the
 * operands.
 */
static int
post_options(struct ctl *ctl, int argc, char **argv, struct json_object *args,
    int edit)
{
	const char *text_file = NULL, *attachment_file = NULL;
	const char *thread = NULL;
	struct json_object *images, *videos, *poll, *spoiler, *then;
	struct json_object *item = NULL;
	char *text = NULL, *attachment = NULL;
	int ch, nmedia = 0, ghost = -1, spoiler_media = -1, r = EXIT_USAGE;
	int no_ghost = 0, no_spoiler_media = 0, no_poll = 0, no_spoiler = 0;
	int no_str[UNDO_STR_N] = { 0 }, given;
	struct json_object *clear;
	size_t i;

	images = json_object_new_array();
	videos = json_object_new_array();
	poll = json_object_new_array();
	spoiler = json_object_new_array();
	then = json_object_new_array();
	clear = json_object_new_array();
	while ((ch = ctl_getopt(ctl, argc, argv, "", post_opts)) != -1) {
		switch (ch) {
		case 'a':
			if (ctl_check_time(ctl, "--at", optarg) != 0)
				goto out;
			ctl_add_str(args, "at", optarg);
			break;
		case 'z':
			if (ctl_check_zone(ctl, "--tz", optarg) != 0)
				goto out;
			ctl_add_str(args, "tz", optarg);
			break;
		case 't':
			ctl_add_str(args, "text", optarg);
			break;
		case 'T':
			text_file = optarg;
			break;
		case 'i':
		case 'v':
			if (nmedia == MEDIA_MAX) {
				ctl_usage_error(ctl, "more than %d media",
				    MEDIA_MAX);
				goto out;
			}
			item = json_object_new_object();
			ctl_add_str(item, "url", optarg);
			json_object_object_add(item, "index",
			    json_object_new_int(nmedia++));
			json_object_array_add(ch == 'i' ? images : videos,
			    item);
			break;
		case 'A':
			if (item == NULL ||
			    json_object_object_get_ex(item, "alt", NULL)) {
				ctl_usage_error(ctl, "--alt follows the "
				    "--image or --video it describes");
				goto out;
			}
			ctl_add_str(item, "alt", optarg);
			break;
		case 'r':
			if (edit) {
				ctl_usage_error(ctl, "edit cannot change what a "
				    "post replies to: cancel it and queue it "
				    "again");
				goto out;
			}
			ctl_add_str(args, "reply_to", optarg);
			break;
		case 'c':
			ctl_add_str(args, "reply_control", optarg);
			break;
		case 'q':
			ctl_add_str(args, "quote", optarg);
			break;
		case 'l':
			ctl_add_str(args, "link", optarg);
			break;
		case 'o':
			ctl_add_str(args, "topic", optarg);
			break;
		case 'g':
			ghost = 1;
			break;
		case 'p':
			json_object_array_add(poll,
			    json_object_new_string(optarg));
			break;
		case 'S':
			json_object_array_add(spoiler,
			    json_object_new_string(optarg));
			break;
		case 'M':
			spoiler_media = 1;
			break;
		case 'F':
			attachment_file = optarg;
			break;
		case 'L':
			ctl_add_str(args, "attachment_link", optarg);
			break;
		case 'G':
			ctl_add_str(args, "gif", optarg);
			break;
		case 'N':
		case 'H':
			if (edit) {
				ctl_usage_error(ctl, "edit changes one post; a "
				    "thread is queued with post");
				goto out;
			}
			if (ch == 'N')
				json_object_array_add(then,
				    json_object_new_string(optarg));
			else
				thread = optarg;
			break;
		case OPT_NO_GHOST:
			no_ghost = 1;
			break;
		case OPT_NO_SPOILER_MEDIA:
			no_spoiler_media = 1;
			break;
		case OPT_NO_POLL:
			no_poll = 1;
			break;
		case OPT_NO_SPOILER:
			no_spoiler = 1;
			break;
		default:
			if (ch < OPT_NO_STRING || ch >= OPT_NO_STRING +
			    (int)UNDO_STR_N)
				goto out;
			no_str[ch - OPT_NO_STRING] = 1;
			break;
		}
	}
	if (check_undo(ctl, edit, "ghost", ghost == 1, no_ghost) != 0 ||
	    check_undo(ctl, edit, "spoiler-media", spoiler_media == 1,
	    no_spoiler_media) != 0 ||
	    check_undo(ctl, edit, "poll", json_object_array_length(poll) > 0,
	    no_poll) != 0 ||
	    check_undo(ctl, edit, "spoiler",
	    json_object_array_length(spoiler) > 0, no_spoiler) != 0)
		goto out;
	for (i = 0; i < UNDO_STR_N; i++) {
		/* The attachment is read from its file below. */
		given = strcmp(undo_str[i].key, "attachment") == 0 ?
		    attachment_file != NULL : json_object_object_get_ex(args,
		    undo_str[i].key, NULL);
		if (check_undo(ctl, edit, undo_str[i].option, given,
		    no_str[i]) != 0)
			goto out;
		if (no_str[i])
			json_object_array_add(clear,
			    json_object_new_string(undo_str[i].key));
	}
	if (no_ghost)
		ghost = 0;
	if (no_spoiler_media)
		spoiler_media = 0;
	if (text_file != NULL && json_object_object_get_ex(args, "text",
	    NULL)) {
		ctl_usage_error(ctl, "give --text or --text-file, not both");
		goto out;
	}
	if (thread != NULL && (text_file != NULL ||
	    json_object_array_length(then) > 0 ||
	    json_object_object_get_ex(args, "text", NULL))) {
		ctl_usage_error(ctl, "--thread gives every text: not with "
		    "--text, --text-file or --then-text");
		goto out;
	}
	if (text_file != NULL && attachment_file != NULL &&
	    strcmp(text_file, "-") == 0 && strcmp(attachment_file, "-") == 0) {
		ctl_usage_error(ctl, "only one of --text-file and "
		    "--attachment-file can read standard input");
		goto out;
	}
	if ((text_file != NULL && (text = read_text_file(text_file)) ==
	    NULL) || (attachment_file != NULL &&
	    (attachment = read_text_file(attachment_file)) == NULL) ||
	    (thread != NULL && read_thread(ctl, thread, args) != 0))
		goto out;
	ctl_add_str(args, "text", text);
	ctl_add_str(args, "attachment", attachment);
	add_flag(args, "ghost", ghost);
	add_flag(args, "spoiler_media", spoiler_media);
	add_list(args, "images", images, 0);
	add_list(args, "videos", videos, 0);
	add_list(args, "poll", poll, no_poll);
	add_list(args, "spoiler", spoiler, no_spoiler);
	add_list(args, "then_text", then, 0);
	add_list(args, "clear", clear, 0);
	images = videos = poll = spoiler = then = clear = NULL;
	r = 0;
out:
	free(text);
	free(attachment);
	json_object_put(images);
	json_object_put(videos);
	json_object_put(poll);
	json_object_put(spoiler);
	json_object_put(then);
	json_object_put(clear);
	return r;
}

int
cmd_post(struct ctl *ctl, int argc, char **argv)
{
	const char *missing = "post needs ACCOUNT and --at TIME";
	struct json_object *args = json_object_new_object();

	if (post_options(ctl, argc, argv, args, 0) != 0)
		goto bad;
	if (!json_object_object_get_ex(args, "at", NULL)) {
		ctl_usage_error(ctl, "%s", missing);
		goto bad;
	}
	if (ctl_operands(ctl, argc, argv, 1, missing) != 0)
		goto bad;
	ctl_add_str(args, "account", argv[optind]);
	return ctl_call_print(ctl, "post.schedule", args,
	    ctl->out->scheduled);
bad:
	json_object_put(args);
	return EXIT_USAGE;
}

int
cmd_edit(struct ctl *ctl, int argc, char **argv)
{
	struct json_object *args = json_object_new_object();

	if (post_options(ctl, argc, argv, args, 1) != 0)
		goto bad;
	if (ctl_operands(ctl, argc, argv, 1, "edit needs ID") != 0 ||
	    ctl_check_post_id(ctl, "ID", argv[optind]) != 0)
		goto bad;
	ctl_add_str(args, "id", argv[optind]);
	return ctl_call_print(ctl, "post.edit", args, ctl->out->post);
bad:
	json_object_put(args);
	return EXIT_USAGE;
}

int
cmd_repost(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ "tz", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 }
	};
	const char *missing = "repost needs ACCOUNT, MEDIA_ID and --at TIME";
	const char *at = NULL, *tz = NULL;
	struct json_object *args;
	int ch;

	while ((ch = ctl_getopt(ctl, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'a':
			at = optarg;
			if (ctl_check_time(ctl, "--at", at) != 0)
				return EXIT_USAGE;
			break;
		case 'z':
			tz = optarg;
			if (ctl_check_zone(ctl, "--tz", tz) != 0)
				return EXIT_USAGE;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (at == NULL)
		return ctl_usage_error(ctl, "%s", missing);
	if (ctl_operands(ctl, argc, argv, 2, missing) != 0)
		return EXIT_USAGE;
	args = ctl_args("account", argv[optind]);
	ctl_add_str(args, "repost", argv[optind + 1]);
	ctl_add_str(args, "at", at);
	ctl_add_str(args, "tz", tz);
	return ctl_call_print(ctl, "post.schedule", args,
	    ctl->out->scheduled);
}

/*
 * What queue and calendar share: whose posts (ACCOUNT or --account,
 * else every account's) and the zone their times are shown in (--tz).
 */
struct view {
	const char	*account;
	const char	*tz;
};

/*
 * ctl_getopt() that takes the view's options ('A', 'z') itself: the
 * next other option, -1 at the end, or '?' once the problem is said.
 */
static int
view_getopt(struct ctl *ctl, int argc, char **argv,
    const struct option *opts, struct view *v)
{
	int ch;

	while ((ch = ctl_getopt(ctl, argc, argv, "", opts)) == 'A' ||
	    ch == 'z') {
		if (ch == 'z' && ctl_check_zone(ctl, "--tz", optarg) != 0)
			return '?';
		*(ch == 'A' ? &v->account : &v->tz) = optarg;
	}
	return ch;
}

/*
 * The request's arguments after the options: {"account"} from the
 * operand, unless --account gave it; NULL once the problem is said.
 */
static struct json_object *
view_args(struct ctl *ctl, int argc, char **argv, struct view *v)
{
	if (optind < argc - 1) {
		ctl_usage_error(ctl, "unexpected argument '%s'",
		    argv[optind + 1]);
		return NULL;
	}
	if (optind == argc - 1 && v->account != NULL) {
		ctl_usage_error(ctl, "give ACCOUNT or --account, not both");
		return NULL;
	}
	if (optind == argc - 1)
		v->account = argv[optind];
	return ctl_args("account", v->account);
}

int
cmd_queue(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },
		{ "account", required_argument, NULL, 'A' },
		{ "from", required_argument, NULL, 'f' },
		{ "until", required_argument, NULL, 'u' },
		{ "tz", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 }
	};
	struct view v = { NULL, NULL };
	struct json_object *args;
	const char *state = NULL, *from = NULL, *until = NULL;
	long limit = -1;
	int ch;

	while ((ch = view_getopt(ctl, argc, argv, opts, &v)) != -1) {
		switch (ch) {
		case 's':
			state = optarg;
			if (ctl_check_state(ctl, "--state", state) != 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (ctl_check_count(ctl, "--limit", optarg,
			    &limit) != 0)
				return EXIT_USAGE;
			break;
		case 'f':
		case 'u':
			if (ctl_check_time(ctl, ch == 'f' ? "--from" :
			    "--until", optarg) != 0)
				return EXIT_USAGE;
			*(ch == 'f' ? &from : &until) = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if ((args = view_args(ctl, argc, argv, &v)) == NULL)
		return EXIT_USAGE;
	ctl_add_str(args, "state", state);
	ctl_add_str(args, "from", from);
	ctl_add_str(args, "until", until);
	ctl_add_str(args, "tz", v.tz);
	if (limit >= 0)
		json_object_object_add(args, "limit",
		    json_object_new_int64(limit));
	return ctl_call_print(ctl, "post.list", args, ctl->out->posts);
}

int
cmd_show_post(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	if (ctl_check_post_id(ctl, "ID", argv[1]) != 0)
		return EXIT_USAGE;
	return ctl_call_print(ctl, "post.show", ctl_args("id", argv[1]),
	    ctl->out->post);
}

static void
show_cancelled(struct ctl *ctl, struct json_object *res)
{
	struct json_object *ids;
	char msg[512];
	size_t i, n, off;

	json_object_object_get_ex(res, "cancelled", &ids);
	n = json_object_array_length(ids);
	off = (size_t)snprintf(msg, sizeof(msg), "cancelled post%s",
	    n == 1 ? "" : "s");
	for (i = 0; i < n && off < sizeof(msg); i++)
		off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s %s",
		    i == 0 ? "" : ",", json_object_get_string(
		    json_object_array_get_idx(ids, i)));
	ctl->out->done(res, msg);
}

static int would_cancel;

static void
count_would(struct ctl *ctl, struct json_object *res)
{
	struct json_object *ids;

	(void)ctl;
	if (json_object_object_get_ex(res, "would_cancel", &ids))
		would_cancel = (int)json_object_array_length(ids);
}

int
cmd_cancel(struct ctl *ctl, int argc, char **argv)
{
	struct json_object *args;
	int yes, r;

	if (ctl_yes_operand(ctl, argc, argv, "cancel needs ID", &yes) != 0 ||
	    ctl_check_post_id(ctl, "ID", argv[optind]) != 0)
		return EXIT_USAGE;
	/* On a terminal, ask before taking queued replies along. */
	if (!yes && isatty(STDIN_FILENO)) {
		args = ctl_args("id", argv[optind]);
		json_object_object_add(args, "dry_run",
		    json_object_new_boolean(1));
		if ((r = ctl_call(ctl, "post.cancel", args, count_would)) != 0)
			return r;
		if (would_cancel > 1) {
			if ((r = ctl_confirm("nothing cancelled", "Post %s has "
			    "%d queued repl%s. Cancel %s too?", argv[optind],
			    would_cancel - 1, would_cancel == 2 ? "y" : "ies",
			    would_cancel == 2 ? "it" : "them")) != 0)
				return r;
			yes = 1;
		}
	}
	args = ctl_args("id", argv[optind]);
	if (yes)
		json_object_object_add(args, "replies",
		    json_object_new_boolean(1));
	return ctl_call(ctl, "post.cancel", args, show_cancelled);
}

int
cmd_retry(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	if (ctl_check_post_id(ctl, "ID", argv[1]) != 0)
		return EXIT_USAGE;
	return ctl_call_print(ctl, "post.retry", ctl_args("id", argv[1]),
	    ctl->out->post);
}

int
cmd_calendar(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'A' },
		{ "days", required_argument, NULL, 'd' },
		{ "weeks", required_argument, NULL, 'w' },
		{ "tz", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 }
	};
	struct view v = { NULL, NULL };
	struct json_object *args;
	long days = -1, n;
	int ch;

	while ((ch = view_getopt(ctl, argc, argv, opts, &v)) != -1) {
		switch (ch) {
		case 'd':
		case 'w':
			if (ctl_check_count(ctl, ch == 'd' ? "--days" :
			    "--weeks", optarg, &n) != 0)
				return EXIT_USAGE;
			days = ch == 'd' ? n : n * 7;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if ((args = view_args(ctl, argc, argv, &v)) == NULL)
		return EXIT_USAGE;
	ctl_add_str(args, "tz", v.tz);
	if (days >= 0)
		json_object_object_add(args, "days",
		    json_object_new_int64(days));
	return ctl_call_print(ctl, "post.calendar", args,
	    ctl->out->calendar);
}
