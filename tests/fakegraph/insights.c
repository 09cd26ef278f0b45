/*
 * insights: GET /{user}/threads_insights and GET /{media-id}/insights
 * (threads-api.md 4, 9.5, 9.6).
 *
 * It owns the three user-metric shapes (values[] for views, total_value,
 * link_total_values for clicks) and the "no insights" refusal, whose
 * exact payload is [UNCERTAIN] upstream: see README.md.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "fgreq.h"
#include "handlers.h"
#include "media.h"
#include "reply.h"
#include "store.h"

#define INSIGHTS_SINCE_MIN	1712991600	/* 2024-04-13 */
#define SERIES_MAX_DAYS		93

enum umetric {
	UM_VIEWS, UM_LIKES, UM_REPLIES, UM_REPOSTS, UM_QUOTES, UM_CLICKS,
	UM_FOLLOWERS, UM_DEMOGRAPHICS, UM_COUNT
};

static const struct {
	const char	*name;
	const char	*description;
} umetrics[UM_COUNT] = {
	{ "views", "The number of times your profile was viewed." },
	{ "likes", "The number of likes on your posts." },
	{ "replies", "The number of replies on your posts." },
	{ "reposts", "The number of times your posts were reposted." },
	{ "quotes", "The number of times your posts were quoted." },
	{ "clicks", "The number of times users clicked on a link." },
	{ "followers_count",
	    "This is your total number of followers on Threads." },
	{ "follower_demographics",
	    "The demographic characteristics of your followers." },
};

static void
feature_not_available(struct fgreq *r)
{
	struct gerr	g = { 400, "THApiException", 10, 0, 0,
	    "THREADS_API__FEATURE_NOT_AVAILABLE", NULL };

	g.user_msg = "Insights are not available for this profile.";
	reply_gerr(r, &g, "(#10) THREADS_API__FEATURE_NOT_AVAILABLE: this "
	    "metric is not available for this profile");
}

/* Parse metric= into a list in request order, duplicates dropped. */
static int
parse_metrics(struct fgreq *r, const char *s, int *list, int *ret_n)
{
	const char	*p, *end;
	size_t		 len;
	int		 n = 0, i, m;

	for (p = s; *p != '\0'; p = end) {
		while (*p == ',' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, ", ");
		end = p + len;
		for (m = 0; m < UM_COUNT; m++)
			if (strlen(umetrics[m].name) == len &&
			    strncmp(umetrics[m].name, p, len) == 0)
				break;
		if (m == UM_COUNT) {
			reply_error(r, 400, "THApiException", 100, 0,
			    "(#100) metric[%d] must be one of the following "
			    "values: views, likes, replies, reposts, quotes, "
			    "clicks, followers_count, follower_demographics",
			    n);
			return -1;
		}
		for (i = 0; i < n; i++)
			if (list[i] == m)
				break;
		if (i == n)
			list[n++] = m;
	}
	if (n == 0) {
		reply_error(r, 400, "THApiException", 100, 0,
		    "(#100) The parameter metric is required");
		return -1;
	}
	*ret_n = n;
	return 0;
}

static json_object *
value_object(int64_t v)
{
	json_object	*o;

	if ((o = json_object_new_object()) != NULL)
		json_add_int(o, "value", v);
	return o;
}

