/*
 * admin-test: the knobs tests turn around a run: faults, the request
 * log, and posts (seeding them, and listing what was published).
 *
 * It owns the parsing of fault parameters; faults.c keeps the list.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "admin-impl.h"
#include "auth.h"
#include "clock.h"
#include "faults.h"
#include "fgreq.h"
#include "media.h"
#include "reply.h"
#include "reqlog.h"
#include "store.h"

#define POSTS_SEED_MAX	10000

static int
parse_methods(const char *s, int *ret)
{
	int	m = 0;

	if (s == NULL) {
		*ret = 0;
		return 0;
	}
	if (strstr(s, "GET") != NULL)
		m |= M_GET;
	if (strstr(s, "POST") != NULL)
		m |= M_POST;
	if (strstr(s, "DELETE") != NULL)
		m |= M_DELETE;
	if (m == 0)
		return -1;
	*ret = m;
	return 0;
}

/* POST /__admin/fault?path=&kind=&count=[&method=&code=&subcode=...] */
void
admin_fault_add(struct fgreq *r)
{
	struct fault	 f;
	const char	*path, *kind, *s;
	json_object	*o;
	int64_t		 v, transient;
	uint64_t	 id;

	memset(&f, 0, sizeof(f));
	path = req_param(r, "path");
	kind = req_param(r, "kind");
	if (path == NULL || path[0] != '/') {
		reply_admin_error(r, 400, "path must be a prefix starting "
		    "with /");
		return;
	}
	if (kind == NULL || fault_kind_parse(kind, &f.kind) < 0) {
		reply_admin_error(r, 400, "kind must be http500, error, "
		    "throttle, stall, malformed, truncated or reset");
		return;
	}
	if (strncmp(path, "/v1.0", 5) == 0 && (path[5] == '/' ||
	    path[5] == '\0'))
		path += 5;
	snprintf(f.prefix, sizeof(f.prefix), "%s", *path ? path : "/");
	if (parse_methods(req_param(r, "method"), &f.methods) < 0) {
		reply_admin_error(r, 400, "method must be GET, POST or DELETE");
		return;
	}
	if (admin_int(r, "count", 1, 0, INT64_MAX / 4, &f.count) < 0 ||
	    admin_int(r, "delay_ms", 0, 0, 3600 * 1000, &f.delay_ms) < 0 ||
	    admin_int(r, "transient", -1, -1, 1, &transient) < 0)
		return;
	f.transient = (int)transient;
	if (admin_int(r, "code", 0, 0, 1000000, &v) < 0)
		return;
	f.code = (int)v;
	if (admin_int(r, "subcode", 0, 0, 100000000, &v) < 0)
		return;
	f.subcode = (int)v;
	if (admin_int(r, "status", 0, 0, 599, &v) < 0)
		return;
	if (v != 0 && v < 200) {
		reply_admin_error(r, 400, "status must be 200-599");
		return;
	}
	f.status = (int)v;
	if (admin_int(r, "after", 0, 0, 1, &v) < 0)
		return;
	f.after = (int)v;
	if ((s = req_param(r, "message")) != NULL)
		snprintf(f.message, sizeof(f.message), "%s", s);
	if ((s = req_param(r, "type")) != NULL)
		snprintf(f.type, sizeof(f.type), "%s", s);
	if (faults_add(&f, &id) < 0) {
		reply_admin_error(r, 500, "out of memory");
		return;
	}
	if ((o = json_object_new_object()) != NULL)
		json_add_int(o, "id", (int64_t)id);
	reply_json(r, 200, o);
}

void
admin_fault_list(struct fgreq *r)
{
	reply_json(r, 200, faults_json());
}

void
admin_fault_clear(struct fgreq *r)
{
	faults_clear();
	admin_reply_ok(r);
}

/* GET /__admin/requests[?since=SEQ][&limit=N][&path=PREFIX] */
void
admin_requests(struct fgreq *r)
{
	int64_t	since, limit;

	if (admin_int(r, "since", 0, 0, INT64_MAX, &since) < 0 ||
	    admin_int(r, "limit", REQLOG_CAP, 1, REQLOG_CAP, &limit) < 0)
		return;
	reply_json(r, 200, reqlog_json((uint64_t)since, (size_t)limit,
	    req_param(r, "path")));
}

/*
 * POST /__admin/posts?username=&count=&text=&age=&spacing=: existing
 * posts, oldest first, the newest age seconds old.
 */
void
admin_post_add(struct fgreq *r)
{
	struct fgmedia	*m;
	struct fguser	*u;
	const char	*text;
	json_object	*top, *ids;
	int64_t		 count, age, spacing, likes, views, replies, i;
	char		 buf[64];

	if ((u = admin_user(r)) == NULL ||
	    admin_int(r, "count", 1, 1, POSTS_SEED_MAX, &count) < 0 ||
	    admin_int(r, "age", 0, 0, INT64_MAX / 4, &age) < 0 ||
	    admin_int(r, "spacing", 60, 0, 86400 * 365, &spacing) < 0 ||
	    admin_int(r, "likes", 0, 0, INT32_MAX, &likes) < 0 ||
	    admin_int(r, "views", 0, 0, INT32_MAX, &views) < 0 ||
	    admin_int(r, "replies", 0, 0, INT32_MAX, &replies) < 0 ||
	    (top = admin_listing(r, "ids", &ids)) == NULL)
		return;
	text = req_param(r, "text");
	for (i = 0; i < count; i++) {
		snprintf(buf, sizeof(buf), "Post %lld",
		    (long long)u->nposts + 1);
		if (media_seed(u, text != NULL ? text : buf, fgclock_now() -
		    age - (count - 1 - i) * spacing, &m) < 0) {
			json_object_put(top);
			reply_admin_error(r, 500, "out of memory");
			return;
		}
		m->likes = likes;
		m->views = views;
		m->replies = replies;
		json_object_array_add(ids, json_object_new_string(m->idstr));
	}
	reply_json(r, 200, top);
}

