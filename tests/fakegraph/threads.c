/*
 * threads: read the user's posts: GET /{user}/threads with cursor paging,
 * GET /{media-id} and GET /{container-id} (threads-api.md 6.2, 6.6).
 *
 * It owns the media field table and the cursor format.  Posts are listed
 * newest first; a cursor is an opaque encoding of a post's position, so
 * paging costs O(limit) and never scans from the start.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf.h"
#include "fgreq.h"
#include "handlers.h"
#include "media.h"
#include "reply.h"
#include "store.h"

#define LIMIT_DEFAULT	25
#define LIMIT_MAX	100
#define SINCE_MIN	1688540400	/* threads-api.md 6.6 */
#define CURSOR_MASK	UINT64_C(0x5bd1e9955bd1e995)

static const char *const media_fields[] = {
	"id", "media_product_type", "media_type", "media_url", "permalink",
	"owner", "username", "text", "timestamp", "shortcode",
	"thumbnail_url", "children", "is_quote_post", "quoted_post",
	"reposted_post", "alt_text", "link_attachment_url", "gif_url",
	"poll_attachment", "topic_tag", "has_replies", "reply_audience",
	"is_verified", "profile_picture_url", "is_reply", "root_post",
	"replied_to", NULL
};

enum {
	F_ID, F_PRODUCT, F_TYPE, F_URL, F_PERMALINK, F_OWNER, F_USERNAME,
	F_TEXT, F_TIMESTAMP, F_SHORTCODE, F_THUMB, F_CHILDREN, F_IS_QUOTE,
	F_QUOTED, F_REPOSTED, F_ALT, F_LINK, F_GIF, F_POLL, F_TOPIC,
	F_HAS_REPLIES, F_AUDIENCE, F_VERIFIED, F_PICTURE, F_IS_REPLY,
	F_ROOT, F_REPLIED_TO
};

#define HAS(f, b)	((f) & (1u << (b)))

static json_object *
id_object(const char *id)
{
	json_object	*o;

	if ((o = json_object_new_object()) != NULL)
		json_add_str(o, "id", id);
	return o;
}

static const char *
root_of(const struct fgmedia *m)
{
	const struct fgmedia	*p;
	int			 hops;

	for (hops = 0; m->reply_to_id != NULL && hops < 100; hops++) {
		if ((p = media_get(m->reply_to_id)) == NULL)
			return m->reply_to_id;
		m = p;
	}
	return m->idstr;
}

