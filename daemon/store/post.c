/*
 * A post: its state and kind names, copies, ids, the table of its
 * record's fields (post-fields.h), and the record read back: JSON with a
 * "v" field, read by the flat reader (json-c for whatever it leaves to
 * it).  Writing it (straight, and the wire form) is post-write.c's;
 * reading and writing it in LMDB is post-db.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/flatrec.h"
#include "daemon/store/post.h"
#include "daemon/store/post-fields.h"
#include "daemon/store/record.h"
#include "daemon/store/store.h"

const char *const post_state_names[POST_NSTATES] = {
	"scheduled", "staging", "staged", "ready", "publishing",
	"published", "failed", "cancelled",
};

static const char *const kind_names[] = {
	[POST_TEXT] = "text",
	[POST_IMAGE] = "image",
	[POST_VIDEO] = "video",
	[POST_CAROUSEL] = "carousel",
	[POST_REPOST] = "repost",
};

const char *
post_kind_name(enum post_kind k)
{
	return (size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) ?
	    kind_names[k] : "text";
}

int
post_state_from_name(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < POST_NSTATES; i++)
		if (strcmp(s, post_state_names[i]) == 0)
			return i;
	return -1;
}

int
post_state_final(enum post_state s)
{
	return s == POST_PUBLISHED || s == POST_FAILED || s == POST_CANCELLED;
}

void
post_init(struct post *p)
{
	memset(p, 0, sizeof(*p));
}

void
post_clear(struct post *p)
{
	size_t i;

	free(p->text);
	for (i = 0; i < p->nmedia; i++) {
		free(p->media[i].url);
		free(p->media[i].alt);
	}
	free(p->reply_control);
	free(p->link);
	free(p->topic);
	for (i = 0; i < p->npoll; i++)
		free(p->poll[i]);
	free(p->attachment);
	free(p->attachment_link);
	free(p->gif);
	free(p->replies);
	free(p->permalink);
	free(p->error);
	post_init(p);
}

int
post_copy(struct post *dst, const struct post *src)
{
	size_t i;

	post_clear(dst);
	*dst = *src;
	dst->text = dst->reply_control = dst->link = dst->topic = NULL;
	dst->permalink = dst->error = NULL;
	dst->replies = NULL;
	dst->attachment = dst->attachment_link = dst->gif = NULL;
	for (i = 0; i < src->nmedia; i++)
		dst->media[i].url = dst->media[i].alt = NULL;
	for (i = 0; i < src->npoll; i++)
		dst->poll[i] = NULL;
	if (post_set_str(&dst->text, src->text) < 0 ||
	    post_set_str(&dst->reply_control, src->reply_control) < 0 ||
	    post_set_str(&dst->link, src->link) < 0 ||
	    post_set_str(&dst->topic, src->topic) < 0 ||
	    post_set_str(&dst->permalink, src->permalink) < 0 ||
	    post_set_str(&dst->error, src->error) < 0 ||
	    post_set_str(&dst->attachment, src->attachment) < 0 ||
	    post_set_str(&dst->attachment_link, src->attachment_link) < 0 ||
	    post_set_str(&dst->gif, src->gif) < 0)
		goto nomem;
	for (i = 0; i < src->npoll; i++)
		if (post_set_str(&dst->poll[i], src->poll[i]) < 0)
			goto nomem;
	for (i = 0; i < src->nmedia; i++)
		if (post_set_str(&dst->media[i].url, src->media[i].url) < 0 ||
		    post_set_str(&dst->media[i].alt, src->media[i].alt) < 0)
			goto nomem;
	if (src->nreplies > 0) {
		dst->replies = calloc(src->nreplies, sizeof(*dst->replies));
		if (dst->replies == NULL)
			goto nomem;
		memcpy(dst->replies, src->replies,
		    src->nreplies * sizeof(*dst->replies));
	}
	return 0;
nomem:
	dst->nreplies = 0;
	post_clear(dst);
	return -ENOMEM;
}

int
post_add_reply(struct post *p, uint64_t reply_id)
{
	uint64_t *v;

	v = reallocarray(p->replies, p->nreplies + 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	v[p->nreplies++] = reply_id;
	p->replies = v;
	return 0;
}

void
post_drop_containers(struct post *p)
{
	p->container[0] = '\0';
	p->nchildren = 0;
	p->children_ready = 0;
}

char *
post_id_str(uint64_t id, char *buf)
{
	snprintf(buf, POST_ID_LEN, "%" PRIu64, id);
	return buf;
}

uint64_t
post_id_parse(const char *s)
{
	uint64_t v = 0;
	size_t i, len;

	if (s == NULL || (len = strlen(s)) == 0 || len > 19 ||
	    strspn(s, "0123456789") != len)
		return 0;
	for (i = 0; i < len; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

/* A fixed id buffer from the record; "" when absent or too long. */
static void
get_id(struct json_object *o, const char *k, char buf[GRAPH_ID_LEN])
{
	const char *s = record_get_str(o, k);

	if (s != NULL && strlen(s) < GRAPH_ID_LEN)
		strcpy(buf, s);
	else
		buf[0] = '\0';
}

