/*
 * What the poller and the account checks read (threads-api.md §4, §5,
 * §6.6): /me, user insights, profile_lookup and the /me/threads
 * listing, as rows of one table, with the parsers of their answers.
 * The request core is graph.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/timefmt.h"
#include "daemon/graph/graph-call.h"
#include "daemon/graph/graph.h"

#define GRAPH_ME_FIELDS	"id,username,name,threads_profile_picture_url"

void
graph_profile_clear(struct graph_profile *prof)
{
	if (prof == NULL)
		return;
	free(prof->username);
	free(prof->name);
	free(prof->picture_url);
	memset(prof, 0, sizeof(*prof));
}

/* 0 with *ret NULL when absent or not a string; -ENOMEM. */
static int
graph_dup_string(struct json_object *obj, const char *key, char **ret)
{
	const char	*s;

	*ret = NULL;
	if ((s = graph_get_string(obj, key)) == NULL)
		return 0;
	if ((*ret = strdup(s)) == NULL)
		return -ENOMEM;
	return 0;
}

int
graph_parse_profile(long status, const char *body, size_t len,
    struct graph_profile *ret_prof, struct graph_error *ret_err)
{
	struct json_object	*root, *v;
	struct graph_profile	 prof;
	int			 r = -EPROTO;

	memset(&prof, 0, sizeof(prof));
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if (!json_object_object_get_ex(root, "id", &v)) {
		graph_malformed(ret_err, "missing id");
		goto out;
	}
	if (graph_id(v, prof.id) < 0) {
		graph_malformed(ret_err, "bad id");
		goto out;
	}
	if (graph_dup_string(root, "username", &prof.username) < 0 ||
	    graph_dup_string(root, "name", &prof.name) < 0 ||
	    graph_dup_string(root, "threads_profile_picture_url",
	    &prof.picture_url) < 0) {
		graph_nomem(ret_err);
		goto out;
	}
	*ret_prof = prof;
	memset(&prof, 0, sizeof(prof));
	r = 0;
out:
	graph_profile_clear(&prof);
	json_object_put(root);
	return r;
}

/*
 * The poller's reads: user insights (threads-api.md §4.1, §9.5),
 * profile_lookup (§5.1, §9.7) and the /me/threads listing (§6.6, §9.10).
 * A value that is missing, negative or not an integer stays
 * GRAPH_UNKNOWN: a wrong 0 would show as a real drop in the history.
 */
static int64_t
graph_count(struct json_object *v)
{
	int64_t	n;

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return GRAPH_UNKNOWN;
	n = json_object_get_int64(v);
	return n < 0 ? GRAPH_UNKNOWN : n;
}

/* views is one value a day: the one with the latest end_time wins. */
static int64_t
graph_series_latest(struct json_object *arr)
{
	struct json_object	*e;
	const char		*s;
	int64_t			 best = GRAPH_UNKNOWN, best_t = INT64_MIN, t, v;
	size_t			 i, n;

	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_object) ||
		    (v = graph_count(graph_get(e, "value", json_type_int))) < 0)
			continue;
		/* Without end_time the order of the array decides. */
		if ((s = graph_get_string(e, "end_time")) == NULL ||
		    timefmt_parse(s, 0, &t) < 0)
			t = INT64_MIN / 2 + (int64_t)i;
		if (t >= best_t) {
			best_t = t;
			best = v;
		}
	}
	return best;
}

/* clicks come one entry per link: the total is their sum. */
static int64_t
graph_links_sum(struct json_object *arr)
{
	int64_t	sum = 0, v;
	size_t	i, n;

	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		v = graph_count(graph_get(json_object_array_get_idx(arr, i),
		    "value", json_type_int));
		if (v < 0)
			continue;
		sum = v > INT64_MAX - sum ? INT64_MAX : sum + v;
	}
	return sum;
}

/*
 * One metric, whichever of the three shapes it came in, tried in the
 * order clients parse them: values[], total_value, link_total_values.
 */
static int64_t
graph_metric_value(struct json_object *m)
{
	struct json_object	*v;

	if ((v = graph_get(m, "values", json_type_array)) != NULL &&
	    json_object_array_length(v) > 0)
		return graph_series_latest(v);
	if ((v = graph_get(m, "total_value", json_type_object)) != NULL)
		return graph_count(graph_get(v, "value", json_type_int));
	if ((v = graph_get(m, "link_total_values", json_type_array)) != NULL)
		return graph_links_sum(v);
	return GRAPH_UNKNOWN;
}

int
graph_parse_insights(long status, const char *body, size_t len,
    struct graph_insights *ret_ins, struct graph_error *ret_err)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} metrics[] = {
		{ "views", offsetof(struct graph_insights, views) },
		{ "likes", offsetof(struct graph_insights, likes) },
		{ "replies", offsetof(struct graph_insights, replies) },
		{ "reposts", offsetof(struct graph_insights, reposts) },
		{ "quotes", offsetof(struct graph_insights, quotes) },
		{ "clicks", offsetof(struct graph_insights, clicks) },
		{ "followers_count", offsetof(struct graph_insights,
		    followers) },
	};
	struct json_object	*root, *data, *e;
	struct graph_insights	 ins;
	const char		*name;
	size_t			 i, j, n;

	if ((data = graph_response_data(status, body, len, json_type_array,
	    &root, ret_err)) == NULL)
		return -EPROTO;
	for (j = 0; j < sizeof(metrics) / sizeof(metrics[0]); j++)
		*(int64_t *)(void *)((char *)&ins + metrics[j].off) =
		    GRAPH_UNKNOWN;
	n = json_object_array_length(data);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(data, i);
		if (!json_object_is_type(e, json_type_object) ||
		    (name = graph_get_string(e, "name")) == NULL)
			continue;
		for (j = 0; j < sizeof(metrics) / sizeof(metrics[0]); j++)
			if (strcmp(name, metrics[j].name) == 0)
				*(int64_t *)(void *)((char *)&ins +
				    metrics[j].off) = graph_metric_value(e);
	}
	json_object_put(root);
	*ret_ins = ins;
	return 0;
}

