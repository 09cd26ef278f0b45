/*
 * The human forms of `stats` and `metrics`.  stats prints the latest
 * numbers with their changes over 1, 7 and 30 days, a chart of one
 * metric (or each) over the period asked for (chart.c), and the history
 * as a table (one
 * row a day, the day's last snapshot, when there are too many for one
 * row each).  metrics prints the daemon's OpenMetrics text as it came,
 * ready to be written into a textfile collector's directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "common/duration.h"
#include "common/timefmt.h"
#include "output.h"

#define NMETRICS	8
#define ROWS_ALL	48	/* up to this many snapshots: a row each */

static const char *const keys[NMETRICS] = {
	"followers_count", "views", "likes", "replies", "reposts", "quotes",
	"clicks", "media_count",
};
static const char *const labels[NMETRICS] = {
	"followers", "views", "likes", "replies", "reposts", "quotes",
	"clicks", "posts",
};
static const char *const heads[NMETRICS] = {
	"FOLLOWERS", "VIEWS", "LIKES", "REPLIES", "REPOSTS", "QUOTES",
	"CLICKS", "POSTS",
};
static const char *const periods[] = { "1d", "7d", "30d" };

static const char *
str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* 1 and *ret when o has an integer under key; 0 for null or absent. */
static int
num(struct json_object *o, const char *key, long long *ret)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	*ret = (long long)json_object_get_int64(v);
	return 1;
}

/*
 * Whether metric i is shown: the daemon sends only the metrics it
 * holds ([poll] metrics), so a column nobody collects is left out.
 */
static int
held(struct json_object *snaps, size_t i)
{
	size_t j, n = json_object_array_length(snaps);

	if (i == 0 || i == NMETRICS - 1)
		return 1;
	for (j = 0; j < n; j++)
		if (json_object_object_get_ex(json_object_array_get_idx(snaps,
		    j), keys[i], NULL))
			return 1;
	return 0;
}

static const char *
cell(struct json_object *o, const char *key, int sign, char *buf,
    size_t len)
{
	long long v;

	if (!num(o, key, &v))
		return "-";
	snprintf(buf, len, sign ? "%+lld" : "%lld", v);
	return buf;
}

static void
header(struct json_object *acct, struct json_object *last)
{
	const char *name = str(acct, "name"), *at;
	char rel[48];
	int64_t t;

	printf("%s%s%s%s, user id %s, %s\n", str(acct, "username"),
	    name ? " (" : "", name ? name : "", name ? ")" : "",
	    str(acct, "user_id"), str(acct, "state"));
	at = str(last, "at");
	if (at != NULL && timefmt_parse(at, 0, &t) == 0)
		printf("last snapshot %s (%s)\n", at,
		    duration_relative(t, time(NULL), rel, sizeof(rel)));
}

static void
changes_table(struct json_object *snaps, struct json_object *last,
    struct json_object *changes)
{
	struct json_object *ch;
	char buf[32];
	size_t i, j;

	printf("\n%-10s %10s %10s %10s %10s\n", "", "now", "1 d", "7 d",
	    "30 d");
	for (i = 0; i < NMETRICS; i++) {
		if (!held(snaps, i))
			continue;
		printf("%-10s %10s", labels[i],
		    cell(last, keys[i], 0, buf, sizeof(buf)));
		for (j = 0; j < sizeof(periods) / sizeof(periods[0]); j++) {
			ch = NULL;
			json_object_object_get_ex(changes, periods[j], &ch);
			printf(" %10s", cell(ch, keys[i], 1, buf,
			    sizeof(buf)));
		}
		printf("\n");
	}
	printf("%-10s %10s   (Threads does not expose it)\n", "following",
	    "-");
	if ((ch = last) != NULL && str(ch, "followers_source") != NULL &&
	    strcmp(str(ch, "followers_source"), "profile_lookup") == 0)
		printf("followers come from profile_lookup: Meta refuses "
		    "them in this account's insights\n");
}

static const char *chart_metric = "followers";	/* "all": each */
static int csv;

void
output_stats_options(const char *metric, int as_csv)
{
	if (metric != NULL)
		chart_metric = metric;
	csv = as_csv;
}

int
output_stats_metric_known(const char *name)
{
	size_t i;

	if (strcmp(name, "all") == 0)
		return 1;
	for (i = 0; i < NMETRICS; i++)
		if (strcmp(labels[i], name) == 0)
			return 1;
	return 0;
}

