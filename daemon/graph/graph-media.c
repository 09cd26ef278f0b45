/*
 * Publishing (threads-api.md §6, §9.8-9.10): containers, their status,
 * the publish and repost calls, the quota, permalinks, and the listing
 * that recovery searches, as rows of one table, with the parsers of
 * their answers.  Whether a publish went out is the scheduler's
 * question; these only report what Meta answered.  The request core is
 * graph.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/timefmt.h"
#include "daemon/graph/graph-call.h"
#include "daemon/graph/graph.h"

const char *
graph_media_read_name(enum graph_media_type t)
{
	switch (t) {
	case GRAPH_MEDIA_TEXT:
		return "TEXT_POST";
	case GRAPH_MEDIA_IMAGE:
		return "IMAGE";
	case GRAPH_MEDIA_VIDEO:
		return "VIDEO";
	case GRAPH_MEDIA_CAROUSEL:
		return "CAROUSEL_ALBUM";
	}
	return "";
}

static const char *
graph_media_create_name(enum graph_media_type t)
{
	switch (t) {
	case GRAPH_MEDIA_TEXT:
		return "TEXT";
	case GRAPH_MEDIA_IMAGE:
		return "IMAGE";
	case GRAPH_MEDIA_VIDEO:
		return "VIDEO";
	case GRAPH_MEDIA_CAROUSEL:
		return "CAROUSEL";
	}
	return "";
}

int
graph_parse_id(long status, const char *body, size_t len,
    char ret_id[GRAPH_ID_LEN], struct graph_error *ret_err)
{
	struct json_object	*root;
	char			 id[GRAPH_ID_LEN];
	int			 r = -EPROTO;

	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if (graph_get_id(root, "id", id) < 0)
		graph_malformed(ret_err, "missing or bad id");
	else {
		memcpy(ret_id, id, GRAPH_ID_LEN);
		r = 0;
	}
	json_object_put(root);
	return r;
}

int
graph_parse_container(long status, const char *body, size_t len,
    struct graph_container *ret_c, struct graph_error *ret_err)
{
	static const char *const names[] = {
		[GRAPH_CONTAINER_IN_PROGRESS] = "IN_PROGRESS",
		[GRAPH_CONTAINER_FINISHED] = "FINISHED",
		[GRAPH_CONTAINER_PUBLISHED] = "PUBLISHED",
		[GRAPH_CONTAINER_ERROR] = "ERROR",
		[GRAPH_CONTAINER_EXPIRED] = "EXPIRED",
	};
	struct json_object	*root;
	struct graph_container	 c;
	const char		*s;
	size_t			 i;
	int			 r = -EPROTO;

	memset(&c, 0, sizeof(c));
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if (graph_get_id(root, "id", c.id) < 0) {
		graph_malformed(ret_err, "missing or bad id");
		goto out;
	}
	if ((s = graph_get_string(root, "status")) == NULL) {
		graph_malformed(ret_err, "missing status");
		goto out;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0])) {
		graph_malformed(ret_err, "unknown container status");
		goto out;
	}
	c.state = (enum graph_container_state)i;
	if ((s = graph_get_string(root, "error_message")) != NULL)
		graph_copy_text(c.error_message, sizeof(c.error_message), s,
		    strlen(s));
	*ret_c = c;
	r = 0;
out:
	json_object_put(root);
	return r;
}

static int64_t
graph_quota_num(struct json_object *obj, const char *key)
{
	struct json_object	*v;
	int64_t			 n;

	if ((v = graph_get(obj, key, json_type_int)) == NULL ||
	    (n = json_object_get_int64(v)) < 0)
		return -1;
	return n;
}

int
graph_parse_quota(long status, const char *body, size_t len,
    struct graph_quota *ret_q, struct graph_error *ret_err)
{
	struct json_object	*root, *data, *e, *cfg;
	struct graph_quota	 q = { -1, -1, -1, -1, -1 };
	int			 r = -EPROTO;

	if ((data = graph_response_data(status, body, len, json_type_array,
	    &root, ret_err)) == NULL)
		return -EPROTO;
	if (json_object_array_length(data) < 1 ||
	    !json_object_is_type(e = json_object_array_get_idx(data, 0),
	    json_type_object)) {
		graph_malformed(ret_err, "missing data");
		goto out;
	}
	q.posts_used = graph_quota_num(e, "quota_usage");
	q.replies_used = graph_quota_num(e, "reply_quota_usage");
	if ((cfg = graph_get(e, "config", json_type_object)) != NULL) {
		q.posts_total = graph_quota_num(cfg, "quota_total");
		q.duration = graph_quota_num(cfg, "quota_duration");
	}
	if ((cfg = graph_get(e, "reply_config", json_type_object)) != NULL)
		q.replies_total = graph_quota_num(cfg, "quota_total");
	*ret_q = q;
	r = 0;
out:
	json_object_put(root);
	return r;
}

int
graph_parse_media(long status, const char *body, size_t len,
    struct graph_media *ret_m, struct graph_error *ret_err)
{
	struct json_object	*root;
	struct graph_media	 m;
	const char		*s;
	int			 r = -EPROTO;

	memset(&m, 0, sizeof(m));
	if ((root = graph_response(status, body, len, ret_err)) == NULL)
		return -EPROTO;
	if (graph_get_id(root, "id", m.id) < 0) {
		graph_malformed(ret_err, "missing or bad id");
		goto out;
	}
	/* Withheld for flagged media (§6.6); a cut URL is no URL. */
	if ((s = graph_get_string(root, "permalink")) != NULL &&
	    strlen(s) < sizeof(m.permalink))
		graph_copy_text(m.permalink, sizeof(m.permalink), s,
		    strlen(s));
	*ret_m = m;
	r = 0;
