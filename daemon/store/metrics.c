/*
 * Metric snapshots in LMDB.  A key is the user id, a NUL and the time as
 * be64, so one account's snapshots sit together in time order and a seek
 * finds any moment in O(log n).  Records are JSON with a "v" field;
 * unknown numbers are stored as null.  Nothing here logs or keeps state:
 * the pruning position lives in the caller's struct metrics_prune.
 */
#include <errno.h>
#include <string.h>

#include "common/timefmt.h"
#include "daemon/store/metrics.h"
#include "daemon/store/record.h"
#include "daemon/store/store.h"
#include "daemon/store/wbuf.h"

#define SNAPSHOT_RECORD_VERSION	1
#define KEY_MAX			(GRAPH_ID_LEN + 9)
#define HELD_KEY		"metrics.held"
#define HELD_KNOWN		(1u << 16)	/* 0 in meta: not recorded */

const char *const metric_names[METRIC_N] = {
	"followers_count", "views", "likes", "replies", "reposts", "quotes",
	"clicks", "media_count",
};

static const char *const source_names[] = {
	[SOURCE_NONE] = NULL,
	[SOURCE_INSIGHTS] = "insights",
	[SOURCE_LOOKUP] = "profile_lookup",
};

void
snapshot_init(struct snapshot *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < METRIC_N; i++)
		s->v[i] = METRIC_UNKNOWN;
	s->held = METRIC_ALL;
}

const char *
followers_source_name(enum followers_source src)
{
	return src <= SOURCE_LOOKUP ? source_names[src] : NULL;
}

/* user_id || NUL || be64 t; returns the length, 0 when the id is bad. */
static size_t
make_key(uint8_t key[KEY_MAX], const char *user_id, int64_t t)
{
	size_t plen = strlen(user_id) + 1;

	if (plen == 1 || plen > GRAPH_ID_LEN)
		return 0;
	memcpy(key, user_id, plen);
	store_be64(key + plen, (uint64_t)t);
	return plen + 8;
}

static int
has_prefix(const MDB_val *k, const uint8_t *prefix, size_t plen)
{
	return k->mv_size == plen + 8 && memcmp(k->mv_data, prefix, plen) == 0;
}

/*
 * The wire form's members after the time: each metric held (null when
 * unknown), then where the followers count came from.  snapshot_put()
 * writes the record's in the same order.
 */
static void
snapshot_add_values(struct json_object *o, const struct snapshot *s)
{
	size_t i;

	for (i = 0; i < METRIC_N; i++)
		if (s->held & METRIC_BIT(i))
			record_add_count(o, metric_names[i], s->v[i]);
	record_add_str(o, "followers_source",
	    followers_source_name(s->source));
}

/*
 * The record, written straight (wbuf.h): json-c's bytes for the object
 * of "v", "at" and the members snapshot_add_values() lists, without
 * building it.
 */
static int
snapshot_put(MDB_txn *txn, struct store *st, const uint8_t *key,
    size_t klen, const struct snapshot *s)
{
	struct wbuf w;
	size_t i;

	wbuf_init(&w);
	wbuf_add(&w, "{", 1);
	wbuf_int_member(&w, "v", SNAPSHOT_RECORD_VERSION, 0);
	wbuf_int_member(&w, "at", s->at, 0);
	for (i = 0; i < METRIC_N; i++)
		if (s->held & METRIC_BIT(i))
			wbuf_int_member(&w, metric_names[i], s->v[i], 1);
	wbuf_str_member(&w, "followers_source",
	    followers_source_name(s->source));
	wbuf_add(&w, "}", 1);
	return store_put_wbuf(txn, st->metrics, key, klen, &w);
}

static int
snapshot_from_val(const MDB_val *k, const MDB_val *v, struct snapshot *ret)
{
	struct json_object *o, *f;
	const char *s;
	size_t i;
	int r;

	if ((r = store_json_from_val(v, &o)) < 0)
		return r;
	snapshot_init(ret);
	/* The key's time is the truth; the record's "at" is for export. */
	ret->at = (int64_t)store_get_be64((const uint8_t *)k->mv_data +
	    k->mv_size - 8);
	ret->held = 0;
	for (i = 0; i < METRIC_N; i++) {
		if (!json_object_object_get_ex(o, metric_names[i], &f))
			continue;
		ret->held |= METRIC_BIT(i);
		if (json_object_is_type(f, json_type_int) &&
		    json_object_get_int64(f) >= 0)
			ret->v[i] = json_object_get_int64(f);
	}
	if (json_object_object_get_ex(o, "followers_source", &f) &&
	    json_object_is_type(f, json_type_string)) {
		s = json_object_get_string(f);
		if (strcmp(s, "insights") == 0)
			ret->source = SOURCE_INSIGHTS;
		else if (strcmp(s, "profile_lookup") == 0)
			ret->source = SOURCE_LOOKUP;
	}
	json_object_put(o);
	return 0;
}