static int
options_from_record(struct json_object *o, struct post *p)
{
	struct json_object *arr, *v;
	const char *s;
	int64_t off, len;
	size_t i, n;

	p->ghost = record_get_int(o, "ghost", 0) != 0;
	p->spoiler_media = record_get_int(o, "spoiler_media", 0) != 0;
	get_id(o, "repost_of", p->repost_of);
	if (post_set_str(&p->attachment, record_get_str(o, "attachment")) < 0 ||
	    post_set_str(&p->attachment_link, record_get_str(o,
	    "attachment_link")) < 0 ||
	    post_set_str(&p->gif, record_get_str(o, "gif")) < 0)
		return -ENOMEM;
	if ((arr = record_get_array(o, "poll")) != NULL) {
		if ((n = json_object_array_length(arr)) > POST_POLL_MAX)
			return -EBADMSG;
		for (i = 0; i < n; i++) {
			s = json_object_get_string(
			    json_object_array_get_idx(arr, i));
			if (s == NULL)
				return -EBADMSG;
			if (post_set_str(&p->poll[i], s) < 0)
				return -ENOMEM;
			p->npoll = i + 1;
		}
	}
	if ((arr = record_get_array(o, "spoilers")) != NULL) {
		if ((n = json_object_array_length(arr)) > POST_SPOILER_MAX)
			return -EBADMSG;
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(arr, i);
			off = record_get_int(v, "offset", 0);
			len = record_get_int(v, "length", 0);
			if (off < 0 || len < 1 || off > UINT32_MAX ||
			    len > UINT32_MAX)
				return -EBADMSG;
			p->spoilers[i].offset = (uint32_t)off;
			p->spoilers[i].length = (uint32_t)len;
			p->nspoilers = i + 1;
		}
	}
	return 0;
}

/* The record's fields after its head: post-fields.h. */
#define FIELD(f, k)	{ #f, k, offsetof(struct post, f), PL_NONE }
#define LIST(l)		{ NULL, PF_LIST, 0, l }
const struct post_field post_fields[] = {
	FIELD(due_at, PF_TIME),
	FIELD(next_at, PF_TIME),
	FIELD(created_at, PF_TIME),
	FIELD(text, PF_STR),
	LIST(PL_MEDIA),
	FIELD(reply_to_post, PF_PID),
	FIELD(reply_to, PF_GID),
	FIELD(reply_control, PF_STR),
	FIELD(quote, PF_GID),
	FIELD(link, PF_STR),
	FIELD(topic, PF_STR),
	LIST(PL_OPTIONS),
	LIST(PL_REPLIES),
	FIELD(attempts, PF_NUM),
	FIELD(tries, PF_NUM),
	FIELD(container, PF_GID),
	LIST(PL_CHILDREN),
	FIELD(quota_ok_at, PF_TIME),
	FIELD(publish_at, PF_TIME),
	FIELD(check, PF_NUM),
	FIELD(paused, PF_NUM),
	FIELD(searches, PF_NUM),
	FIELD(remakes, PF_NUM),
	FIELD(staged_at, PF_TIME),
	FIELD(notready, PF_NUM),
	FIELD(stuck, PF_NUM),
	FIELD(children_ready, PF_NUM),
	FIELD(media_id, PF_GID),
	FIELD(media_unknown, PF_NUM),
	FIELD(permalink, PF_STR),
	FIELD(error, PF_STR),
	FIELD(published_at, PF_TIME),
};
_Static_assert(sizeof(post_fields) / sizeof(post_fields[0]) == POST_NFIELDS,
    "post-fields.h counts the fields");
#undef FIELD
#undef LIST

/* post_id_parse() of a value: 0 unless a string of digits. */
static uint64_t
flat_id(const struct flatrec_val *v)
{
	char buf[POST_ID_LEN];

	if (v->type != FLATREC_STR || v->len >= sizeof(buf))
		return 0;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	return post_id_parse(buf);
}