int
graph_parse_lookup(long status, const char *body, size_t len,
    struct graph_lookup *ret_lookup, struct graph_error *ret_err)
{
	struct json_object	*root;

	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	ret_lookup->followers = graph_count(graph_get(root, "follower_count",
	    json_type_int));
	json_object_put(root);
	return 0;
}

void
graph_page_clear(struct graph_page *page)
{
	if (page == NULL)
		return;
	free(page->at);
	free(page->after);
	memset(page, 0, sizeof(*page));
}


/* Meta's cursors are opaque base64 of ~100 bytes; refuse absurd ones. */
#define GRAPH_CURSOR_MAX	2048
/*
 * A page continues when it has an after cursor and either a next URL
 * (Meta) or a full page (the fake, which sends cursors only): so the
 * last page of a listing is not followed by an empty one.
 */
int
graph_parse_page(long status, const char *body, size_t len,
    struct graph_page *ret_page, struct graph_error *ret_err)
{
	struct json_object	*root, *data, *e, *paging;
	struct graph_page	 page;
	const char		*s, *after;
	size_t			 i, n;
	int64_t			 t;
	int			 r = -EPROTO;

	memset(&page, 0, sizeof(page));
	if ((data = graph_response_data(status, body, len, json_type_array,
	    &root, ret_err)) == NULL)
		return -EPROTO;
	n = json_object_array_length(data);
	if ((page.at = calloc(n > 0 ? n : 1, sizeof(*page.at))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(data, i);
		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "id", NULL))
			continue;
		if ((s = graph_get_string(e, "timestamp")) == NULL ||
		    timefmt_parse(s, 0, &t) < 0 || t < 0)
			t = 0;
		page.at[page.n++] = t;
	}
	after = graph_cursor_after(root);
	if (after != NULL && *after != '\0' && page.n > 0 &&
	    (((paging = graph_get(root, "paging", json_type_object)) != NULL &&
	    graph_get_string(paging, "next") != NULL) ||
	    page.n >= GRAPH_PAGE_LIMIT)) {
		if (strlen(after) > GRAPH_CURSOR_MAX) {
			graph_malformed(ret_err, "cursor too long");
			goto out;
		}
		if ((page.after = strdup(after)) == NULL)
			goto nomem;
	}
	*ret_page = page;
	memset(&page, 0, sizeof(page));
	r = 0;
	goto out;
nomem:
	graph_nomem(ret_err);
out:
	graph_page_clear(&page);
	json_object_put(root);
	return r;
}

GRAPH_READER_CLEAR(profile_reader, struct graph_profile,
    graph_parse_profile, graph_profile_cb, graph_profile_clear);
GRAPH_READER(insights_reader, struct graph_insights, graph_parse_insights,
    graph_insights_cb);
GRAPH_READER(lookup_reader, struct graph_lookup, graph_parse_lookup,
    graph_lookup_cb);
GRAPH_READER_CLEAR(page_reader, struct graph_page, graph_parse_page,
    graph_page_cb, graph_page_clear);

enum { USER_ME, USER_INSIGHTS, USER_LOOKUP, USER_PAGE };

static const struct graph_def user_calls[] = {
	[USER_ME] = { "GET", "/v1.0/me", GRAPH_ME_FIELDS, GRAPH_BEARER,
	    &profile_reader },
	[USER_INSIGHTS] = { "GET", "/v1.0/%s/threads_insights?metric=%s",
	    NULL, GRAPH_BEARER | GRAPH_ID, &insights_reader },
	[USER_LOOKUP] = { "GET", "/v1.0/profile_lookup?username=%s",
	    "username,follower_count", GRAPH_BEARER, &lookup_reader },
	[USER_PAGE] = { "GET", "/v1.0/me/threads", "id,timestamp",
	    GRAPH_BEARER, &page_reader },
};

struct graph_call *
graph_me(struct graph *g, const char *token, graph_profile_cb cb, void *arg)
{
	return graph_send(g, &user_calls[USER_ME],
	    &(struct graph_req){ .token = token }, (graph_cb)cb, arg);
}

struct graph_call *
graph_insights(struct graph *g, const char *token, const char *user_id,
    const char *metrics, graph_insights_cb cb, void *arg)
{
	if (metrics == NULL)
		return NULL;
	return graph_send(g, &user_calls[USER_INSIGHTS],
	    &(struct graph_req){ .token = token, .arg1 = user_id,
	    .arg2 = metrics }, (graph_cb)cb, arg);
}

struct graph_call *
graph_profile_lookup(struct graph *g, const char *token,
    const char *username, graph_lookup_cb cb, void *arg)
{
	if (username == NULL)
		return NULL;
	return graph_send(g, &user_calls[USER_LOOKUP],
	    &(struct graph_req){ .token = token, .arg1 = username },
	    (graph_cb)cb, arg);
}

struct graph_call *
graph_threads_page(struct graph *g, const char *token, int64_t since,
    const char *after, graph_page_cb cb, void *arg)
{
	return graph_send(g, &user_calls[USER_PAGE], &(struct graph_req){
	    .token = token, .limit = GRAPH_PAGE_LIMIT, .since_set = since > 0,
	    .since = since, .after = after }, (graph_cb)cb, arg);
}