int
metrics_put(MDB_txn *txn, struct store *st, const char *user_id,
    const struct snapshot *s)
{
	uint8_t key[KEY_MAX];
	size_t klen;

	if ((klen = make_key(key, user_id, s->at)) == 0 || s->at < 0)
		return -EINVAL;
	return snapshot_put(txn, st, key, klen, s);
}

int
metrics_at_or_before(MDB_txn *txn, struct store *st, const char *user_id,
    int64_t t, struct snapshot *ret_snap)
{
	uint8_t key[KEY_MAX];
	MDB_cursor *cur;
	MDB_val k, v;
	size_t klen, plen;
	int rc, r;

	if (t < 0 || (klen = make_key(key, user_id, t)) == 0)
		return -ENOENT;
	plen = klen - 8;
	if ((rc = mdb_cursor_open(txn, st->metrics, &cur)) != 0)
		return store_errno(rc);
	k.mv_size = klen;
	k.mv_data = key;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && (k.mv_size != klen || memcmp(k.mv_data, key, klen) != 0))
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && !has_prefix(&k, key, plen))
		rc = MDB_NOTFOUND;
	r = rc == 0 ? snapshot_from_val(&k, &v, ret_snap) : store_errno(rc);
	mdb_cursor_close(cur);
	return r;
}

/* Positions cur on user_id's first key at or after since. */
static int
range_first(MDB_cursor *cur, const uint8_t *key, size_t klen, MDB_val *k,
    MDB_val *v)
{
	k->mv_size = klen;
	k->mv_data = (void *)key;
	return mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
}

