/*
 * threadsctl's post commands: post, queue, show-post, cancel, retry.
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
#include "threadsctl.h"

#define TEXT_FILE_MAX	(64 * 1024)	/* far above Meta's 500 bytes */
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

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, k, json_object_new_string(v));
}

static void
show_scheduled(struct ctl *ctl, struct json_object *res)
{
	ctl->out->scheduled(res);
}

int
cmd_post(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
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
		{ NULL, 0, NULL, 0 }
	};
	const char *at = NULL, *tz = NULL, *text = NULL, *text_file = NULL;
	const char *reply_to = NULL, *reply_control = NULL, *quote = NULL;
	const char *link = NULL, *topic = NULL;
	struct json_object *args, *images, *videos, *item = NULL;
	char *file_text = NULL;
	int ch, nmedia = 0, r;

	images = json_object_new_array();
	videos = json_object_new_array();
	while ((ch = ctl_getopt(ctl, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'a':
			at = optarg;
			if (ctl_check_time(ctl, "--at", at) != 0)
				goto bad;
			break;
		case 'z':
			tz = optarg;
			if (ctl_check_zone(ctl, "--tz", tz) != 0)
				goto bad;
			break;
		case 't':
			text = optarg;
			break;
		case 'T':
			text_file = optarg;
			break;
		case 'i':
		case 'v':
			if (nmedia == MEDIA_MAX) {
				ctl_usage_error(ctl, "more than %d media",
				    MEDIA_MAX);
				goto bad;
			}
			item = json_object_new_object();
			add_str(item, "url", optarg);
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
				goto bad;
			}
			add_str(item, "alt", optarg);
			break;
		case 'r':
			reply_to = optarg;
			break;
		case 'c':
			reply_control = optarg;
			break;
		case 'q':
			quote = optarg;
			break;
		case 'l':
			link = optarg;
			break;
		case 'o':
			topic = optarg;
			break;
		default:
			goto bad;
		}
	}
	if (optind == argc || at == NULL) {
		ctl_usage_error(ctl, "post needs ACCOUNT and --at TIME");
		goto bad;
	}
	if (optind != argc - 1) {
		ctl_usage_error(ctl, "unexpected argument '%s'",
		    argv[optind + 1]);
		goto bad;
	}
	if (text != NULL && text_file != NULL) {
		ctl_usage_error(ctl, "give --text or --text-file, not both");
		goto bad;
	}
	if (text_file != NULL && (text = file_text =
	    read_text_file(text_file)) == NULL) {
		json_object_put(images);
		json_object_put(videos);
		return EXIT_USAGE;
	}
	args = json_object_new_object();
	add_str(args, "account", argv[optind]);
	add_str(args, "at", at);
	add_str(args, "tz", tz);
	add_str(args, "text", text);
	if (json_object_array_length(images) > 0)
		json_object_object_add(args, "images", images);
	else
		json_object_put(images);
	if (json_object_array_length(videos) > 0)
		json_object_object_add(args, "videos", videos);
	else
		json_object_put(videos);
	add_str(args, "reply_to", reply_to);
	add_str(args, "reply_control", reply_control);
	add_str(args, "quote", quote);
	add_str(args, "link", link);
	add_str(args, "topic", topic);
	free(file_text);
	r = ctl_call(ctl, "post.schedule", args, show_scheduled);
	return r;
bad:
	json_object_put(images);
	json_object_put(videos);
	return EXIT_USAGE;
}

static void
show_posts(struct ctl *ctl, struct json_object *res)
{
	ctl->out->posts(res);
}

int
cmd_queue(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object *args;
	const char *state = NULL;
	long limit = -1;
	int ch;

	while ((ch = ctl_getopt(ctl, argc, argv, "", opts)) != -1) {
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
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc - 1)
		return ctl_usage_error(ctl, "unexpected argument '%s'",
		    argv[optind + 1]);
	args = json_object_new_object();
	if (optind == argc - 1)
		add_str(args, "account", argv[optind]);
	add_str(args, "state", state);
	if (limit >= 0)
		json_object_object_add(args, "limit",
		    json_object_new_int64(limit));
	return ctl_call(ctl, "post.list", args, show_posts);
}

static struct json_object *
args_id(const char *id)
{
	struct json_object *a = json_object_new_object();

	add_str(a, "id", id);
	return a;
}

static void
show_post(struct ctl *ctl, struct json_object *res)
{
	ctl->out->post(res);
}

int
cmd_show_post(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	if (ctl_check_post_id(ctl, "ID", argv[1]) != 0)
		return EXIT_USAGE;
	return ctl_call(ctl, "post.show", args_id(argv[1]), show_post);
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
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object *args;
	char answer[16];
	int ch, yes = 0, r;

	while ((ch = ctl_getopt(ctl, argc, argv, "y", opts)) != -1) {
		if (ch != 'y')
			return EXIT_USAGE;
		yes = 1;
	}
	if (optind == argc)
		return ctl_usage_error(ctl, "cancel needs ID");
	if (optind != argc - 1)
		return ctl_usage_error(ctl, "unexpected argument '%s'",
		    argv[optind + 1]);
	if (ctl_check_post_id(ctl, "ID", argv[optind]) != 0)
		return EXIT_USAGE;
	/* On a terminal, ask before taking queued replies along. */
	if (!yes && isatty(STDIN_FILENO)) {
		args = args_id(argv[optind]);
		json_object_object_add(args, "dry_run",
		    json_object_new_boolean(1));
		if ((r = ctl_call(ctl, "post.cancel", args, count_would)) != 0)
			return r;
		if (would_cancel > 1) {
			fprintf(stderr, "Post %s has %d queued repl%s. Cancel "
			    "%s too? [y/N] ", argv[optind], would_cancel - 1,
			    would_cancel == 2 ? "y" : "ies",
			    would_cancel == 2 ? "it" : "them");
			if (fgets(answer, sizeof(answer), stdin) == NULL ||
			    (answer[0] != 'y' && answer[0] != 'Y')) {
				fprintf(stderr, "nothing cancelled\n");
				return EXIT_REFUSED;
			}
			yes = 1;
		}
	}
	args = args_id(argv[optind]);
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
	return ctl_call(ctl, "post.retry", args_id(argv[1]), show_post);
}