out:
	json_object_put(root);
	return r;
}

void
graph_threads_clear(struct graph_threads *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->items[i].text);
	free(t->items);
	free(t->after);
	memset(t, 0, sizeof(*t));
}

/* Entries without a usable id are skipped, not fatal: the page is data. */
int
graph_parse_threads(long status, const char *body, size_t len,
    struct graph_threads *ret_t, struct graph_error *ret_err)
{
	struct json_object	*root, *data, *e, *v;
	struct graph_threads	 t;
	struct graph_thread	*it;
	const char		*s;
	size_t			 i, n;
	int			 r = -EPROTO;

	memset(&t, 0, sizeof(t));
	if ((data = graph_response_data(status, body, len, json_type_array,
	    &root, ret_err)) == NULL)
		return -EPROTO;
	n = json_object_array_length(data);
	if (n > 0 && (t.items = calloc(n, sizeof(*t.items))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(data, i);
		it = &t.items[t.n];
		if (!json_object_is_type(e, json_type_object) ||
		    graph_get_id(e, "id", it->id) < 0)
			continue;
		if ((s = graph_get_string(e, "text")) != NULL &&
		    (it->text = strdup(s)) == NULL)
			goto nomem;
		if ((s = graph_get_string(e, "timestamp")) == NULL ||
		    timefmt_parse(s, 0, &it->timestamp) < 0)
			it->timestamp = 0;
		if ((s = graph_get_string(e, "media_type")) != NULL)
			graph_copy_text(it->media_type,
			    sizeof(it->media_type), s, strlen(s));
		if ((v = graph_get(e, "reposted_post",
		    json_type_object)) != NULL &&
		    graph_get_id(v, "id", it->reposted) < 0)
			it->reposted[0] = '\0';
		t.n++;
	}
	if ((s = graph_cursor_after(root)) != NULL && *s != '\0' &&
	    n > 0 && (t.after = strdup(s)) == NULL)
		goto nomem;
	*ret_t = t;
	memset(&t, 0, sizeof(t));
	r = 0;
	goto out;
nomem:
	graph_nomem(ret_err);
out:
	graph_threads_clear(&t);
	json_object_put(root);
	return r;
}

GRAPH_READER(id_reader, char[GRAPH_ID_LEN], graph_parse_id, graph_id_cb);
GRAPH_READER(container_reader, struct graph_container,
    graph_parse_container, graph_container_cb);
GRAPH_READER(quota_reader, struct graph_quota, graph_parse_quota,
    graph_quota_cb);
GRAPH_READER(media_reader, struct graph_media, graph_parse_media,
    graph_media_cb);
GRAPH_READER_CLEAR(threads_reader, struct graph_threads,
    graph_parse_threads, graph_threads_cb, graph_threads_clear);

enum {
	MEDIA_CREATE,
	MEDIA_STATUS,
	MEDIA_PUBLISH,
	MEDIA_REPOST,
	MEDIA_LIMIT,
	MEDIA_PERMALINK,
	MEDIA_THREADS,
};

/* What makes a post is durable: its id must be recorded. */
static const struct graph_def media_calls[] = {
	[MEDIA_CREATE] = { "POST", "/v1.0/me/threads", NULL,
	    GRAPH_BEARER | GRAPH_DURABLE, &id_reader },
	[MEDIA_STATUS] = { "GET", "/v1.0/%s", "id,status,error_message",
	    GRAPH_BEARER | GRAPH_ID, &container_reader },
	[MEDIA_PUBLISH] = { "POST", "/v1.0/me/threads_publish", NULL,
	    GRAPH_BEARER | GRAPH_DURABLE, &id_reader },
	[MEDIA_REPOST] = { "POST", "/v1.0/%s/repost", NULL,
	    GRAPH_BEARER | GRAPH_ID | GRAPH_DURABLE, &id_reader },
	/*
	 * Not the reply fields: they need threads_manage_replies, which
	 * threadsd does not ask for (D-ov); the scheduler counts replies.
	 */
	[MEDIA_LIMIT] = { "GET", "/v1.0/me/threads_publishing_limit",
	    "quota_usage,config", GRAPH_BEARER, &quota_reader },
	[MEDIA_PERMALINK] = { "GET", "/v1.0/%s", "id,permalink",
	    GRAPH_BEARER | GRAPH_ID, &media_reader },
	[MEDIA_THREADS] = { "GET", "/v1.0/me/threads",
	    "id,text,timestamp,media_type,reposted_post", GRAPH_BEARER,
	    &threads_reader },
};

struct graph_call *
graph_create_container(struct graph *g, const char *token,
    const struct graph_container_spec *spec, graph_id_cb cb, void *arg)
{
	const char	*kv[2 * 18 + 1];
	size_t		 n = 0;

#define KV(k, v)	do {						\
	if ((v) != NULL) {						\
		kv[n++] = (k);						\
		kv[n++] = (v);						\
	}								\
} while (0)
	if (spec == NULL)
		return NULL;
	KV("media_type", graph_media_create_name(spec->type));
	KV("text", spec->text);
	KV(spec->type == GRAPH_MEDIA_VIDEO ? "video_url" : "image_url",
	    spec->media_url);
	KV("alt_text", spec->alt_text);
	KV("is_carousel_item", spec->is_carousel_item ? "true" : NULL);
	KV("children", spec->children);
	KV("reply_to_id", spec->reply_to_id);
	KV("reply_control", spec->reply_control);
	KV("quote_post_id", spec->quote_post_id);
	KV("link_attachment", spec->link_attachment);
	KV("topic_tag", spec->topic_tag);
	KV("is_ghost_post", spec->is_ghost_post ? "true" : NULL);
	KV("poll_attachment", spec->poll_attachment);
	KV("text_entities", spec->text_entities);
	KV("is_spoiler_media", spec->is_spoiler_media ? "true" : NULL);
	KV("text_attachment", spec->text_attachment);
	KV("gif_attachment", spec->gif_attachment);
	kv[n] = NULL;
#undef KV
	return graph_send(g, &media_calls[MEDIA_CREATE],
	    &(struct graph_req){ .token = token, .kv = kv }, (graph_cb)cb,
	    arg);
}

