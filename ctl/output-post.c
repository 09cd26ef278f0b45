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
#define TEXT_MIN	12	/* the text column never gets narrower */

/*
 * The start of the text on one line, at most `max` characters (3 or
 * more), cut on a character boundary; a reply says what it replies to.
 */
static void
text_cell(struct json_object *p, size_t max, char *buf, size_t len)
{
	const char *text = output_field(p, "text");
	const char *parent = output_field(p, "reply_to_post");
	size_t i, n = 0, chars = 0, cut = 0;

	if (parent == NULL && output_field(p, "reply_to") != NULL)
		parent = "media";
	if (text == NULL && parent == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	if (parent != NULL)
		snprintf(buf, len, "re %s: %s", parent,
		    text != NULL ? text : "");
	else
		snprintf(buf, len, "%s", text);
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '\n' || buf[i] == '\t')
			buf[i] = ' ';
		if (((unsigned char)buf[i] & 0xc0) == 0x80)
			continue;
		if (++chars == max - 2)
			cut = i;	/* where "..." goes if it is too long */
		if (chars > max) {
			n = cut;
			memcpy(buf + n, "...", 4);
			return;
		}
	}
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

/* "in 7 min" for what is to come, "2 h ago" for what is past. */
static void
due_cell(struct json_object *p, char *buf, size_t len)
{
	const char *s = output_field(p, "due_at");
	int64_t t;

	if (s == NULL || timefmt_parse(s, 0, &t) < 0)
		snprintf(buf, len, "-");
	else
		duration_relative(t, time(NULL), buf, len);
}

static void
post_row(struct json_object *p, size_t text_max, char cells[POST_COLS][256])
{
	snprintf(cells[0], 256, "%s", output_dash(output_field(p, "id")));
	snprintf(cells[1], 256, "%s", output_dash(output_field(p, "username")));
	snprintf(cells[2], 256, "%s", output_dash(output_field(p, "state")));
	due_cell(p, cells[3], 256);
	snprintf(cells[4], 256, "%s", output_dash(output_field(p, "kind")));
	snprintf(cells[5], 256, "%s", output_dash(output_field(p, "attempts")));
	text_cell(p, text_max, cells[6], 256);
}

void
output_human_posts(struct json_object *r)
{
	static const char *const head[POST_COLS] = {
		"ID", "ACCOUNT", "STATE", "DUE", "KIND", "TRIES", "TEXT"
	};
	struct json_object *arr, *more, *later;
	char cells[POST_COLS][256];
	size_t w[POST_COLS], i, j, n, used, text_max;
	const char *on;

	if (!json_object_object_get_ex(r, "posts", &arr) ||
	    (n = json_object_array_length(arr)) == 0) {
		printf("no posts\n");
		return;
	}
	for (j = 0; j < POST_COLS; j++)
		w[j] = strlen(head[j]);
	for (i = 0; i < n; i++) {
		post_row(json_object_array_get_idx(arr, i), 200, cells);
		for (j = 0; j + 1 < POST_COLS; j++)
			if (width(cells[j]) > w[j])
				w[j] = width(cells[j]);
	}
	/* The text gets what the other columns leave of the width. */
	for (used = 0, j = 0; j + 1 < POST_COLS; j++)
		used += w[j] + 2;
	text_max = output_width() > used + TEXT_MIN ? output_width() - used :
	    TEXT_MIN;
	for (j = 0; j < POST_COLS; j++)
		printf("%-*s%s", j + 1 < POST_COLS ? (int)w[j] : 0, head[j],
		    j + 1 < POST_COLS ? "  " : "\n");
	for (i = 0; i < n; i++) {
		post_row(json_object_array_get_idx(arr, i), text_max, cells);
		for (j = 0; j < POST_COLS; j++) {
			on = j == 2 ? output_state_color(cells[j]) : "";
			printf("%s%s%s%*s%s", on, cells[j],
			    output_color_off(on), j + 1 < POST_COLS ?
			    (int)(w[j] - width(cells[j])) : 0, "",
			    j + 1 < POST_COLS ? "  " : "\n");
		}
	}
	if (!json_object_object_get_ex(r, "more", &more))
		more = NULL;
	if (!json_object_object_get_ex(r, "later", &later))
		later = NULL;
	if (more != NULL || later != NULL)
		printf("(%lld earlier and %lld later posts not shown: "
		    "--limit 0 shows all)\n",
		    (long long)json_object_get_int64(more),
		    (long long)json_object_get_int64(later));
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
	if (output_field(p, "reply_to_post") != NULL) {
		snprintf(buf, sizeof(buf), "post %s",
		    output_field(p, "reply_to_post"));
		label("reply to:", buf);
	} else if (output_field(p, "reply_to") != NULL) {
		snprintf(buf, sizeof(buf), "media %s",
		    output_field(p, "reply_to"));
		label("reply to:", buf);
	}
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
