/*
 * publish: create containers, publish them, report the quota
 * (threads-api.md 6.1-6.4).
 *
 * It owns the validation rules of POST /threads and the publish errors.
 * Choices where the reference is [UNCERTAIN] are listed in README.md:
 * the link-limit error, the quota error, publishing a container twice.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "clock.h"
#include "conf.h"
#include "fgreq.h"
#include "attach.h"
#include "handlers.h"
#include "media.h"
#include "rnd.h"
#include "reply.h"
#include "scope.h"
#include "store.h"
#include "textlen.h"

#define TEXT_MAX	500
#define ALT_MAX		1000
#define TOPIC_MAX	50
#define LINKS_MAX	5

static void
bad_param(struct fgreq *r, const char *msg)
{
	reply_error(r, 400, "THApiException", 100, 0, "(#100) %s", msg);
}

static void
media_not_found(struct fgreq *r, const char *id)
{
	struct gerr	g = { 400, "OAuthException", 24, 4279009, 0,
	    "Media Not Found", NULL };
	char		msg[128];

	snprintf(msg, sizeof(msg), "The media with ID %.24s was not found.",
	    id);
	g.user_msg = msg;
	reply_gerr(r, &g, "The requested resource does not exist");
}

/* Borrowed from Instagram's content publishing limit: [UNCERTAIN]. */
static void
quota_reached(struct fgreq *r, const char *what, int64_t limit)
{
	struct gerr	g = { 400, "OAuthException", 9, 2207042, 0,
	    "Reached publishing limit", NULL };

	reply_gerr(r, &g, "The user has reached the limit of %lld %s per "
	    "24 hours", (long long)limit, what);
}

static int
valid_reply_control(const char *s)
{
	static const char *const ok[] = { "everyone", "accounts_you_follow",
	    "mentioned_only", "parent_post_author_only", "followers_only",
	    NULL };
	int			 i;

	for (i = 0; ok[i] != NULL; i++)
		if (strcmp(s, ok[i]) == 0)
			return 1;
	return 0;
}

static int
is_true(const char *s)
{
	return s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
}

/* The children= list of a carousel: own, unclaimed carousel items. */
static int
carousel_children(struct fgreq *r, struct fguser *u, const char *list,
    struct fgcontainer **kids, size_t *ret_n)
{
	struct fgcontainer	*c;
	char			*copy, *s, *save = NULL;
	size_t			 n = 0, i;

	if (list == NULL) {
		bad_param(r, "The parameter children is required for "
		    "CAROUSEL media type.");
		return -EINVAL;
	}
	if ((copy = strdup(list)) == NULL) {
		reply_json(r, 500, NULL);
		return -ENOMEM;
	}
	for (s = strtok_r(copy, ", ", &save); s != NULL;
	    s = strtok_r(NULL, ", ", &save)) {
		if (n == CAROUSEL_MAX) {
			n++;
			break;
		}
		c = container_get(s);
		if (c == NULL || c->owner != u || !c->is_carousel_item ||
		    c->in_carousel || c->media_id[0] != '\0') {
			route_unsupported(r, s);
			free(copy);
			return -EINVAL;
		}
		for (i = 0; i < n; i++)
			if (kids[i] == c)
				break;
		if (i < n)
			continue;
		kids[n++] = c;
	}
	free(copy);
	if (n < CAROUSEL_MIN || n > CAROUSEL_MAX) {
		bad_param(r, "A carousel must have between 2 and 20 children.");
		return -EINVAL;
	}
	*ret_n = n;
	return 0;
}

static int
media_type_parse(const char *s, enum mtype *ret)
{
	static const char *const names[] = { "TEXT", "IMAGE", "VIDEO",
	    "CAROUSEL", NULL };
	int			 i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum mtype)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int
