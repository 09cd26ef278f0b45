/*
 * Output for people: aligned tables and labels, relative times next to
 * absolute ones.  Reads the daemon's result objects; a field that is
 * missing or null prints as "-".  This file prints the status and the
 * accounts and holds output_human, the table of every human printer
 * (posts: output-post.c, output-calendar.c; stats: output-stats.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/duration.h"
#include "common/timefmt.h"
#include "output.h"

/* "in 3 d" / "2 h ago" for a wire time, or "-". */
static const char *
rel_field(struct json_object *o, const char *key, char *buf, size_t len)
{
	const char *s = output_field(o, key);
	int64_t t;

	if (s == NULL || timefmt_parse(s, 0, &t) < 0)
		return "-";
	return duration_relative(t, time(NULL), buf, len);
}

static void
human_status(struct json_object *r)
{
	struct json_object *posts, *v;
	char up[32], rel[48];
	const char *due, *on;
	int64_t t;
	size_t i, n;
	int first = 1, degraded;

	json_object_object_get_ex(r, "uptime", &v);
	printf("%-10s threadsd %s, up %s\n", "daemon:",
	    output_dash(output_field(r, "version")),
	    duration_format(json_object_get_int64(v), up, sizeof(up)));
	json_object_object_get_ex(r, "degraded", &v);
	degraded = json_object_get_boolean(v);
	on = output_state_color(degraded ? "failed" : "active");
	printf("%-10s %s%s%s\n", "state:", on, degraded ? "degraded: needs "
	    "attention" : "running", output_color_off(on));
	json_object_object_get_ex(r, "accounts", &v);
	printf("%-10s %lld\n", "accounts:",
	    (long long)json_object_get_int64(v));
	/* Only when there are: each is an account at risk. */
	if (json_object_object_get_ex(r, "unsaved_tokens", &v) &&
	    json_object_get_int64(v) > 0)
		printf("%-10s %lld refreshed token%s not saved (the store is "
		    "full; see the journal)\n", "tokens:",
		    (long long)json_object_get_int64(v),
		    json_object_get_int64(v) == 1 ? "" : "s");
	printf("%-10s ", "posts:");
	if (json_object_object_get_ex(r, "posts", &posts)) {
		json_object_object_foreach(posts, state, n) {
			if (json_object_get_int64(n) == 0)
				continue;
			printf("%s%lld %s", first ? "" : ", ",
			    (long long)json_object_get_int64(n), state);
			first = 0;
		}
	}
	printf("%s\n", first ? "none" : "");
	due = output_field(r, "next_due");
	if (due != NULL && timefmt_parse(due, 0, &t) == 0)
		printf("%-10s post %s at %s (%s)\n", "next due:",
		    output_dash(output_field(r, "next_due_post")), due,
		    duration_relative(t, time(NULL), rel, sizeof(rel)));
	else
		printf("%-10s nothing\n", "next due:");
	if (json_object_object_get_ex(r, "attention", &v) &&
	    (n = json_object_array_length(v)) > 0) {
		printf("attention:\n");
		for (i = 0; i < n; i++)
			printf("  %s\n", output_dash(output_field(
			    json_object_array_get_idx(v, i), "message")));
	}
}

#define ACCT_COLS	6

static void
account_row(struct json_object *a, char cells[ACCT_COLS][128])
{
	char rel[48];

	snprintf(cells[0], 128, "%s", output_dash(output_field(a, "username")));
	snprintf(cells[1], 128, "%s", output_dash(output_field(a, "name")));
	snprintf(cells[2], 128, "%s",
	    output_dash(output_field(a, "followers_count")));
	snprintf(cells[3], 128, "%s", output_dash(output_field(a, "state")));
	snprintf(cells[4], 128, "%s",
	    rel_field(a, "token_expires_at", rel, sizeof(rel)));
	/* A revoked account has no token: say when it is forgotten. */
	if (output_field(a, "state") != NULL &&
	    strcmp(output_field(a, "state"), "revoked") == 0)
		snprintf(cells[4], 128, "%s%s", output_field(a, "forget_at") ?
		    "none; erased " : "none; kept", output_field(a,
		    "forget_at") ? rel_field(a, "forget_at", rel, sizeof(rel)) :
		    "");
	snprintf(cells[5], 128, "%s",
	    rel_field(a, "last_poll_at", rel, sizeof(rel)));
}