int
metrics_range(MDB_txn *txn, struct store *st, const char *user_id,
    int64_t since, size_t max, int (*fn)(const struct snapshot *, void *),
    void *arg)
{
	struct snapshot s;
	uint8_t key[KEY_MAX];
	MDB_cursor *cur;
	MDB_val k, v;
	size_t klen, plen, n = 0, i, step = 1;
	int rc, r = 0;

	if ((klen = make_key(key, user_id, since < 0 ? 0 : since)) == 0)
		return -EINVAL;
	plen = klen - 8;
	if ((rc = mdb_cursor_open(txn, st->metrics, &cur)) != 0)
		return store_errno(rc);
	/* Counting costs no parsing: it only walks keys. */
	for (rc = range_first(cur, key, klen, &k, &v);
	    rc == 0 && has_prefix(&k, key, plen);
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		n++;
	if (max > 0 && n > max)
		step = (n + max - 1) / max;
	for (i = 0, rc = range_first(cur, key, klen, &k, &v);
	    rc == 0 && r == 0 && i < n && has_prefix(&k, key, plen);
	    i++, rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if ((n - 1 - i) % step != 0)
			continue;
		if (snapshot_from_val(&k, &v, &s) < 0)
			continue;	/* a damaged record is skipped */
		r = fn(&s, arg);
	}
	mdb_cursor_close(cur);
	if (r != 0)
		return r;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

struct json_object *
snapshot_to_json(const struct snapshot *s)
{
	struct json_object *o = json_object_new_object();
	char when[TIMEFMT_LEN];

	json_object_object_add(o, "at", json_object_new_string(
	    timefmt_format(s->at, when, sizeof(when))));
	snapshot_add_values(o, s);
	return o;
}

void
metrics_prune_begin(struct metrics_prune *mp)
{
	memset(mp, 0, sizeof(*mp));
}

/*
 * A step of a walk that resumes (pruning, stripping): a cursor on the
 * metrics (*ret_cur) at the first key at or after where mp's last step
 * stopped, with the seek's LMDB result in *ret_rc.  0, or -errno with
 * no cursor.
 */
static int
walk_resume(MDB_txn *txn, struct store *st, const struct metrics_prune *mp,
    MDB_cursor **ret_cur, MDB_val *k, MDB_val *v, int *ret_rc)
{
	int rc;

	*ret_rc = MDB_NOTFOUND;	/* also on failure: -O3 cannot tell */
	if ((rc = mdb_cursor_open(txn, st->metrics, ret_cur)) != 0)
		return store_errno(rc);
	if (mp->poslen == 0)
		*ret_rc = mdb_cursor_get(*ret_cur, k, v, MDB_FIRST);
	else {
		k->mv_size = mp->poslen;
		k->mv_data = (void *)mp->pos;
		*ret_rc = mdb_cursor_get(*ret_cur, k, v, MDB_SET_RANGE);
	}
	return 0;
}

/*
 * Within one account the oldest keys come first, so a step deletes from
 * the start of a prefix until it meets a young snapshot, then seeks past
 * the prefix: "id" NUL sorts before "id" 0x01, which sorts before every
 * other id (ids are digits).  A cursor is re-positioned after each
 * delete rather than trusted to have moved.
 */
int
metrics_prune_step(MDB_txn *txn, struct store *st, struct metrics_prune *mp,
    int64_t cutoff, int budget)
{
	uint8_t buf[KEY_MAX];
	const uint8_t *p, *nul;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t plen;
	int rc, r;

	if (mp->done)
		return 0;
	if ((r = walk_resume(txn, st, mp, &cur, &k, &v, &rc)) < 0)
		return r;
	while (rc == 0 && budget-- > 0) {
		p = k.mv_data;
		nul = k.mv_size > 8 ? memchr(p, '\0', k.mv_size - 8) : NULL;
		if (nul == NULL || k.mv_size > KEY_MAX) {
			/* Not a snapshot key: leave it alone. */
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
			continue;
		}
		plen = (size_t)(nul - p);
		memcpy(buf, p, k.mv_size);
		if ((int64_t)store_get_be64(p + k.mv_size - 8) < cutoff &&
		    k.mv_size == plen + 9) {
			if ((rc = mdb_cursor_del(cur, 0)) != 0)
				break;
			mp->deleted++;
			k.mv_size = plen + 9;
		} else {
			buf[plen] = 0x01;
			k.mv_size = plen + 1;
		}
		k.mv_data = buf;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	}
	if (rc == 0) {
		/* A foreign key too long to keep: restart just before it. */
		mp->poslen = k.mv_size < sizeof(mp->pos) ? k.mv_size :
		    sizeof(mp->pos);
		memcpy(mp->pos, k.mv_data, mp->poslen);
	} else if (rc == MDB_NOTFOUND)
		mp->done = 1;
	mdb_cursor_close(cur);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

int
metrics_prune_account(MDB_txn *txn, struct store *st, const char *user_id,
    int64_t cutoff, int budget, size_t *ret_deleted)
{
	uint8_t key[KEY_MAX];
	MDB_cursor *cur;
	MDB_val k, v;
	size_t klen, plen;
	int rc;

	if ((klen = make_key(key, user_id, 0)) == 0)
		return -EINVAL;
	plen = klen - 8;
	if ((rc = mdb_cursor_open(txn, st->metrics, &cur)) != 0)
		return store_errno(rc);
	/* The oldest first: delete until a young one, or the next account. */
	for (rc = range_first(cur, key, klen, &k, &v);
	    rc == 0 && budget-- > 0 && has_prefix(&k, key, plen) &&
	    (int64_t)store_get_be64((const uint8_t *)k.mv_data + plen) <
	    cutoff;
	    rc = range_first(cur, key, klen, &k, &v)) {
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
		(*ret_deleted)++;
	}
	mdb_cursor_close(cur);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

int
metrics_held_add(MDB_txn *txn, struct store *st, unsigned keep)
{
	uint64_t held;
	int r;

	keep |= METRIC_BASIC;
	if ((r = store_meta_get_u64(txn, st, HELD_KEY, &held)) < 0)
		return r;
	if (!(held & HELD_KNOWN) || (held & keep) == keep)
		return 0;	/* unknown is everything already */
	return store_meta_put_u64(txn, st, HELD_KEY, held | keep);
}

int
metrics_strip_needed(MDB_txn *txn, struct store *st, unsigned keep,
    int *ret_needed)
{
	uint64_t held;
	int r;

	keep |= METRIC_BASIC;
	if ((r = store_meta_get_u64(txn, st, HELD_KEY, &held)) < 0)
		return r;
	*ret_needed = !(held & HELD_KNOWN) ||
	    (held & METRIC_ALL & ~(uint64_t)keep) != 0;
	return 0;
}

/*
 * Walks every snapshot key in order, rewriting the records that hold a
 * metric outside keep; the key stays, so the cursor's place holds.
 * Rare (after the operator turns a metric off), so simple: every key.
 */
int
metrics_strip_step(MDB_txn *txn, struct store *st, struct metrics_prune *mp,
    unsigned keep, int budget)
{
	struct snapshot s;
	uint8_t buf[KEY_MAX];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, r = 0;

	if (mp->done)
		return 0;
	keep |= METRIC_BASIC;
	if ((r = walk_resume(txn, st, mp, &cur, &k, &v, &rc)) < 0)
		return r;
	for (; rc == 0 && budget-- > 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size <= 8 || k.mv_size > KEY_MAX ||
		    snapshot_from_val(&k, &v, &s) < 0 || !(s.held & ~keep))
			continue;
		s.held &= keep;
		mp->deleted++;
		memcpy(buf, k.mv_data, k.mv_size);
		if ((r = snapshot_put(txn, st, buf, k.mv_size, &s)) < 0)
			break;
		/* Back to the rewritten key; the loop steps past it. */
		k.mv_data = buf;
		if ((rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)) != 0)
			break;
	}
	if (r == 0 && rc == 0) {
		mp->poslen = k.mv_size < sizeof(mp->pos) ? k.mv_size :
		    sizeof(mp->pos);
		memcpy(mp->pos, k.mv_data, mp->poslen);
	} else if (r == 0 && rc == MDB_NOTFOUND) {
		mp->done = 1;
		r = store_meta_put_u64(txn, st, HELD_KEY, HELD_KNOWN | keep);
	}
	mdb_cursor_close(cur);
	if (r < 0)
		return r;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}