struct graph_call *
graph_container_status(struct graph *g, const char *token,
    const char *container_id, graph_container_cb cb, void *arg)
{
	return graph_send(g, &media_calls[MEDIA_STATUS],
	    &(struct graph_req){ .token = token, .arg1 = container_id },
	    (graph_cb)cb, arg);
}

static struct graph_call *
media_publish(struct graph *g, const char *token, const char *container_id,
    int held, graph_id_cb cb, void *arg)
{
	const char	*kv[] = { "creation_id", container_id, NULL };

	/* An id all the same, though it goes in the body. */
	if (!graph_id_ok(container_id))
		return NULL;
	return graph_send(g, &media_calls[MEDIA_PUBLISH],
	    &(struct graph_req){ .token = token, .kv = kv, .held = held },
	    (graph_cb)cb, arg);
}

static struct graph_call *
media_repost(struct graph *g, const char *token, const char *media_id,
    int held, graph_id_cb cb, void *arg)
{
	return graph_send(g, &media_calls[MEDIA_REPOST],
	    &(struct graph_req){ .token = token, .arg1 = media_id,
	    .held = held }, (graph_cb)cb, arg);
}

struct graph_call *
graph_publish(struct graph *g, const char *token, const char *container_id,
    graph_id_cb cb, void *arg)
{
	return media_publish(g, token, container_id, 0, cb, arg);
}

struct graph_call *
graph_publish_held(struct graph *g, const char *token,
    const char *container_id, graph_id_cb cb, void *arg)
{
	return media_publish(g, token, container_id, 1, cb, arg);
}

struct graph_call *
graph_repost(struct graph *g, const char *token, const char *media_id,
    graph_id_cb cb, void *arg)
{
	return media_repost(g, token, media_id, 0, cb, arg);
}

struct graph_call *
graph_repost_held(struct graph *g, const char *token, const char *media_id,
    graph_id_cb cb, void *arg)
{
	return media_repost(g, token, media_id, 1, cb, arg);
}

struct graph_call *
graph_publishing_limit(struct graph *g, const char *token, graph_quota_cb cb,
    void *arg)
{
	return graph_send(g, &media_calls[MEDIA_LIMIT],
	    &(struct graph_req){ .token = token }, (graph_cb)cb, arg);
}

struct graph_call *
graph_media_permalink(struct graph *g, const char *token,
    const char *media_id, graph_media_cb cb, void *arg)
{
	return graph_send(g, &media_calls[MEDIA_PERMALINK],
	    &(struct graph_req){ .token = token, .arg1 = media_id },
	    (graph_cb)cb, arg);
}

/* since is always sent, 0 included: recovery asks from a time. */
struct graph_call *
graph_threads_since(struct graph *g, const char *token, int64_t since,
    const char *after, graph_threads_cb cb, void *arg)
{
	return graph_send(g, &media_calls[MEDIA_THREADS], &(struct graph_req){
	    .token = token, .limit = 100, .since_set = 1, .since = since,
	    .after = after }, (graph_cb)cb, arg);
}