/* One media object as Graph JSON; null fields are left out. */
static json_object *
media_to_json(const struct fgmedia *m, unsigned f)
{
	json_object	*o, *arr;
	char		 buf[160];
	size_t		 i;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (HAS(f, F_ID))
		json_add_str(o, "id", m->idstr);
	if (HAS(f, F_PRODUCT))
		json_add_str(o, "media_product_type", "THREADS");
	if (HAS(f, F_TYPE))
		json_add_str(o, "media_type", mtype_read_name(m->type));
	if (HAS(f, F_URL))
		json_add_str(o, "media_url", m->media_url);
	if (HAS(f, F_PERMALINK)) {
		snprintf(buf, sizeof(buf),
		    "https://www.threads.net/@%s/post/%s",
		    m->owner->username, m->shortcode);
		json_add_str(o, "permalink", buf);
	}
	if (HAS(f, F_OWNER))
		json_object_object_add(o, "owner", id_object(m->owner->idstr));
	if (HAS(f, F_USERNAME))
		json_add_str(o, "username", m->owner->username);
	if (HAS(f, F_TEXT))
		json_add_str(o, "text", m->text);
	if (HAS(f, F_TIMESTAMP)) {
		fgclock_fmt_graph(m->timestamp, buf, sizeof(buf));
		json_add_str(o, "timestamp", buf);
	}
	if (HAS(f, F_SHORTCODE))
		json_add_str(o, "shortcode", m->shortcode);
	if (HAS(f, F_CHILDREN) && m->nchildren > 0 &&
	    (arr = json_object_new_array()) != NULL) {
		for (i = 0; i < m->nchildren; i++)
			json_object_array_add(arr,
			    id_object(m->children[i]->idstr));
		json_object_object_add(o, "children", json_object_new_object());
		json_object_object_add(json_object_object_get(o, "children"),
		    "data", arr);
	}
	if (HAS(f, F_IS_QUOTE))
		json_object_object_add(o, "is_quote_post",
		    json_object_new_boolean(m->quote_post_id != NULL));
	if (HAS(f, F_QUOTED) && m->quote_post_id != NULL)
		json_object_object_add(o, "quoted_post",
		    id_object(m->quote_post_id));
	if (HAS(f, F_REPOSTED) && m->reposted_id != NULL)
		json_object_object_add(o, "reposted_post",
		    id_object(m->reposted_id));
	if (HAS(f, F_ALT))
		json_add_str(o, "alt_text", m->alt_text);
	if (HAS(f, F_LINK))
		json_add_str(o, "link_attachment_url", m->link_url);
	if (HAS(f, F_TOPIC))
		json_add_str(o, "topic_tag", m->topic_tag);
	if (HAS(f, F_HAS_REPLIES))
		json_object_object_add(o, "has_replies",
		    json_object_new_boolean(m->replies > 0));
	if (HAS(f, F_VERIFIED))
		json_object_object_add(o, "is_verified",
		    json_object_new_boolean(m->owner->verified));
	if (HAS(f, F_PICTURE))
		json_add_str(o, "profile_picture_url", m->owner->picture);
	if (HAS(f, F_IS_REPLY))
		json_object_object_add(o, "is_reply",
		    json_object_new_boolean(m->reply_to_id != NULL));
	if (HAS(f, F_ROOT) && m->reply_to_id != NULL)
		json_object_object_add(o, "root_post", id_object(root_of(m)));
	if (HAS(f, F_REPLIED_TO) && m->reply_to_id != NULL)
		json_object_object_add(o, "replied_to",
		    id_object(m->reply_to_id));
	return o;
}

static void
cursor_enc(size_t idx, char *buf, size_t len)
{
	snprintf(buf, len, "QVFH%016" PRIx64,
	    (uint64_t)idx ^ (uint64_t)CURSOR_MASK);
}

static int
cursor_dec(const char *s, size_t n, size_t *ret)
{
	char		*end;
	uint64_t	 v;

	if (strlen(s) != 20 || strncmp(s, "QVFH", 4) != 0)
		return -1;
	v = strtoull(s + 4, &end, 16);
	if (*end != '\0')
		return -1;
	v ^= CURSOR_MASK;
	if (v >= n)
		return -1;
	*ret = (size_t)v;
	return 0;
}

static int
listed(const struct fgmedia *m, int64_t since, int64_t until, int replies)
{
	return !m->deleted && m->timestamp >= since && m->timestamp <= until &&
	    (replies ? m->reply_to_id != NULL : m->reply_to_id == NULL ||
	    fgconf.replies_listed);
}

static void	list_posts(struct fgreq *, int replies);

/* GET /{user}/threads?fields=&limit=&after=&before=&since=&until= */
void
threads_list(struct fgreq *r)
{
	list_posts(r, 0);
}

/*
 * GET /{user}/replies: the same, replies only.  Its route needs
 * threads_read_replies ("Retrieve User Replies", reply management): a
 * client with the four scopes of a scheduler is refused (code 10).
 */
void
threads_replies(struct fgreq *r)
{
	list_posts(r, 1);
}