/* GET /__admin/posts?username=: every post, published or seeded. */
void
admin_post_list(struct fgreq *r)
{
	const struct fgmedia	*m;
	struct fguser		*u;
	json_object		*top, *arr, *o;
	size_t			 i;

	if ((u = admin_user(r)) == NULL ||
	    (top = admin_listing(r, "posts", &arr)) == NULL)
		return;
	for (i = 0; i < u->nposts; i++) {
		m = u->posts[i];
		if ((o = json_object_new_object()) == NULL)
			break;
		json_add_str(o, "id", m->idstr);
		json_add_str(o, "media_type", mtype_read_name(m->type));
		json_add_str(o, "text", m->text);
		json_add_int(o, "timestamp", m->timestamp);
		json_add_int(o, "at_ms", m->at_ms);
		if (m->container_id[0] != '\0')
			json_add_str(o, "container_id", m->container_id);
		json_add_str(o, "reply_to_id", m->reply_to_id);
		json_add_str(o, "quote_post_id", m->quote_post_id);
		json_add_str(o, "reposted_post_id", m->reposted_id);
		json_add_str(o, "link_attachment_url", m->link_url);
		json_add_str(o, "topic_tag", m->topic_tag);
		if (m->attach != NULL)
			json_object_object_add(o, "attach",
			    json_tokener_parse(m->attach));
		json_add_str(o, "media_url", m->media_url);
		json_add_int(o, "children", (int64_t)m->nchildren);
		json_object_object_add(o, "seeded",
		    json_object_new_boolean(m->seeded));
		json_object_object_add(o, "deleted",
		    json_object_new_boolean(m->deleted));
		json_object_array_add(arr, o);
	}
	reply_json(r, 200, top);
}

static json_object *
container_json(const struct fgcontainer *c)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_add_str(o, "id", c->idstr);
	json_add_str(o, "media_type", mtype_read_name(c->type));
	json_add_str(o, "text", c->text);
	json_add_str(o, "reply_control", c->reply_control);
	json_object_object_add(o, "is_carousel_item",
	    json_object_new_boolean(c->is_carousel_item));
	json_add_str(o, "status",
	    cstatus_name(container_status(c, fgclock_now())));
	json_add_int(o, "created_at", c->created_at);
	json_add_int(o, "status_reads", c->status_reads);
	json_add_int(o, "publish_tries", c->publish_tries);
	return o;
}

/*
 * GET /__admin/container?id=: what a client asked of one container, so
 * that a test can bound its status reads and publish tries.
 */
void
admin_container(struct fgreq *r)
{
	const struct fgcontainer	*c;
	const char			*id;

	if ((id = req_param(r, "id")) == NULL) {
		reply_admin_error(r, 400, "id is required");
		return;
	}
	if ((c = container_get(id)) == NULL) {
		reply_admin_error(r, 404, "no container %.24s", id);
		return;
	}
	reply_json(r, 200, container_json(c));
}

/* GET /__admin/containers?username=: the same for all of a user's. */
void
admin_container_list(struct fgreq *r)
{
	const struct fgcontainer	*c;
	struct fguser			*u;
	json_object			*top, *arr, *o;
	size_t				 k;

	if ((u = admin_user(r)) == NULL ||
	    (top = admin_listing(r, "containers", &arr)) == NULL)
		return;
	for (k = 0; (c = container_nth(k)) != NULL; k++)
		if (c->owner == u && (o = container_json(c)) != NULL)
			json_object_array_add(arr, o);
	reply_json(r, 200, top);
}

/*
 * GET /__admin/scope_refusals: how many calls were refused (code 10) for
 * a scope their token lacks, since the fake started, and the first few.
 */
void
admin_scope_refusals(struct fgreq *r)
{
	const char	*paths[AUTH_REFUSALS_KEPT], *missing[AUTH_REFUSALS_KEPT];
	json_object	*top, *arr, *o;
	size_t		 n, i;
	uint64_t	 count;

	count = auth_scope_refusals(paths, &n, missing);
	top = json_object_new_object();
	if ((arr = json_object_new_array()) == NULL || top == NULL) {
		json_object_put(top);
		reply_json(r, 500, NULL);
		return;
	}
	json_add_int(top, "count", (int64_t)count);
	json_object_object_add(top, "refusals", arr);
	for (i = 0; i < n; i++) {
		if ((o = json_object_new_object()) == NULL)
			break;
		json_add_str(o, "request", paths[i]);
		json_add_str(o, "missing", missing[i]);
		json_object_array_add(arr, o);
	}
	reply_json(r, 200, top);
}
