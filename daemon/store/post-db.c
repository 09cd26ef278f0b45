/*
 * Post records in LMDB: post_get() and post_put(), the only writer (post.c
 * is the record itself: its fields, its JSON, the flat reader).  post_put()
 * reads the stored record to learn which `due` key and tally to move, so
 * the index and the counts "posts.<state>" in meta cannot drift from the
 * records; account.c's account_erase() reads two of its fields, "state"
 * (for the tally) and "next_at" (the time part of the `due` key), so those
 * keep their names and meaning.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "daemon/store/flatrec.h"
#include "daemon/store/post.h"
#include "daemon/store/record.h"
#include "daemon/store/store.h"
#include "daemon/store/wbuf.h"

#define POST_ID_COUNTER		"next.post"

static void
post_key(uint64_t id, uint8_t key[8])
{
	store_be64(key, id);
}

int
post_get(MDB_txn *txn, struct store *st, uint64_t id, struct post *ret)
{
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v;
	int rc;

	post_key(id, key);
	if ((rc = mdb_get(txn, st->posts, &k, &v)) != 0)
		return store_errno(rc);
	return post_from_val(&v, ret);
}

/*
 * A `due` entry's value: the post's due time (be64), its state and
 * whether it is paused, so that what is next due is read from the index
 * alone (status).  Entries written before it have an empty value.
 */
#define DUE_VAL_LEN	10

static void
due_val(const struct post *p, uint8_t v[DUE_VAL_LEN])
{
	store_be64(v, (uint64_t)p->due_at);
	v[8] = (uint8_t)p->state;
	v[9] = p->paused != 0;
}

static int
due_key_op(MDB_txn *txn, struct store *st, int64_t at, const struct post *p,
    int put)
{
	uint8_t key[16], val[DUE_VAL_LEN];
	MDB_val k = { sizeof(key), key }, v = { sizeof(val), val };
	int rc;

	if (at <= 0)
		return 0;
	store_be64(key, (uint64_t)at);
	store_be64(key + 8, p->id);
	due_val(p, val);
	if (put)
		rc = mdb_put(txn, st->due, &k, &v, 0);
	else if ((rc = mdb_del(txn, st->due, &k, NULL)) == MDB_NOTFOUND)
		rc = 0;
	return store_errno(rc);
}