/* views: one value per day, end_time at 07:00 UTC like the samples. */
static json_object *
views_series(const struct fguser *u, int64_t since, int64_t until)
{
	json_object	*arr, *o;
	int64_t		 day;
	char		 ts[40];
	int		 n;

	if ((arr = json_object_new_array()) == NULL)
		return NULL;
	day = since - since % 86400;
	for (n = 0; day <= until && n < SERIES_MAX_DAYS; day += 86400, n++) {
		if ((o = value_object(u->views)) == NULL)
			break;
		fgclock_fmt_graph(day + 86400 + 7 * 3600, ts, sizeof(ts));
		json_add_str(o, "end_time", ts);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* clicks: split over two links so that clients must sum them. */
static json_object *
clicks_links(const struct fguser *u)
{
	json_object	*arr, *o;
	int64_t		 second = u->clicks / 3;

	if ((arr = json_object_new_array()) == NULL)
		return NULL;
	if (u->clicks - second > 0 &&
	    (o = value_object(u->clicks - second)) != NULL) {
		json_add_str(o, "link_url", "https://example.com/");
		json_object_array_add(arr, o);
	}
	if (second > 0 && (o = value_object(second)) != NULL) {
		json_add_str(o, "link_url", "https://example.org/news");
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Shape [UNCERTAIN]: Instagram's breakdowns, as clients parse it. */
static json_object *
demographics(const struct fguser *u, const char *dim)
{
	json_object	*tv, *bds, *bd, *keys, *res, *row, *vals;
	static const char *const top[] = { "US", "BR", "GB" };
	int64_t		 left = u->followers, v;
	int		 i;

	tv = json_object_new_object();
	bds = json_object_new_array();
	bd = json_object_new_object();
	keys = json_object_new_array();
	res = json_object_new_array();
	json_object_array_add(keys, json_object_new_string(dim));
	for (i = 0; i < 3; i++) {
		v = i == 2 ? left : u->followers * (i == 0 ? 6 : 3) / 10;
		left -= v;
		row = json_object_new_object();
		vals = json_object_new_array();
		json_object_array_add(vals, json_object_new_string(top[i]));
		json_object_object_add(row, "dimension_values", vals);
		json_add_int(row, "value", v);
		json_object_array_add(res, row);
	}
	json_object_object_add(bd, "dimension_keys", keys);
	json_object_object_add(bd, "results", res);
	json_object_array_add(bds, bd);
	json_object_object_add(tv, "breakdowns", bds);
	return tv;
}

static int64_t
umetric_total(const struct fguser *u, int m)
{
	switch (m) {
	case UM_LIKES:
		return u->likes;
	case UM_REPLIES:
		return u->replies;
	case UM_REPOSTS:
		return u->reposts;
	case UM_QUOTES:
		return u->quotes;
	default:
		return u->followers;
	}
}

static int
insights_args(struct fgreq *r, const struct fguser *u, const int *list,
    int n, int64_t *since, int64_t *until, const char **breakdown)
{
	int64_t	now = fgclock_now();
	int	i;

	if (req_int(r, "since", now - 86400, INSIGHTS_SINCE_MIN,
	    INT64_MAX / 4, since) < 0 || req_int(r, "until", now,
	    INSIGHTS_SINCE_MIN, INT64_MAX / 4, until) < 0 || *since > *until) {
		reply_error(r, 400, "THApiException", 100, 0, "(#100) Params "
		    "since and until must be Unix times >= %d, since <= until",
		    INSIGHTS_SINCE_MIN);
		return -1;
	}
	*breakdown = req_param(r, "breakdown");
	for (i = 0; i < n; i++) {
		if (u->insights == INSIGHTS_OFF ||
		    (u->insights == INSIGHTS_NOFOLLOWERS &&
		    (list[i] == UM_FOLLOWERS || list[i] == UM_DEMOGRAPHICS))) {
			feature_not_available(r);
			return -1;
		}
		if (list[i] != UM_DEMOGRAPHICS)
			continue;
		if (*breakdown == NULL || (strcmp(*breakdown, "country") != 0 &&
		    strcmp(*breakdown, "city") != 0 &&
		    strcmp(*breakdown, "age") != 0 &&
		    strcmp(*breakdown, "gender") != 0)) {
			reply_error(r, 400, "THApiException", 100, 0,
			    "(#100) follower_demographics needs breakdown= "
			    "one of country, city, age, gender");
			return -1;
		}
		if (u->followers < 100) {
			reply_error(r, 400, "THApiException", 100, 0,
			    "(#100) follower_demographics needs at least 100 "
			    "followers");
			return -1;
		}
	}
	return 0;
}

/* GET /{user}/threads_insights?metric=a,b[&since=&until=&breakdown=] */
void
insights_user(struct fgreq *r)
{
	const char	*metric, *breakdown;
	struct fguser	*u;
	json_object	*top, *arr, *o;
	int64_t		 since, until;
	int		 list[UM_COUNT], n, i, m;
	char		 id[96];

	if ((u = route_self(r, 0)) == NULL)
		return;
	metric = req_param(r, "metric");
	if (parse_metrics(r, metric != NULL ? metric : "", list, &n) < 0 ||
	    insights_args(r, u, list, n, &since, &until, &breakdown) < 0)
		return;
	top = json_object_new_object();
	if ((arr = json_object_new_array()) == NULL || top == NULL) {
		json_object_put(top);
		reply_json(r, 500, NULL);
		return;
	}
	json_object_object_add(top, "data", arr);
	for (i = 0; i < n; i++) {
		m = list[i];
		if ((o = json_object_new_object()) == NULL)
			break;
		json_add_str(o, "name", umetrics[m].name);
		json_add_str(o, "period", "day");
		if (m == UM_VIEWS)
			json_object_object_add(o, "values",
			    views_series(u, since, until));
		json_add_str(o, "title", umetrics[m].name);
		json_add_str(o, "description", umetrics[m].description);
		if (m == UM_CLICKS)
			json_object_object_add(o, "link_total_values",
			    clicks_links(u));
		else if (m == UM_DEMOGRAPHICS)
			json_object_object_add(o, "total_value",
			    demographics(u, breakdown));
		else if (m != UM_VIEWS)
			json_object_object_add(o, "total_value",
			    value_object(umetric_total(u, m)));
		snprintf(id, sizeof(id), "%s/insights/%s/day", u->idstr,
		    umetrics[m].name);
		json_add_str(o, "id", id);
		json_object_array_add(arr, o);
	}
	reply_json(r, 200, top);
}

/* GET /{media-id}/insights?metric= (4.2): lifetime, values:[{value}]. */
void
insights_media(struct fgreq *r)
{
	static const char *const names[] = { "views", "likes", "replies",
	    "reposts", "quotes", "shares", NULL };
	static const char *const titles[] = { "Views", "Likes", "Replies",
	    "Reposts", "Quotes", "Shares" };
	const struct fgmedia	*m;
	const char		*metric, *p;
	json_object		*top, *arr, *o, *vals;
	int64_t			 v[6];
	size_t			 len;
	int			 i;
	char			 id[96];

	m = media_get(r->segv[0]);
	if (m == NULL || m->deleted || m->owner != r->user) {
		route_unsupported(r, r->segv[0]);
		return;
	}
	if ((metric = req_param(r, "metric")) == NULL || *metric == '\0') {
		reply_error(r, 400, "THApiException", 100, 0,
		    "(#100) The parameter metric is required");
		return;
	}
	v[0] = m->views, v[1] = m->likes, v[2] = m->replies;
	v[3] = m->reposts, v[4] = m->quotes, v[5] = m->shares;
	top = json_object_new_object();
	arr = json_object_new_array();
	json_object_object_add(top, "data", arr);
	for (p = metric; *p != '\0'; p += len) {
		while (*p == ',')
			p++;
		if ((len = strcspn(p, ",")) == 0)
			break;
		for (i = 0; names[i] != NULL; i++)
			if (strlen(names[i]) == len &&
			    strncmp(names[i], p, len) == 0)
				break;
		if (names[i] == NULL) {
			json_object_put(top);
			reply_error(r, 400, "THApiException", 100, 0,
			    "(#100) metric must be one of the following "
			    "values: views, likes, replies, reposts, quotes, "
			    "shares");
			return;
		}
		o = json_object_new_object();
		vals = json_object_new_array();
		json_add_str(o, "name", names[i]);
		json_add_str(o, "period", "lifetime");
		json_object_array_add(vals, value_object(v[i]));
		json_object_object_add(o, "values", vals);
		json_add_str(o, "title", titles[i]);
		json_add_str(o, "description", "Lifetime total for this post.");
		snprintf(id, sizeof(id), "%s/insights/%s/lifetime", m->idstr,
		    names[i]);
		json_add_str(o, "id", id);
		json_object_array_add(arr, o);
	}
	reply_json(r, 200, top);
}