static void
human_accounts(struct json_object *r)
{
	static const char *const head[ACCT_COLS] = {
		"USERNAME", "NAME", "FOLLOWERS", "STATE", "TOKEN EXPIRES",
		"LAST POLL"
	};
	struct json_object *arr;
	char cells[ACCT_COLS][128];
	const char *on;
	size_t w[ACCT_COLS], i, j, n;

	if (!json_object_object_get_ex(r, "accounts", &arr) ||
	    (n = json_object_array_length(arr)) == 0) {
		printf("no accounts; connect one with 'threadsctl "
		    "add-account'\n");
		return;
	}
	for (j = 0; j < ACCT_COLS; j++)
		w[j] = strlen(head[j]);
	for (i = 0; i < n; i++) {
		account_row(json_object_array_get_idx(arr, i), cells);
		for (j = 0; j < ACCT_COLS; j++)
			if (strlen(cells[j]) > w[j])
				w[j] = strlen(cells[j]);
	}
	for (j = 0; j < ACCT_COLS; j++)
		printf("%-*s%s", (int)w[j], head[j],
		    j + 1 < ACCT_COLS ? "  " : "\n");
	for (i = 0; i < n; i++) {
		account_row(json_object_array_get_idx(arr, i), cells);
		for (j = 0; j < ACCT_COLS; j++) {
			/* Around the padded cell, so columns stay aligned. */
			on = j == 3 ? output_state_color(cells[j]) : "";
			printf("%s%-*s%s%s", on, j + 1 < ACCT_COLS ?
			    (int)w[j] : 0, cells[j], output_color_off(on),
			    j + 1 < ACCT_COLS ? "  " : "\n");
		}
	}
}

static void
human_account(struct json_object *a)
{
	static const char *const counts[][2] = {
		{ "followers:", "followers_count" },
		{ "following:", "following_count" },
		{ "media:", "media_count" },
	};
	const char *on;
	char rel[48];
	size_t i;

	printf("%-16s %s\n", "username:", output_dash(output_field(a, "username")));
	printf("%-16s %s\n", "name:", output_dash(output_field(a, "name")));
	printf("%-16s %s\n", "user id:", output_dash(output_field(a, "user_id")));
	on = output_state_color(output_field(a, "state"));
	printf("%-16s %s%s%s\n", "state:", on,
	    output_dash(output_field(a, "state")), output_color_off(on));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		printf("%-16s %s\n", counts[i][0],
		    output_dash(output_field(a, counts[i][1])));
	printf("%-16s %s (%s)\n", "token expires:",
	    output_dash(output_field(a, "token_expires_at")),
	    rel_field(a, "token_expires_at", rel, sizeof(rel)));
	printf("%-16s %s (%s)\n", "last poll:",
	    output_dash(output_field(a, "last_poll_at")),
	    rel_field(a, "last_poll_at", rel, sizeof(rel)));
	if (output_field(a, "revoked_at") != NULL) {
		printf("%-16s %s (%s)\n", "revoked:",
		    output_field(a, "revoked_at"),
		    rel_field(a, "revoked_at", rel, sizeof(rel)));
		if (output_field(a, "forget_at") != NULL)
			printf("%-16s %s (%s)\n", "erased at:",
			    output_field(a, "forget_at"),
			    rel_field(a, "forget_at", rel, sizeof(rel)));
		else
			printf("%-16s kept until 'threadsctl remove-account' "
			    "([accounts] forget_revoked_after = 0)\n",
			    "erased at:");
	}
	printf("%-16s %s\n", "picture:",
	    output_dash(output_field(a, "profile_picture_url")));
}

static void
human_added(struct json_object *a)
{
	struct json_object *created;
	char rel[48];

	json_object_object_get_ex(a, "created", &created);
	printf("%s '%s' (%s), user id %s; token expires %s\n",
	    json_object_get_boolean(created) ? "connected" :
	    "updated the token of", output_dash(output_field(a, "username")),
	    output_dash(output_field(a, "name")), output_dash(output_field(a, "user_id")),
	    rel_field(a, "token_expires_at", rel, sizeof(rel)));
}

static void
human_done(struct json_object *result, const char *what)
{
	(void)result;
	if (what != NULL)
		printf("%s\n", what);
}

const struct output output_human = {
	.status = human_status,
	.accounts = human_accounts,
	.account = human_account,
	.added = human_added,
	.stats = output_human_stats,
	.metrics = output_human_metrics,
	.posts = output_human_posts,
	.post = output_human_post,
	.scheduled = output_human_scheduled,
	.calendar = output_human_calendar,
	.done = human_done,
};
