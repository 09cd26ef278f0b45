/*
 * The human forms of posts: the queue as a table, one post as labels,
 * and what post.schedule answered (its warnings go to stderr, since they
 * are about the command, not its result).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/duration.h"
#include "common/timefmt.h"
#include "output.h"

#define POST_COLS	7
#define TEXT_WIDTH	40

/* The start of the text on one line, cut on a character boundary. */
static void
text_cell(const char *text, char *buf, size_t len)
{
	size_t i, n = 0, chars = 0;

	if (text == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	for (i = 0; text[i] != '\0' && n + 5 < len; i++) {
		if (((unsigned char)text[i] & 0xc0) != 0x80 &&
		    ++chars > TEXT_WIDTH) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		buf[n++] = text[i] == '\n' || text[i] == '\t' ? ' ' : text[i];
	}
	buf[n] = '\0';
}

/* Display width: characters, not bytes. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
post_row(struct json_object *p, char cells[POST_COLS][256])
{
	snprintf(cells[0], 256, "%s", output_dash(output_field(p, "id")));
	snprintf(cells[1], 256, "%s", output_dash(output_field(p, "username")));
	snprintf(cells[2], 256, "%s", output_dash(output_field(p, "state")));
	snprintf(cells[3], 256, "%s", output_dash(output_field(p, "due_at")));
	snprintf(cells[4], 256, "%s", output_dash(output_field(p, "kind")));
	snprintf(cells[5], 256, "%s", output_dash(output_field(p, "attempts")));
	text_cell(output_field(p, "text"), cells[6], 256);
}

void
output_human_posts(struct json_object *r)
{
	static const char *const head[POST_COLS] = {
		"ID", "ACCOUNT", "STATE", "DUE", "KIND", "ATTEMPTS", "TEXT"
	};
	struct json_object *arr, *more;
	char cells[POST_COLS][256];
	size_t w[POST_COLS], i, j, n;
	const char *on;

	if (!json_object_object_get_ex(r, "posts", &arr) ||
	    (n = json_object_array_length(arr)) == 0) {
		printf("no posts\n");
		return;
	}
	for (j = 0; j < POST_COLS; j++)
		w[j] = strlen(head[j]);
	for (i = 0; i < n; i++) {
		post_row(json_object_array_get_idx(arr, i), cells);
		for (j = 0; j < POST_COLS; j++)
			if (width(cells[j]) > w[j])
				w[j] = width(cells[j]);
	}
	for (j = 0; j < POST_COLS; j++)
		printf("%-*s%s", j + 1 < POST_COLS ? (int)w[j] : 0, head[j],
		    j + 1 < POST_COLS ? "  " : "\n");
	for (i = 0; i < n; i++) {
		post_row(json_object_array_get_idx(arr, i), cells);
		for (j = 0; j < POST_COLS; j++) {
			on = j == 2 ? output_state_color(cells[j]) : "";
			printf("%s%s%s%*s%s", on, cells[j],
			    output_color_off(on), j + 1 < POST_COLS ?
			    (int)(w[j] - width(cells[j])) : 0, "",
			    j + 1 < POST_COLS ? "  " : "\n");
		}
	}
	if (json_object_object_get_ex(r, "more", &more))
		printf("(%lld earlier posts not shown: use --limit 0 for "
		    "all)\n", (long long)json_object_get_int64(more));
}

static void
label(const char *name, const char *value)
{
	printf("%-14s %s\n", name, output_dash(value));
}

/* "2026-11-23T08:00:00Z (in 3 min)" */
static const char *
when(struct json_object *p, const char *key, char *buf, size_t len)
{
	const char *s = output_field(p, key);
	char rel[48];
	int64_t t;

	if (s == NULL || timefmt_parse(s, 0, &t) < 0)
		return NULL;
	snprintf(buf, len, "%s (%s)", s, duration_relative(t, time(NULL),
	    rel, sizeof(rel)));
	return buf;
}

void
output_human_post(struct json_object *p)
{
	char buf[96];
	const char *on = output_state_color(output_field(p, "state"));

	label("post:", output_field(p, "id"));
	label("account:", output_field(p, "username"));
	label("user id:", output_field(p, "user_id"));
	printf("%-14s %s%s%s\n", "state:", on, output_dash(output_field(p, "state")),
	    output_color_off(on));
	label("due:", when(p, "due_at", buf, sizeof(buf)));
	label("kind:", output_field(p, "kind"));
	label("text:", output_field(p, "text"));
	label("attempts:", output_field(p, "attempts"));
	label("media id:", output_field(p, "media_id"));
	label("permalink:", output_field(p, "permalink"));
	label("published:", when(p, "published_at", buf, sizeof(buf)));
	label("error:", output_field(p, "error"));
}

void
output_human_scheduled(struct json_object *p)
{
	struct json_object *w;
	char buf[96];
	size_t i, n;

	printf("post %s of '%s' scheduled for %s\n", output_dash(output_field(p, "id")),
	    output_dash(output_field(p, "username")), output_dash(when(p, "due_at", buf,
	    sizeof(buf))));
	if (json_object_object_get_ex(p, "warnings", &w)) {
		n = json_object_array_length(w);
		for (i = 0; i < n; i++)
			fprintf(stderr, "threadsctl: warning: %s\n",
			    json_object_get_string(
			    json_object_array_get_idx(w, i)));
	}
}