/* A string into *dst (NULL for another type).  0 or -ENOMEM. */
static int
flat_str(const struct flatrec_val *v, char **dst)
{
	char *s = NULL;

	if (v->type == FLATREC_STR && (s = strndup(v->s, v->len)) == NULL)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* A field of the table above, from the flat reader (or json-c's value). */
static int
flat_plain(const struct post_field *f, const struct flatrec_val *v,
    struct post *p)
{
	char *base = (char *)p + f->off;
	int is_int = v->type == FLATREC_INT;

	switch (f->kind) {
	case PF_TIME:
		*(int64_t *)(void *)base = is_int ? v->i : 0;
		break;
	case PF_NUM:
		*(int *)(void *)base = is_int ? (int)v->i : 0;
		break;
	case PF_STR:
		return flat_str(v, (char **)(void *)base);
	case PF_GID:
		if (v->type == FLATREC_STR && v->len < GRAPH_ID_LEN) {
			memcpy(base, v->s, v->len);
			base[v->len] = '\0';
		}
		break;
	case PF_PID:
		*(uint64_t *)(void *)base = flat_id(v);
		break;
	case PF_LIST:
		break;
	}
	return 0;
}

/*
 * A field of the table from o into p, as the flat reader takes it: an
 * integer, or a string up to its first NUL, as json-c's getters give
 * them; anything else is the field's default.  -ENOMEM.
 */
static int
field_from_record(struct json_object *o, const struct post_field *f,
    struct post *p)
{
	struct flatrec_val v = { FLATREC_NULL, 0, NULL, 0 };
	struct json_object *j;

	if (f->key != NULL && json_object_object_get_ex(o, f->key, &j)) {
		if (json_object_is_type(j, json_type_int)) {
			v.type = FLATREC_INT;
			v.i = json_object_get_int64(j);
		} else if (json_object_is_type(j, json_type_string)) {
			v.type = FLATREC_STR;
			v.s = json_object_get_string(j);
			v.len = strlen(v.s);
		}
	}
	return flat_plain(f, &v, p);
}

/* The record's lists: media, replies, children. */
static int
lists_from_record(struct json_object *o, struct post *p)
{
	struct json_object *arr, *v;
	const char *s;
	size_t i, n;

	if ((arr = record_get_array(o, "media")) != NULL) {
		if ((n = json_object_array_length(arr)) > POST_MAX_MEDIA)
			return -EBADMSG;
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(arr, i);
			if ((s = record_get_str(v, "type")) == NULL ||
			    record_get_str(v, "url") == NULL)
				return -EBADMSG;
			p->media[i].video = strcmp(s, "video") == 0;
			p->nmedia = i + 1;
			if (post_set_str(&p->media[i].url,
			    record_get_str(v, "url")) < 0 ||
			    post_set_str(&p->media[i].alt,
			    record_get_str(v, "alt")) < 0)
				return -ENOMEM;
		}
	}
	if ((arr = record_get_array(o, "replies")) != NULL &&
	    (n = json_object_array_length(arr)) > 0) {
		if ((p->replies = calloc(n, sizeof(*p->replies))) == NULL)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(arr, i);
			p->replies[p->nreplies] = post_id_parse(
			    json_object_get_string(v));
			if (p->replies[p->nreplies] != 0)
				p->nreplies++;
		}
	}
	if ((arr = record_get_array(o, "children")) != NULL) {
		n = json_object_array_length(arr);
		if (n > POST_MAX_MEDIA)
			return -EBADMSG;
		for (i = 0; i < n; i++) {
			s = json_object_get_string(
			    json_object_array_get_idx(arr, i));
			if (s == NULL || strlen(s) >= GRAPH_ID_LEN)
				return -EBADMSG;
			strcpy(p->children[p->nchildren++], s);
		}
	}
	return 0;
}