/* Metric i over the snapshots, from `since` to the last snapshot. */
static void
chart(struct json_object *snaps, size_t i, const char *since)
{
	struct chart_point *p;
	struct json_object *s;
	size_t n = json_object_array_length(snaps), k, m = 0;
	int64_t from, to, t;
	long long x;

	if ((p = calloc(n, sizeof(*p))) == NULL)
		return;
	for (k = 0; k < n; k++) {
		s = json_object_array_get_idx(snaps, k);
		if (str(s, "at") == NULL ||
		    timefmt_parse(str(s, "at"), 0, &t) < 0 ||
		    !num(s, keys[i], &x))
			continue;
		p[m].t = t;
		p[m++].v = x;
	}
	if (m == 0) {
		printf("\n%s: no value in this period\n", labels[i]);
		free(p);
		return;
	}
	if (since == NULL || timefmt_parse(since, 0, &from) < 0 ||
	    from > p[0].t)
		from = p[0].t;
	to = time(NULL);
	if (to < p[m - 1].t)
		to = p[m - 1].t;
	chart_draw(stdout, labels[i], p, m, from, to, output_width(),
	    chart_ascii());
	free(p);
}

/* Every snapshot, one line each, for spreadsheets. */
static void
csv_rows(struct json_object *snaps)
{
	struct json_object *s;
	size_t n = json_object_array_length(snaps), i, j;
	long long v;

	printf("time");
	for (j = 0; j < NMETRICS; j++)
		printf(",%s", labels[j]);
	printf("\n");
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(snaps, i);
		printf("%s", str(s, "at") != NULL ? str(s, "at") : "");
		for (j = 0; j < NMETRICS; j++)
			if (num(s, keys[j], &v))
				printf(",%lld", v);
			else
				printf(",");
		printf("\n");
	}
}

static int
shown(struct json_object *snaps, size_t i, size_t n)
{
	const char *a, *b;

	if (n <= ROWS_ALL || i + 1 == n)
		return 1;
	/* The day's last snapshot: the next one is on another day. */
	a = str(json_object_array_get_idx(snaps, i), "at");
	b = str(json_object_array_get_idx(snaps, i + 1), "at");
	return a == NULL || b == NULL || strncmp(a, b, 10) != 0;
}

static void
history(struct json_object *snaps, const char *since)
{
	struct json_object *s;
	size_t n = json_object_array_length(snaps), i, j;
	int w[NMETRICS];
	const char *c;
	char buf[32];

	printf("\nhistory since %s: %zu snapshot%s%s\n", since, n,
	    n == 1 ? "" : "s", n > ROWS_ALL ? ", one row a day (its last)" :
	    "");
	for (j = 0; j < NMETRICS; j++)
		w[j] = held(snaps, j) ? (int)strlen(heads[j]) : -1;
	for (i = 0; i < n; i++)
		for (j = 0; j < NMETRICS; j++) {
			c = cell(json_object_array_get_idx(snaps, i), keys[j],
			    0, buf, sizeof(buf));
			if (w[j] >= 0 && (int)strlen(c) > w[j])
				w[j] = (int)strlen(c);
		}
	/* "2026-11-23 09:00" (UTC, to the minute), so 8 columns fit 80. */
	printf("%-16s", "TIME (UTC)");
	for (j = 0; j < NMETRICS; j++)
		if (w[j] >= 0)
			printf(" %*s", w[j], heads[j]);
	printf("\n");
	for (i = 0; i < n; i++) {
		if (!shown(snaps, i, n))
			continue;
		s = json_object_array_get_idx(snaps, i);
		c = str(s, "at");
		if (c != NULL && strlen(c) >= 16)
			printf("%.10s %.5s", c, c + 11);
		else
			printf("%-16s", c != NULL ? c : "-");
		for (j = 0; j < NMETRICS; j++)
			if (w[j] >= 0)
				printf(" %*s", w[j], cell(s, keys[j], 0, buf,
				    sizeof(buf)));
		printf("\n");
	}
}

void
output_human_stats(struct json_object *r)
{
	struct json_object *acct = NULL, *snaps = NULL, *changes = NULL;
	struct json_object *last = NULL;
	const char *since = str(r, "since");
	size_t n = 0, i;

	json_object_object_get_ex(r, "account", &acct);
	json_object_object_get_ex(r, "changes", &changes);
	if (json_object_object_get_ex(r, "snapshots", &snaps) &&
	    json_object_is_type(snaps, json_type_array) &&
	    (n = json_object_array_length(snaps)) > 0)
		last = json_object_array_get_idx(snaps, n - 1);
	if (csv) {
		if (n > 0)
			csv_rows(snaps);
		else
			printf("time,followers,views,likes,replies,reposts,"
			    "quotes,clicks,posts\n");
		return;
	}
	header(acct, last);
	if (n == 0) {
		printf("no snapshots since %s; the next poll takes one "
		    "('threadsctl poll %s' does it now)\n",
		    since ? since : "-", str(acct, "username"));
		return;
	}
	changes_table(snaps, last, changes);
	for (i = 0; i < NMETRICS; i++)
		if (strcmp(chart_metric, labels[i]) == 0 ||
		    (strcmp(chart_metric, "all") == 0 && held(snaps, i)))
			chart(snaps, i, since);
	history(snaps, since ? since : "-");
}

void
output_human_metrics(struct json_object *r)
{
	const char *text = str(r, "text");

	if (text != NULL)
		fputs(text, stdout);
}
