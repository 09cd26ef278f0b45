/*
 * Post records in LMDB.  The record is JSON with a "v" field; account.c's
 * account_erase() reads two of its fields, "state" (for the tally) and
 * "next_at" (the time part of the `due` key), so those keep their names
 * and meaning.  post_put() is the only writer: it reads the stored record
 * to learn which `due` key and tally to move, so the index and the counts
 * "posts.<state>" in meta cannot drift from the records.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "post.h"
#include "record.h"
#include "store.h"

#define POST_RECORD_VERSION	1
#define POST_ID_COUNTER		"next.post"

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

/* An empty string is not kept: the record holds what was given. */
static void
add_str(struct json_object *o, const char *k, const char *v)
{
	record_add_str(o, k, v != NULL && *v != '\0' ? v : NULL);
}

static void
add_id(struct json_object *o, const char *k, uint64_t id)
{
	char buf[POST_ID_LEN];

	add_str(o, k, id != 0 ? post_id_str(id, buf) : NULL);
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

/*
 * The newer options (Create Posts: ghost posts, polls, spoilers, text
 * attachments, GIFs, reposts).  Each key is written only when set, so a
 * record from before them reads back as a post without them.
 */
static void
options_record(struct json_object *o, const struct post *p)
{
	struct json_object *arr, *sp;
	size_t i;

	if (p->ghost)
		record_add_int(o, "ghost", 1);
	if (p->npoll > 0) {
		arr = json_object_new_array();
		for (i = 0; i < p->npoll; i++)
			json_object_array_add(arr,
			    json_object_new_string(p->poll[i]));
		json_object_object_add(o, "poll", arr);
	}
	if (p->nspoilers > 0) {
		arr = json_object_new_array();
		for (i = 0; i < p->nspoilers; i++) {
			sp = json_object_new_object();
			record_add_int(sp, "offset", p->spoilers[i].offset);
			record_add_int(sp, "length", p->spoilers[i].length);
			json_object_array_add(arr, sp);
		}
		json_object_object_add(o, "spoilers", arr);
	}
	if (p->spoiler_media)
		record_add_int(o, "spoiler_media", 1);
	if (p->attachment != NULL)
		add_str(o, "attachment", p->attachment);
	if (p->attachment_link != NULL)
		add_str(o, "attachment_link", p->attachment_link);
	if (p->gif != NULL)
		add_str(o, "gif", p->gif);
	if (p->repost_of[0] != '\0')
		add_str(o, "repost_of", p->repost_of);
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
	if (json_object_object_get_ex(o, "poll", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
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
	if (json_object_object_get_ex(o, "spoilers", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
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

static void
media_record(struct json_object *o, const struct post *p)
{
	struct json_object *arr, *m;
	size_t i;

	arr = json_object_new_array();
	for (i = 0; i < p->nmedia; i++) {
		m = json_object_new_object();
		add_str(m, "type", p->media[i].video ? "video" : "image");
		add_str(m, "url", p->media[i].url);
		add_str(m, "alt", p->media[i].alt);
		json_object_array_add(arr, m);
	}
	json_object_object_add(o, "media", arr);
}

static void
replies_record(struct json_object *o, const struct post *p)
{
	struct json_object *arr;
	char buf[POST_ID_LEN];
	size_t i;

	arr = json_object_new_array();
	for (i = 0; i < p->nreplies; i++)
		json_object_array_add(arr, json_object_new_string(
		    post_id_str(p->replies[i], buf)));
	json_object_object_add(o, "replies", arr);
}

static void
children_record(struct json_object *o, const struct post *p)
{
	struct json_object *arr;
	size_t i;

	arr = json_object_new_array();
	for (i = 0; i < p->nchildren; i++)
		json_object_array_add(arr,
		    json_object_new_string(p->children[i]));
	json_object_object_add(o, "children", arr);
}

/*
 * The record's fields after its head (v, id, user_id, state, kind), in
 * the order they are written, each under its field's name: an int64_t
 * (F_TIME), an int (F_NUM), a string (F_STR), an id buffer (F_GID), a
 * queued post's id (F_PID), or a list written by its own function in
 * its place (F_LIST: media, the options, replies, children), which
 * post_from_record() reads by hand.
 */
enum field_kind { F_TIME, F_NUM, F_STR, F_GID, F_PID, F_LIST };

#define FIELD(f, k)	{ #f, k, offsetof(struct post, f), NULL }
#define LIST(fn)	{ NULL, F_LIST, 0, fn }
static const struct field {
	const char	*key;
	enum field_kind	 kind;
	size_t		 off;
	void		(*list)(struct json_object *, const struct post *);
} fields[] = {
	FIELD(due_at, F_TIME),
	FIELD(next_at, F_TIME),
	FIELD(created_at, F_TIME),
	FIELD(text, F_STR),
	LIST(media_record),
	FIELD(reply_to_post, F_PID),
	FIELD(reply_to, F_GID),
	FIELD(reply_control, F_STR),
	FIELD(quote, F_GID),
	FIELD(link, F_STR),
	FIELD(topic, F_STR),
	LIST(options_record),
	LIST(replies_record),
	FIELD(attempts, F_NUM),
	FIELD(tries, F_NUM),
	FIELD(container, F_GID),
	LIST(children_record),
	FIELD(quota_ok_at, F_TIME),
	FIELD(publish_at, F_TIME),
	FIELD(check, F_NUM),
	FIELD(paused, F_NUM),
	FIELD(searches, F_NUM),
	FIELD(remakes, F_NUM),
	FIELD(staged_at, F_TIME),
	FIELD(notready, F_NUM),
	FIELD(stuck, F_NUM),
	FIELD(media_id, F_GID),
	FIELD(media_unknown, F_NUM),
	FIELD(permalink, F_STR),
	FIELD(error, F_STR),
	FIELD(published_at, F_TIME),
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

struct json_object *
post_record(const struct post *p)
{
	struct json_object *o;
	const struct field *f;
	const char *v;

	o = json_object_new_object();
	record_add_int(o, "v", POST_RECORD_VERSION);
	add_id(o, "id", p->id);
	add_str(o, "user_id", p->user_id);
	add_str(o, "state", post_state_names[p->state]);
	add_str(o, "kind", post_kind_name(p->kind));
	for (f = fields; f < fields + NFIELDS; f++) {
		v = (const char *)p + f->off;
		switch (f->kind) {
		case F_TIME:
			record_add_int(o, f->key,
			    *(const int64_t *)(const void *)v);
			break;
		case F_NUM:
			record_add_int(o, f->key,
			    *(const int *)(const void *)v);
			break;
		case F_STR:
			add_str(o, f->key, *(char *const *)(const void *)v);
			break;
		case F_GID:
			add_str(o, f->key, v);
			break;
		case F_PID:
			add_id(o, f->key, *(const uint64_t *)(const void *)v);
			break;
		case F_LIST:
			f->list(o, p);
			break;
		}
	}
	return o;
}

/* A field of the table from o into p; -ENOMEM. */
static int
field_from_record(struct json_object *o, const struct field *f,
    struct post *p)
{
	char *v = (char *)p + f->off;

	switch (f->kind) {
	case F_TIME:
		*(int64_t *)(void *)v = record_get_int(o, f->key, 0);
		break;
	case F_NUM:
		*(int *)(void *)v = (int)record_get_int(o, f->key, 0);
		break;
	case F_STR:
		return post_set_str((char **)(void *)v,
		    record_get_str(o, f->key));
	case F_GID:
		get_id(o, f->key, v);
		break;
	case F_PID:
		*(uint64_t *)(void *)v = post_id_parse(record_get_str(o,
		    f->key));
		break;
	case F_LIST:
		break;
	}
	return 0;
}

static int
media_from_record(struct json_object *o, struct post *p)
{
	struct json_object *arr, *m;
	const char *type;
	size_t i, n;

	if (!json_object_object_get_ex(o, "media", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return 0;
	n = json_object_array_length(arr);
	if (n > POST_MAX_MEDIA)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(arr, i);
		if ((type = record_get_str(m, "type")) == NULL ||
		    record_get_str(m, "url") == NULL)
			return -EBADMSG;
		p->media[i].video = strcmp(type, "video") == 0;
		if (post_set_str(&p->media[i].url, record_get_str(m, "url")) < 0 ||
		    post_set_str(&p->media[i].alt, record_get_str(m, "alt")) < 0) {
			p->nmedia = i + 1;
			return -ENOMEM;
		}
		p->nmedia = i + 1;
	}
	return 0;
}

static int
lists_from_record(struct json_object *o, struct post *p)
{
	struct json_object *arr, *v;
	const char *s;
	size_t i, n;

	if (json_object_object_get_ex(o, "replies", &arr) &&
	    json_object_is_type(arr, json_type_array) &&
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
	if (json_object_object_get_ex(o, "children", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
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
	const struct field *f;
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
	for (f = fields; f < fields + NFIELDS; f++)
		if (field_from_record(o, f, &p) < 0) {
			post_clear(&p);
			return -ENOMEM;
		}
	if ((r = media_from_record(o, &p)) < 0 ||
	    (r = lists_from_record(o, &p)) < 0 ||
	    (r = options_from_record(o, &p)) < 0) {
		post_clear(&p);
		return r;
	}
	*ret = p;
	return 0;
}

static void
post_key(uint64_t id, uint8_t key[8])
{
	store_be64(key, id);
}

int
post_get(MDB_txn *txn, struct store *st, uint64_t id, struct post *ret)
{
	struct json_object *o;
	uint8_t key[8];
	int r;

	post_key(id, key);
	if ((r = store_get_json(txn, st->posts, key, sizeof(key), &o)) < 0)
		return r;
	r = post_from_record(o, ret);
	json_object_put(o);
	return r;
}

static int
due_key_op(MDB_txn *txn, struct store *st, int64_t at, uint64_t id, int put)
{
	uint8_t key[16];
	MDB_val k = { sizeof(key), key }, v = { 0, "" };
	int rc;

	if (at <= 0)
		return 0;
	store_be64(key, (uint64_t)at);
	store_be64(key + 8, id);
	if (put)
		rc = mdb_put(txn, st->due, &k, &v, 0);
	else if ((rc = mdb_del(txn, st->due, &k, NULL)) == MDB_NOTFOUND)
		rc = 0;
	return store_errno(rc);
}

static int
tally_add(MDB_txn *txn, struct store *st, enum post_state s, int delta)
{
	char name[32];
	uint64_t n;
	int r;

	snprintf(name, sizeof(name), "posts.%s", post_state_names[s]);
	if ((r = store_meta_get_u64(txn, st, name, &n)) < 0)
		return r;
	if (delta < 0 && n == 0)
		return 0;	/* never below zero */
	return store_meta_put_u64(txn, st, name, n + delta);
}

static int
account_posts_put(MDB_txn *txn, struct store *st, const struct post *p)
{
	uint8_t key[GRAPH_ID_LEN + 1 + 8];
	size_t len = strlen(p->user_id) + 1;
	MDB_val k = { len + 8, key }, v = { 0, "" };

	memcpy(key, p->user_id, len);	/* the id and its NUL */
	store_be64(key + len, p->id);
	return store_errno(mdb_put(txn, st->account_posts, &k, &v, 0));
}

int
post_put(MDB_txn *txn, struct store *st, struct post *p)
{
	struct json_object *o, *old = NULL;
	uint8_t key[8];
	int64_t old_next;
	int old_state, r;

	if (p->id == 0) {
		if ((r = store_next_id(txn, st, POST_ID_COUNTER, &p->id)) < 0)
			return r;
		if ((r = account_posts_put(txn, st, p)) < 0 ||
		    (r = tally_add(txn, st, p->state, 1)) < 0 ||
		    (r = due_key_op(txn, st, p->next_at, p->id, 1)) < 0)
			return r;
	} else {
		post_key(p->id, key);
		r = store_get_json(txn, st->posts, key, sizeof(key), &old);
		if (r < 0)
			return r;
		old_next = record_get_int(old, "next_at", 0);
		old_state = post_state_from_name(record_get_str(old, "state"));
		json_object_put(old);
		if (old_next != p->next_at &&
		    ((r = due_key_op(txn, st, old_next, p->id, 0)) < 0 ||
		    (r = due_key_op(txn, st, p->next_at, p->id, 1)) < 0))
			return r;
		if (old_state != (int)p->state) {
			if (old_state >= 0 && (r = tally_add(txn, st,
			    (enum post_state)old_state, -1)) < 0)
				return r;
			if ((r = tally_add(txn, st, p->state, 1)) < 0)
				return r;
		}
	}
	post_key(p->id, key);
	o = post_record(p);
	r = store_put_json(txn, st->posts, key, sizeof(key), o);
	json_object_put(o);
	return r;
}

struct json_object *
post_to_json(const struct post *p, const char *username)
{
	struct json_object *o = json_object_new_object();

	add_id(o, "id", p->id);
	add_str(o, "user_id", p->user_id);
	add_str(o, "username", username);
	add_str(o, "state", post_state_names[p->state]);
	record_add_time(o, "due_at", p->due_at);
	add_str(o, "kind", post_kind_name(p->kind));
	add_str(o, "text", p->text);
	/*
	 * A reply also says what it replies to (a queued post's id, or a
	 * media id), so the queue can show it; other posts keep exactly
	 * DESIGN.md's fields.
	 */
	if (p->reply_to_post != 0)
		add_id(o, "reply_to_post", p->reply_to_post);
	if (p->reply_to[0] != '\0')
		add_str(o, "reply_to", p->reply_to);
	record_add_int(o, "attempts", p->attempts);
	add_str(o, "media_id", p->media_id);
	add_str(o, "permalink", p->permalink);
	add_str(o, "error", p->error);
	record_add_time(o, "published_at", p->published_at);
	return o;
}