check_post_spec(struct fgreq *r, struct post_spec *ps)
{
	struct fgmedia	*m;
	const char	*ref;

	if (ps->text != NULL && textlen_meta(ps->text) > TEXT_MAX) {
		bad_param(r, "Param text must be at most 500 characters long.");
		return -EINVAL;
	}
	if (ps->type == MT_TEXT && (ps->text == NULL || *ps->text == '\0')) {
		bad_param(r, "Param text is required for TEXT posts.");
		return -EINVAL;
	}
	if ((ps->type == MT_IMAGE || ps->type == MT_VIDEO) &&
	    ps->media_url == NULL) {
		bad_param(r, ps->type == MT_IMAGE ? "Param image_url is "
		    "required for IMAGE posts." : "Param video_url is "
		    "required for VIDEO posts.");
		return -EINVAL;
	}
	if (ps->is_carousel_item && ps->type != MT_IMAGE &&
	    ps->type != MT_VIDEO) {
		bad_param(r, "Only IMAGE and VIDEO can be carousel items.");
		return -EINVAL;
	}
	if (ps->link_attachment != NULL && ps->type != MT_TEXT) {
		bad_param(r, "Param link_attachment is only supported on "
		    "TEXT posts.");
		return -EINVAL;
	}
	if (ps->alt_text != NULL && (textlen_chars(ps->alt_text) > ALT_MAX ||
	    (ps->type != MT_IMAGE && ps->type != MT_VIDEO))) {
		bad_param(r, "Param alt_text must be at most 1000 characters "
		    "and is only supported on IMAGE and VIDEO.");
		return -EINVAL;
	}
	if (ps->topic_tag != NULL && (*ps->topic_tag == '\0' ||
	    textlen_chars(ps->topic_tag) > TOPIC_MAX ||
	    strpbrk(ps->topic_tag, ".&") != NULL)) {
		bad_param(r, "Param topic_tag must be 1-50 characters "
		    "without '.' or '&'.");
		return -EINVAL;
	}
	if (ps->reply_control != NULL &&
	    !valid_reply_control(ps->reply_control)) {
		bad_param(r, "Param reply_control is not a valid value.");
		return -EINVAL;
	}
	if (textlen_links(ps->text, ps->link_attachment) > LINKS_MAX) {
		struct gerr g = { 400, "THApiException", 100, 0, 0,
		    "THREADS_API__LINK_LIMIT_EXCEEDED", NULL };

		reply_gerr(r, &g, "(#100) THREADS_API__LINK_LIMIT_EXCEEDED: "
		    "a post can contain at most 5 links");
		return -EINVAL;
	}
	ref = ps->reply_to_id != NULL ? ps->reply_to_id : ps->quote_post_id;
	for (; ref != NULL; ref = ref == ps->reply_to_id ?
	    ps->quote_post_id : NULL) {
		if ((m = media_get(ref)) == NULL || m->deleted) {
			route_unsupported(r, ref);
			return -EINVAL;
		}
	}
	return 0;
}

static int
quota_check(struct fgreq *r, struct fguser *u, int reply)
{
	int64_t	since = fgclock_now() - 86400;

	if (reply && (int64_t)tlog_count_since(&u->pub_replies, since) >=
	    fgconf.reply_quota) {
		quota_reached(r, "replies", fgconf.reply_quota);
		return -EDQUOT;
	}
	if (!reply && (int64_t)tlog_count_since(&u->pub_posts, since) >=
	    fgconf.post_quota) {
		quota_reached(r, "posts", fgconf.post_quota);
		return -EDQUOT;
	}
	return 0;
}

static void
reply_id(struct fgreq *r, const char *id)
{
	json_object	*o;

	if ((o = json_object_new_object()) != NULL)
		json_add_str(o, "id", id);
	reply_json(r, 200, o);
}

/* POST /{user}/threads */
void
threads_create(struct fgreq *r)
{
	struct fgcontainer	*kids[CAROUSEL_MAX], *c;
	struct post_spec	 ps;
	struct fgmedia		*m;
	struct fguser		*u;
	const char		*type;
	size_t			 nkids = 0;

	if ((u = route_self(r, 0)) == NULL)
		return;
	memset(&ps, 0, sizeof(ps));
	if ((type = req_param(r, "media_type")) == NULL) {
		bad_param(r, "The parameter media_type is required.");
		return;
	}
	if (media_type_parse(type, &ps.type) < 0) {
		bad_param(r, "Param media_type must be one of {TEXT, IMAGE, "
		    "VIDEO, CAROUSEL}.");
		return;
	}
	ps.text = req_param(r, "text");
	ps.media_url = req_param(r, ps.type == MT_VIDEO ? "video_url" :
	    "image_url");
	ps.alt_text = req_param(r, "alt_text");
	ps.link_attachment = req_param(r, "link_attachment");
	ps.topic_tag = req_param(r, "topic_tag");
	ps.reply_control = req_param(r, "reply_control");
	ps.reply_to_id = req_param(r, "reply_to_id");
	ps.quote_post_id = req_param(r, "quote_post_id");
	ps.is_carousel_item = is_true(req_param(r, "is_carousel_item"));
	if (ps.type != MT_IMAGE && ps.type != MT_VIDEO)
		ps.media_url = NULL;
	if (check_post_spec(r, &ps) < 0 ||
	    attach_check(r, &ps, &ps.attach) < 0)
		return;
	if ((ps.type == MT_CAROUSEL && carousel_children(r, u,
	    req_param(r, "children"), kids, &nkids) < 0) ||
	    (ps.type == MT_TEXT && is_true(req_param(r, "auto_publish_text")) &&
	    quota_check(r, u, ps.reply_to_id != NULL) < 0)) {
		free(ps.attach);
		return;
	}
	if (container_new(u, &ps, kids, nkids, &c) < 0) {
		free(ps.attach);
		reply_json(r, 500, NULL);
		return;
	}
	free(ps.attach);
	if (ps.type == MT_TEXT && is_true(req_param(r, "auto_publish_text"))) {
		/* Publish at once; the id returned is the media id. */
		c->ready_at = c->created_at;
		if (media_publish(c, fgclock_now(), &m) < 0) {
			reply_json(r, 500, NULL);
			return;
		}
		reply_id(r, m->idstr);
		return;
	}
	reply_id(r, c->idstr);
}