static void
list_posts(struct fgreq *r, int replies)
{
	struct fgmedia	**v, *page[LIMIT_MAX];
	size_t		  idx[LIMIT_MAX], n = 0, i, pos, cur;
	const char	 *after, *before;
	struct fguser	 *u;
	json_object	 *top, *arr, *paging, *cursors;
	unsigned	  f;
	int64_t		  limit, since, until;
	char		  cb[32], ca[32];

	if ((u = route_self(r, 0)) == NULL ||
	    req_fields(r, media_fields, 1u << F_ID, &f) < 0)
		return;
	if (req_int(r, "limit", LIMIT_DEFAULT, 1, INT64_MAX, &limit) < 0) {
		reply_error(r, 400, "THApiException", 100, 0,
		    "(#100) Param limit must be a positive integer");
		return;
	}
	if (limit > LIMIT_MAX)
		limit = LIMIT_MAX;
	if (req_int(r, "since", SINCE_MIN, SINCE_MIN, INT64_MAX, &since) < 0 ||
	    req_int(r, "until", INT64_MAX, SINCE_MIN, INT64_MAX, &until) < 0) {
		reply_error(r, 400, "THApiException", 100, 0, "(#100) Params "
		    "since and until must be Unix times >= %d", SINCE_MIN);
		return;
	}
	after = req_param(r, "after");
	before = req_param(r, "before");
	if (after != NULL && before != NULL) {
		reply_error(r, 400, "THApiException", 100, 0,
		    "(#100) Pass before or after, not both");
		return;
	}
	v = u->posts;
	if ((after != NULL && cursor_dec(after, u->nposts, &cur) < 0) ||
	    (before != NULL && cursor_dec(before, u->nposts, &cur) < 0)) {
		reply_error(r, 400, "THApiException", 100, 0,
		    "(#100) Invalid %s cursor", after != NULL ? "after" :
		    "before");
		return;
	}
	if (before != NULL) {
		/* The limit posts just newer than the cursor, newest first. */
		for (pos = cur + 1; pos < u->nposts && n < (size_t)limit; pos++)
			if (listed(v[pos], since, until, replies))
				idx[n++] = pos;
		for (i = 0; i < n / 2; i++) {
			pos = idx[i];
			idx[i] = idx[n - 1 - i];
			idx[n - 1 - i] = pos;
		}
		for (i = 0; i < n; i++)
			page[i] = v[idx[i]];
	} else {
		pos = after != NULL ? cur : u->nposts;
		for (; pos > 0 && n < (size_t)limit; pos--)
			if (listed(v[pos - 1], since, until, replies)) {
				page[n] = v[pos - 1];
				idx[n++] = pos - 1;
			}
	}
	if ((top = json_object_new_object()) == NULL ||
	    (arr = json_object_new_array()) == NULL) {
		json_object_put(top);
		reply_json(r, 500, NULL);
		return;
	}
	json_object_object_add(top, "data", arr);
	for (i = 0; i < n; i++)
		json_object_array_add(arr, media_to_json(page[i], f));
	if (n > 0) {
		cursor_enc(idx[0], cb, sizeof(cb));
		cursor_enc(idx[n - 1], ca, sizeof(ca));
		paging = json_object_new_object();
		cursors = json_object_new_object();
		json_add_str(cursors, "before", cb);
		json_add_str(cursors, "after", ca);
		json_object_object_add(paging, "cursors", cursors);
		json_object_object_add(top, "paging", paging);
	}
	reply_json(r, 200, top);
}

void
media_node(struct fgreq *r, const struct fgmedia *m)
{
	unsigned	f;

	if (req_fields(r, media_fields, 1u << F_ID, &f) < 0)
		return;
	reply_json(r, 200, media_to_json(m, f));
}

/*
 * GET /{container-id}?fields=id,status,error_message (6.2).  With
 * items_published, a FINISHED carousel item says PUBLISHED (a fault).
 */
void
container_node(struct fgreq *r, struct fgcontainer *c)
{
	static const char *const fields[] = { "id", "status",
	    "error_message", NULL };
	enum cstatus		 s;
	json_object		*o;
	unsigned		 f;

	if (req_fields(r, fields, 0x03, &f) < 0)
		return;
	c->status_reads++;
	s = container_status(c, fgclock_now());
	if (s == C_FINISHED && c->is_carousel_item && fgconf.items_published)
		s = C_PUBLISHED;
	if ((o = json_object_new_object()) != NULL) {
		if (f & 0x02)
			json_add_str(o, "status", cstatus_name(s));
		if (f & 0x01)
			json_add_str(o, "id", c->idstr);
		if ((f & 0x04) && s == C_ERROR)
			json_add_str(o, "error_message", c->error_message);
	}
	reply_json(r, 200, o);
}