int
post_from_record(struct json_object *o, struct post *ret)
{
	const struct post_field *f;
	struct post p;
	const char *s;
	int st, r;

	post_init(&p);
	if ((p.id = post_id_parse(record_get_str(o, "id"))) == 0 ||
	    (s = record_get_str(o, "user_id")) == NULL || strlen(s) >= GRAPH_ID_LEN ||
	    (st = post_state_from_name(record_get_str(o, "state"))) < 0)
		return -EBADMSG;
	strcpy(p.user_id, s);
	p.state = (enum post_state)st;
	s = record_get_str(o, "kind");
	for (p.kind = POST_TEXT; s != NULL && p.kind < POST_REPOST &&
	    strcmp(s, kind_names[p.kind]) != 0; p.kind++)
		;
	for (f = post_fields; f < post_fields + POST_NFIELDS; f++)
		if (field_from_record(o, f, &p) < 0) {
			post_clear(&p);
			return -ENOMEM;
		}
	if ((r = lists_from_record(o, &p)) < 0 ||
	    (r = options_from_record(o, &p)) < 0) {
		post_clear(&p);
		return r;
	}
	*ret = p;
	return 0;
}

/*
 * The record for the flat reader (flatrec.h): the fields of the table
 * above, and the head, the lists and the options, which post_from_record()
 * reads by hand, here by the same rules (a value of another type is the
 * default; a kind it does not know is a repost).  Whatever
 * post_from_record() would refuse, a key given twice (json-c keeps the
 * last) and a list element of another kind than post_record() writes
 * are -ENOTSUP: json-c decides those.
 */
enum flat_kind {
	FL_ID, FL_USER, FL_STATE, FL_KIND, FL_FLAG, FL_STR, FL_GID,
	FL_MEDIA, FL_REPLIES, FL_CHILDREN, FL_POLL, FL_SPOILERS,
};

/* list: the writer of post_fields[] that writes it (NULL: the head). */
#define FL(k, kind, m, list)	{ k, kind, offsetof(struct post, m), list }

static const struct flat_field {
	const char	*key;
	enum flat_kind	 kind;
	size_t		 off;
	enum post_list	 list;
} flat_fields[] = {
	FL("id", FL_ID, id, PL_NONE),
	FL("user_id", FL_USER, user_id, PL_NONE),
	FL("state", FL_STATE, state, PL_NONE),
	FL("kind", FL_KIND, kind, PL_NONE),
	FL("media", FL_MEDIA, media, PL_MEDIA),
	FL("ghost", FL_FLAG, ghost, PL_OPTIONS),
	FL("poll", FL_POLL, poll, PL_OPTIONS),
	FL("spoilers", FL_SPOILERS, spoilers, PL_OPTIONS),
	FL("spoiler_media", FL_FLAG, spoiler_media, PL_OPTIONS),
	FL("attachment", FL_STR, attachment, PL_OPTIONS),
	FL("attachment_link", FL_STR, attachment_link, PL_OPTIONS),
	FL("gif", FL_STR, gif, PL_OPTIONS),
	FL("repost_of", FL_GID, repost_of, PL_OPTIONS),
	FL("replies", FL_REPLIES, replies, PL_REPLIES),
	FL("children", FL_CHILDREN, children, PL_CHILDREN),
};

#undef FL

#define NFLAT_FIELDS	(sizeof(flat_fields) / sizeof(flat_fields[0]))
#define NFLAT_KEYS	(NFLAT_FIELDS + POST_NFIELDS)

_Static_assert(NFLAT_KEYS <= 64, "flat_post.seen is 64 bits");

/*
 * Every key of both tables, in the order post_record() writes them, with
 * its length and its bit (flat_fields' index, or NFLAT_FIELDS + fields'):
 * a record's next key is the one after the last, found at the first
 * comparison.  Made once, from the tables.
 */
static struct flat_key {
	const char	*key;
	size_t		 len;
	unsigned	 bit;
} flat_keys[NFLAT_KEYS];
static size_t nflat_keys;

static void
flat_keys_add(const char *key, unsigned bit, uint64_t *added)
{
	flat_keys[nflat_keys].key = key;
	flat_keys[nflat_keys].len = strlen(key);
	flat_keys[nflat_keys++].bit = bit;
	*added |= UINT64_C(1) << bit;
}

static void
flat_keys_init(void)
{
	uint64_t added = 0;
	size_t i, j;

	for (i = 0; i < NFLAT_FIELDS; i++)
		if (flat_fields[i].list == PL_NONE)
			flat_keys_add(flat_fields[i].key, i, &added);
	for (j = 0; j < POST_NFIELDS; j++) {
		if (post_fields[j].key != NULL) {
			flat_keys_add(post_fields[j].key, NFLAT_FIELDS + j, &added);
			continue;
		}
		for (i = 0; i < NFLAT_FIELDS; i++)
			if (flat_fields[i].list == post_fields[j].list)
				flat_keys_add(flat_fields[i].key, i, &added);
	}
	for (i = 0; i < NFLAT_FIELDS; i++)
		if (!(added & (UINT64_C(1) << i)))
			flat_keys_add(flat_fields[i].key, i, &added);
}