/* POST /{user}/threads_publish?creation_id= */
void
threads_publish(struct fgreq *r)
{
	struct fgcontainer	*c;
	struct fgmedia		*m;
	struct fguser		*u;
	const char		*id;

	if ((u = route_self(r, 0)) == NULL)
		return;
	if ((id = req_param(r, "creation_id")) == NULL) {
		bad_param(r, "The parameter creation_id is required.");
		return;
	}
	if ((c = container_get(id)) == NULL || c->owner != u) {
		media_not_found(r, id);
		return;
	}
	c->publish_tries++;
	if (c->is_carousel_item) {
		bad_param(r, "A carousel item cannot be published on its own.");
		return;
	}
	switch (container_status(c, fgclock_now())) {
	case C_IN_PROGRESS:
	case C_EXPIRED:
		media_not_found(r, id);
		return;
	case C_FINISHED:
		/* Meta's 24/4279009 right after FINISHED (a fault knob). */
		if (fgclock_now() - c->created_at < fgconf.notready_age &&
		    rnd_percent((int)fgconf.notready_percent)) {
			media_not_found(r, id);
			return;
		}
		break;
	case C_ERROR:
		bad_param(r, "The media container has status ERROR and "
		    "cannot be published.");
		return;
	case C_PUBLISHED:
		bad_param(r, "The media container has already been "
		    "published.");
		return;
	}
	if (quota_check(r, u, c->reply_to_id != NULL) < 0)
		return;
	if (media_publish(c, fgclock_now(), &m) < 0) {
		reply_json(r, 500, NULL);
		return;
	}
	reply_id(r, m->idstr);
}

static json_object *
quota_config(int64_t total)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_add_int(o, "quota_total", total);
	json_add_int(o, "quota_duration", 86400);
	return o;
}

/* GET /{user}/threads_publishing_limit (6.4, 9.9) */
void
threads_limit(struct fgreq *r)
{
	static const char *const fields[] = { "quota_usage", "config",
	    "reply_quota_usage", "reply_config", "delete_quota_usage",
	    "delete_config", "location_search_quota_usage",
	    "location_search_config", NULL };
	json_object		*top, *arr, *o;
	struct fguser		*u;
	unsigned		 f, need = 0;
	int64_t			 since = fgclock_now() - 86400;

	if ((u = route_self(r, 0)) == NULL ||
	    req_fields(r, fields, 0x01, &f) < 0)
		return;
	if (f & 0x0c)
		need |= SCOPE_MANAGE_REPLIES;
	if (f & 0x30)
		need |= SCOPE_DELETE;
	if (f & 0xc0)
		need |= SCOPE_LOCATION_TAGGING;
	if ((r->tok->scopes & need) != need) {
		auth_refuse_scope(r, need & ~r->tok->scopes);
		return;
	}
	top = json_object_new_object();
	arr = json_object_new_array();
	o = json_object_new_object();
	if (top == NULL || arr == NULL || o == NULL) {
		json_object_put(top);
		json_object_put(arr);
		json_object_put(o);
		reply_json(r, 500, NULL);
		return;
	}
	if (f & 0x01)
		json_add_int(o, "quota_usage",
		    (int64_t)tlog_count_since(&u->pub_posts, since));
	if (f & 0x02)
		json_object_object_add(o, "config",
		    quota_config(fgconf.post_quota));
	if (f & 0x04)
		json_add_int(o, "reply_quota_usage",
		    (int64_t)tlog_count_since(&u->pub_replies, since));
	if (f & 0x08)
		json_object_object_add(o, "reply_config",
		    quota_config(fgconf.reply_quota));
	if (f & 0x10)
		json_add_int(o, "delete_quota_usage",
		    (int64_t)tlog_count_since(&u->deletes, since));
	if (f & 0x20)
		json_object_object_add(o, "delete_config",
		    quota_config(fgconf.delete_quota));
	if (f & 0x40)
		json_add_int(o, "location_search_quota_usage", 0);
	if (f & 0x80)
		json_object_object_add(o, "location_search_config",
		    quota_config(500));
	json_object_array_add(arr, o);
	json_object_object_add(top, "data", arr);
	reply_json(r, 200, top);
}

/* DELETE /{media-id} (6.5) */
void
threads_delete(struct fgreq *r)
{
	struct fgmedia	*m;
	json_object	*o;
	int64_t		 now = fgclock_now();

	m = media_get(r->segv[0]);
	if (m == NULL || m->deleted || m->owner != r->user ||
	    m->is_carousel_item) {
		route_unsupported(r, r->segv[0]);
		return;
	}
	if ((int64_t)tlog_count_since(&r->user->deletes, now - 86400) >=
	    fgconf.delete_quota) {
		quota_reached(r, "deletes", fgconf.delete_quota);
		return;
	}
	m->deleted = 1;
	tlog_add(&r->user->deletes, now);
	if ((o = json_object_new_object()) != NULL) {
		json_object_object_add(o, "success",
		    json_object_new_boolean(1));
		json_add_str(o, "deleted_id", m->idstr);
	}
	reply_json(r, 200, o);
}