/* The key stays; its value follows the post (an existing key only). */
static int
due_val_update(MDB_txn *txn, struct store *st, const struct post *p)
{
	uint8_t key[16], val[DUE_VAL_LEN];
	MDB_val k = { sizeof(key), key }, v;
	int rc;

	if (p->next_at <= 0)
		return 0;
	store_be64(key, (uint64_t)p->next_at);
	store_be64(key + 8, p->id);
	if ((rc = mdb_get(txn, st->due, &k, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return store_errno(rc);
	due_val(p, val);
	if (v.mv_size == sizeof(val) && memcmp(v.mv_data, val,
	    sizeof(val)) == 0)
		return 0;
	v.mv_size = sizeof(val);
	v.mv_data = val;
	return store_errno(mdb_put(txn, st->due, &k, &v, 0));
}

int
post_due_entry(MDB_txn *txn, struct store *st, const MDB_val *k,
    const MDB_val *v, struct post_due *ret)
{
	const uint8_t *b = v->mv_data;
	struct post p;
	int r;

	if (k->mv_size != 16)
		return -EBADMSG;
	ret->at = (int64_t)store_get_be64(k->mv_data);
	ret->id = store_get_be64((const uint8_t *)k->mv_data + 8);
	if (v->mv_size == DUE_VAL_LEN && b[8] < POST_NSTATES) {
		ret->due_at = (int64_t)store_get_be64(b);
		ret->state = (enum post_state)b[8];
		ret->paused = b[9];
		return 0;
	}
	post_init(&p);
	if ((r = post_get(txn, st, ret->id, &p)) == 0) {
		ret->id = p.id;
		ret->due_at = p.due_at;
		ret->state = p.state;
		ret->paused = p.paused;
	}
	post_clear(&p);
	return r;
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

static unsigned
replies_bucket(const char *user_id)
{
	uint32_t h = 2166136261u;

	for (; *user_id != '\0'; user_id++)
		h = (h ^ (unsigned char)*user_id) * 16777619u;
	return h % STORE_REPLIES_BUCKETS;
}

uint32_t
post_replies_gen(const struct store *st, const char *user_id)
{
	return st->replies_gen[replies_bucket(user_id)];
}

void
post_replies_touch(struct store *st, const char *user_id)
{
	st->replies_gen[replies_bucket(user_id)]++;
}

/*
 * What post_put() needs of the stored record: its `due` key and tally,
 * and whether it is a published reply (post_replies_gen()).
 */
struct post_was {
	int64_t		 next_at;
	int		 state;		/* -1: none */
	int		 reply;		/* a reply_to */
	unsigned	 seen;
};

static int
was_member(const char *k, size_t kl, const struct flatrec_val *v, void *arg)
{
	static const char *const names[] = { "next_at", "state", "reply_to",
	    NULL };
	struct post_was *w = arg;
	int bit, i;

	if ((bit = flatrec_key_bit(k, kl, names, &w->seen)) <= 0)
		return bit;
	if (bit == 1)
		w->next_at = v->type == FLATREC_INT ? v->i : 0;
	else if (bit == 4)
		w->reply = v->type == FLATREC_STR && v->len > 0;
	else {
		w->state = -1;
		for (i = 0; i < POST_NSTATES; i++)
			if (flatrec_is(v, post_state_names[i]))
				w->state = i;
	}
	return 0;
}

/* Without building the record: the flat reader, else json-c. */
static int
post_was(MDB_txn *txn, struct store *st, uint64_t id, struct post_was *ret)
{
	struct json_object *o;
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v;
	const char *s;
	int rc, r;

	post_key(id, key);
	if ((rc = mdb_get(txn, st->posts, &k, &v)) != 0)
		return store_errno(rc);
	ret->next_at = 0;
	ret->state = -1;
	ret->reply = 0;
	ret->seen = 0;
	r = flatrec_object(v.mv_data, v.mv_size, was_member, ret);
	if (r != -ENOTSUP)
		return r;
	if ((r = store_json_from_val(&v, &o)) < 0)
		return r;
	ret->next_at = record_get_int(o, "next_at", 0);
	ret->state = post_state_from_name(record_get_str(o, "state"));
	s = record_get_str(o, "reply_to");
	ret->reply = s != NULL && *s != '\0';
	json_object_put(o);
	return 0;
}

int
post_put(MDB_txn *txn, struct store *st, struct post *p)
{
	struct post_was old;
	uint8_t key[8];
	struct wbuf w;
	int r;

	if (p->id == 0) {
		if ((r = store_next_id(txn, st, POST_ID_COUNTER, &p->id)) < 0)
			return r;
		/* A new post moves the newest ones a count walks. */
		post_replies_touch(st, p->user_id);
		if ((r = account_posts_put(txn, st, p)) < 0 ||
		    (r = tally_add(txn, st, p->state, 1)) < 0 ||
		    (r = due_key_op(txn, st, p->next_at, p, 1)) < 0)
			return r;
	} else {
		if ((r = post_was(txn, st, p->id, &old)) < 0)
			return r;
		if ((old.state == POST_PUBLISHED && old.reply) ||
		    (p->state == POST_PUBLISHED && p->reply_to[0] != '\0'))
			post_replies_touch(st, p->user_id);
		if (old.next_at != p->next_at) {
			if ((r = due_key_op(txn, st, old.next_at, p, 0)) < 0 ||
			    (r = due_key_op(txn, st, p->next_at, p, 1)) < 0)
				return r;
		} else if ((r = due_val_update(txn, st, p)) < 0)
			return r;
		if (old.state != (int)p->state) {
			if (old.state >= 0 && (r = tally_add(txn, st,
			    (enum post_state)old.state, -1)) < 0)
				return r;
			if ((r = tally_add(txn, st, p->state, 1)) < 0)
				return r;
		}
	}
	post_key(p->id, key);
	post_record_write(p, &w);
	return store_put_wbuf(txn, st->posts, key, sizeof(key), &w);
}