struct flat_post {
	struct post	*p;
	uint64_t	 seen;		/* flat_keys' bits met */
	size_t		 next;		/* the flat_keys entry to try first */
	int		 user_ok;
	int		 state;		/* -1: none */
};

struct flat_media {
	struct post_media m;
	int		 type_ok;
	unsigned	 seen;
};

struct flat_spoiler {
	int64_t		 off;
	int64_t		 len;
	unsigned	 seen;
};

static int
flat_media_member(const char *k, size_t kl, const struct flatrec_val *v,
    void *arg)
{
	static const char *const names[] = { "type", "url", "alt", NULL };
	struct flat_media *fm = arg;
	int bit;

	if ((bit = flatrec_key_bit(k, kl, names, &fm->seen)) <= 0)
		return bit;
	if (bit == 1) {
		fm->type_ok = v->type == FLATREC_STR;
		fm->m.video = flatrec_is(v, "video");
		return 0;
	}
	if (v->type != FLATREC_STR && bit == 2)
		return -ENOTSUP;	/* refused: json-c says so */
	return flat_str(v, bit == 2 ? &fm->m.url : &fm->m.alt);
}

static int
flat_media(size_t i, const struct flatrec_val *v, struct post *p)
{
	struct flat_media fm;
	int r;

	if (i >= POST_MAX_MEDIA || v->type != FLATREC_OBJECT)
		return -ENOTSUP;
	memset(&fm, 0, sizeof(fm));
	r = flatrec_object(v->s, v->len, flat_media_member, &fm);
	if (r == 0 && (!fm.type_ok || fm.m.url == NULL))
		r = -ENOTSUP;
	if (r != 0) {
		free(fm.m.url);
		free(fm.m.alt);
		return r;
	}
	p->media[i] = fm.m;
	p->nmedia = i + 1;
	return 0;
}

static int
flat_spoiler_member(const char *k, size_t kl, const struct flatrec_val *v,
    void *arg)
{
	static const char *const names[] = { "offset", "length", NULL };
	struct flat_spoiler *fs = arg;
	int bit;

	if ((bit = flatrec_key_bit(k, kl, names, &fs->seen)) <= 0)
		return bit;
	*(bit == 1 ? &fs->off : &fs->len) = v->type == FLATREC_INT ? v->i : 0;
	return 0;
}

static int
flat_spoiler(size_t i, const struct flatrec_val *v, struct post *p)
{
	struct flat_spoiler fs = { 0, 0, 0 };
	int r;

	if (i >= POST_SPOILER_MAX || v->type != FLATREC_OBJECT)
		return -ENOTSUP;
	if ((r = flatrec_object(v->s, v->len, flat_spoiler_member, &fs)) != 0)
		return r;
	if (fs.off < 0 || fs.len < 1 || fs.off > UINT32_MAX ||
	    fs.len > UINT32_MAX)
		return -ENOTSUP;
	p->spoilers[i].offset = (uint32_t)fs.off;
	p->spoilers[i].length = (uint32_t)fs.len;
	p->nspoilers = i + 1;
	return 0;
}

/* A list being read: which one, into which post. */
struct flat_elems {
	struct post	*p;
	enum flat_kind	 kind;
};

/* An element of one of the record's lists, by the rules of each. */
static int
flat_element(size_t i, const struct flatrec_val *v, void *arg)
{
	struct flat_elems *fe = arg;
	struct post *p = fe->p;
	uint64_t id;
	int r;

	switch (fe->kind) {
	case FL_MEDIA:
		return flat_media(i, v, p);
	case FL_SPOILERS:
		return flat_spoiler(i, v, p);
	case FL_REPLIES:
		if (v->type == FLATREC_NULL)
			return 0;	/* json-c's string of it is NULL: skipped */
		if (v->type != FLATREC_STR)
			return -ENOTSUP;
		return (id = flat_id(v)) == 0 ? 0 : post_add_reply(p, id);
	case FL_CHILDREN:
		if (i >= POST_MAX_MEDIA || v->type != FLATREC_STR ||
		    v->len >= GRAPH_ID_LEN)
			return -ENOTSUP;
		memcpy(p->children[i], v->s, v->len);
		p->children[i][v->len] = '\0';
		p->nchildren = i + 1;
		return 0;
	default:	/* FL_POLL */
		if (i >= POST_POLL_MAX || v->type != FLATREC_STR)
			return -ENOTSUP;
		if ((r = flat_str(v, &p->poll[i])) < 0)
			return r;
		p->npoll = i + 1;
		return 0;
	}
}

static int
flat_list(const struct flatrec_val *v, enum flat_kind kind, struct post *p)
{
	struct flat_elems fe = { p, kind };

	if (v->type != FLATREC_ARRAY)
		return 0;	/* not a list: none, as json-c reads it */
	return flatrec_array(v->s, v->len, flat_element, &fe);
}

static int
flat_member(const char *key, size_t klen, const struct flatrec_val *v,
    void *arg)
{
	struct flat_post *fp = arg;
	const struct flat_field *f;
	char *base = (char *)fp->p;
	size_t i, j, n;

	for (n = 0, j = fp->next; n < nflat_keys; n++,
	    j = j + 1 == nflat_keys ? 0 : j + 1)
		if (flat_keys[j].len == klen &&
		    memcmp(flat_keys[j].key, key, klen) == 0)
			break;
	if (n == nflat_keys)
		return 0;
	fp->next = j + 1 == nflat_keys ? 0 : j + 1;
	i = flat_keys[j].bit;
	if (fp->seen & (UINT64_C(1) << i))
		return -ENOTSUP;
	fp->seen |= UINT64_C(1) << i;
	if (i >= NFLAT_FIELDS)
		return flat_plain(&post_fields[i - NFLAT_FIELDS], v, fp->p);
	f = &flat_fields[i];
	switch (f->kind) {
	case FL_ID:
		fp->p->id = flat_id(v);
		return 0;
	case FL_USER:
		fp->user_ok = v->type == FLATREC_STR && v->len < GRAPH_ID_LEN;
		if (fp->user_ok) {
			memcpy(fp->p->user_id, v->s, v->len);
			fp->p->user_id[v->len] = '\0';
		}
		return 0;
	case FL_STATE:
		fp->state = -1;
		for (j = 0; j < POST_NSTATES; j++)
			if (flatrec_is(v, post_state_names[j]))
				fp->state = (int)j;
		return 0;
	case FL_KIND:
		/* As post_from_record(): a name it does not know is a repost. */
		if (v->type != FLATREC_STR)
			fp->p->kind = POST_TEXT;
		else
			for (fp->p->kind = POST_TEXT; fp->p->kind < POST_REPOST &&
			    !flatrec_is(v, kind_names[fp->p->kind]); fp->p->kind++)
				;
		return 0;
	case FL_FLAG:
		*(int *)(void *)(base + f->off) = v->type == FLATREC_INT &&
		    v->i != 0;
		return 0;
	case FL_STR:
		return flat_str(v, (char **)(void *)(base + f->off));
	case FL_GID:
		if (v->type == FLATREC_STR && v->len < GRAPH_ID_LEN) {
			memcpy(base + f->off, v->s, v->len);
			base[f->off + v->len] = '\0';
		}
		return 0;
	case FL_MEDIA:
	case FL_REPLIES:
	case FL_CHILDREN:
	case FL_POLL:
	case FL_SPOILERS:
		return flat_list(v, f->kind, fp->p);
	}
	return 0;
}

int
post_from_flat(const char *buf, size_t len, struct post *ret)
{
	struct flat_post fp;
	struct post p;
	int r;

	if (nflat_keys == 0)
		flat_keys_init();
	post_init(&p);
	fp.p = &p;
	fp.seen = 0;
	fp.next = 0;
	fp.user_ok = 0;
	fp.state = -1;
	r = flatrec_object(buf, len, flat_member, &fp);
	if (r == 0 && (p.id == 0 || !fp.user_ok || fp.state < 0))
		r = -ENOTSUP;	/* refused: json-c says why */
	if (r != 0) {
		post_clear(&p);
		return r;
	}
	p.state = (enum post_state)fp.state;
	*ret = p;
	return 0;
}

/*
 * A record as stored: the flat reader, which builds no tree (each
 * transition reads its post, and so do the scans), or json-c for
 * whatever it leaves to it.
 */
int
post_from_val(const MDB_val *v, struct post *ret)
{
	struct json_object *o;
	int r;

	if ((r = post_from_flat(v->mv_data, v->mv_size, ret)) != -ENOTSUP)
		return r;
	if ((r = store_json_from_val(v, &o)) < 0)
		return r;
	r = post_from_record(o, ret);
	json_object_put(o);
	return r;
}
