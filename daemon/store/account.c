/*
 * Account records in LMDB.  The record is JSON with a "v" field; the
 * username index maps names to user ids; the sealed token sits apart in
 * `secrets` so a listing never touches it.  Keys of the per-account
 * databases (metrics, account_posts) start with the user id and a NUL, so
 * one account's prefix never matches another's ("12" vs "123").
 *
 * The due index (account_due) holds, for each account, the times its
 * owners act on, one key each: kind || be64 time || user id.  The
 * times are the record's own (a last poll, a token's expiry), never
 * one computed from the configuration, so a reload changes nothing in
 * it; an owner turns its configuration into a range of keys to read
 * (account.h).  account_put() keeps it in step with the record, from
 * the old record it reads anyway; a store from before the index gets
 * it built at open (account_due_check()).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon/store/account.h"
#include "daemon/store/record.h"
#include "daemon/store/flatrec.h"
#include "daemon/store/post.h"
#include "daemon/store/seal.h"
#include "daemon/store/status.h"
#include "daemon/store/store.h"
#include "daemon/store/wbuf.h"

#define ACCOUNT_RECORD_VERSION	1

static const char *const state_names[ACCOUNT_NSTATES] = {
	[ACCOUNT_ACTIVE] = "active",
	[ACCOUNT_REAUTH_REQUIRED] = "reauth_required",
	[ACCOUNT_REVOKED] = "revoked",
};

/* Process-wide like the configuration it mirrors; see account.h. */
static int64_t forget_after = 30 * 86400;

const char *
account_state_name(enum account_state s)
{
	return (unsigned)s < ACCOUNT_NSTATES ? state_names[s] : "active";
}

void
account_set_forget_after(int64_t secs)
{
	forget_after = secs;
}

int64_t
account_forget_at(const struct account *a)
{
	if (a->state != ACCOUNT_REVOKED || a->revoked_at <= 0 ||
	    forget_after <= 0)
		return 0;
	return a->revoked_at + forget_after;
}

void
account_init(struct account *a)
{
	memset(a, 0, sizeof(*a));
	a->followers = a->following = a->media = ACCOUNT_UNKNOWN;
}

void
account_clear(struct account *a)
{
	free(a->username);
	free(a->name);
	free(a->picture_url);
	account_init(a);
}

int
account_copy(struct account *dst, const struct account *src)
{
	*dst = *src;
	dst->username = dst->name = dst->picture_url = NULL;
	if (account_set_str(&dst->username, src->username) < 0 ||
	    account_set_str(&dst->name, src->name) < 0 ||
	    account_set_str(&dst->picture_url, src->picture_url) < 0) {
		account_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

/* The fields the record and the wire form share, under the same names. */
static struct json_object *
account_common(const struct account *a)
{
	struct json_object *o = json_object_new_object();

	record_add_str(o, "user_id", a->user_id);
	record_add_str(o, "username", a->username);
	record_add_str(o, "name", a->name);
	record_add_str(o, "profile_picture_url", a->picture_url);
	record_add_count(o, "followers_count", a->followers);
	record_add_count(o, "following_count", a->following);
	record_add_count(o, "media_count", a->media);
	record_add_str(o, "state", account_state_name(a->state));
	return o;
}

/*
 * The record's times and counters, in the order they are written: each
 * under its field's name, an int or an int64_t, 0 when absent.
 */
#define NUMBER(f)	{ #f, offsetof(struct account, f),		\
	sizeof(((struct account *)0)->f) == sizeof(int) }
static const struct {
	const char	*name;
	size_t		 off;
	int		 is_int;
} numbers[] = {
	NUMBER(added_at),
	NUMBER(token_issued_at),
	NUMBER(token_expires_at),
	NUMBER(last_poll_at),
	NUMBER(refresh_retry_at),
	NUMBER(refresh_failures),
	NUMBER(expiry_warned_at),
	NUMBER(poll_retry_at),
	NUMBER(poll_failures),
	NUMBER(insights_refused),
	NUMBER(insights_refused_at),
	NUMBER(media_counted_at),
	NUMBER(media_newest_at),
	NUMBER(media_newest_n),
	NUMBER(revoked_at),
	NUMBER(forget_warned_at),
};
#define NNUMBERS	(sizeof(numbers) / sizeof(numbers[0]))

/*
 * The record as json-c writes it (members in the order account_common()
 * and numbers[] give them), written straight (wbuf.h): test-account
 * checks that json-c writes these bytes again from what it reads of them.
 */
static void
account_record(const struct account *a, struct wbuf *w)
{
	const char *p;
	size_t i;

	wbuf_init(w);
	wbuf_add(w, "{", 1);
	wbuf_str_member(w, "user_id", a->user_id);
	wbuf_str_member(w, "username", a->username);
	wbuf_str_member(w, "name", a->name);
	wbuf_str_member(w, "profile_picture_url", a->picture_url);
	wbuf_int_member(w, "followers_count", a->followers, 1);
	wbuf_int_member(w, "following_count", a->following, 1);
	wbuf_int_member(w, "media_count", a->media, 1);
	wbuf_str_member(w, "state", account_state_name(a->state));
	wbuf_int_member(w, "v", ACCOUNT_RECORD_VERSION, 0);
	for (i = 0; i < NNUMBERS; i++) {
		p = (const char *)a + numbers[i].off;
		wbuf_int_member(w, numbers[i].name, numbers[i].is_int ?
		    *(const int *)(const void *)p :
		    *(const int64_t *)(const void *)p, 0);
	}
	wbuf_add(w, "}", 1);
}

static int
account_from_record(struct json_object *o, struct account *a)
{
	const char *s;
	char *p;
	int64_t v;
	size_t j;
	int i;

	account_init(a);
	if ((s = record_get_str(o, "user_id")) == NULL ||
	    strlen(s) >= sizeof(a->user_id) ||
	    record_get_str(o, "username") == NULL)
		return -EBADMSG;
	strcpy(a->user_id, s);
	if (account_set_str(&a->username, record_get_str(o, "username")) < 0 ||
	    account_set_str(&a->name, record_get_str(o, "name")) < 0 ||
	    account_set_str(&a->picture_url,
	    record_get_str(o, "profile_picture_url")) < 0) {
		account_clear(a);
		return -ENOMEM;
	}
	a->followers = record_get_int(o, "followers_count", ACCOUNT_UNKNOWN);
	a->following = record_get_int(o, "following_count", ACCOUNT_UNKNOWN);
	a->media = record_get_int(o, "media_count", ACCOUNT_UNKNOWN);
	s = record_get_str(o, "state");
	a->state = ACCOUNT_ACTIVE;
	for (i = 0; s != NULL && i < ACCOUNT_NSTATES; i++)
		if (strcmp(s, state_names[i]) == 0)
			a->state = i;
	for (j = 0; j < NNUMBERS; j++) {
		v = record_get_int(o, numbers[j].name, 0);
		p = (char *)a + numbers[j].off;
		if (numbers[j].is_int)
			*(int *)(void *)p = (int)v;
		else
			*(int64_t *)(void *)p = v;
	}
	return 0;
}

/*
 * The record's fields for the flat reader: what account_from_record()
 * reads, by the same rules (a value of another type is the default, the
 * last of a repeated key wins).
 */
enum field_kind { F_ID, F_STR, F_COUNT, F_TIME, F_NUM, F_STATE };

#define FIELD(k, kind, f)	{ k, sizeof(k) - 1, kind,		\
	offsetof(struct account, f) }
static const struct field {
	const char	*key;
	size_t		 klen;
	enum field_kind	 kind;
	size_t		 off;
} fields[] = {
	FIELD("user_id", F_ID, user_id),
	FIELD("username", F_STR, username),
	FIELD("name", F_STR, name),
	FIELD("profile_picture_url", F_STR, picture_url),
	FIELD("followers_count", F_COUNT, followers),
	FIELD("following_count", F_COUNT, following),
	FIELD("media_count", F_COUNT, media),
	FIELD("state", F_STATE, state),
	FIELD("added_at", F_TIME, added_at),
	FIELD("token_issued_at", F_TIME, token_issued_at),
	FIELD("token_expires_at", F_TIME, token_expires_at),
	FIELD("last_poll_at", F_TIME, last_poll_at),
	FIELD("refresh_retry_at", F_TIME, refresh_retry_at),
	FIELD("refresh_failures", F_NUM, refresh_failures),
	FIELD("expiry_warned_at", F_TIME, expiry_warned_at),
	FIELD("poll_retry_at", F_TIME, poll_retry_at),
	FIELD("poll_failures", F_NUM, poll_failures),
	FIELD("insights_refused", F_NUM, insights_refused),
	FIELD("insights_refused_at", F_TIME, insights_refused_at),
	FIELD("media_counted_at", F_TIME, media_counted_at),
	FIELD("media_newest_at", F_TIME, media_newest_at),
	FIELD("media_newest_n", F_NUM, media_newest_n),
	FIELD("revoked_at", F_TIME, revoked_at),
	FIELD("forget_warned_at", F_TIME, forget_warned_at),
};
#define NFIELDS		(sizeof(fields) / sizeof(fields[0]))

struct flat {
	struct account	*a;
	int		 has_id;
	size_t		 next;		/* the field expected next */
};

/*
 * The field named key: records are written in the order of fields[]
 * (less "v"), so the one after the last found is tried first.
 */
static const struct field *
flat_lookup(struct flat *fl, const char *key, size_t klen)
{
	const struct field *f;
	size_t i, n;

	for (n = 0, i = fl->next; n < NFIELDS; n++, i = (i + 1) % NFIELDS) {
		f = &fields[i];
		if (f->klen == klen && memcmp(f->key, key, klen) == 0) {
			fl->next = (i + 1) % NFIELDS;
			return f;
		}
	}
	return NULL;
}

static int
flat_field(const char *key, size_t klen, const struct flatrec_val *v,
    void *arg)
{
	struct flat *fl = arg;
	const struct field *f;
	char *base = (char *)fl->a, **sp, *s;
	int i;

	if ((f = flat_lookup(fl, key, klen)) == NULL)
		return 0;
	switch (f->kind) {
	case F_ID:
		fl->has_id = v->type == FLATREC_STR &&
		    v->len < sizeof(fl->a->user_id);
		if (fl->has_id) {
			memcpy(fl->a->user_id, v->s, v->len);
			fl->a->user_id[v->len] = '\0';
		}
		return 0;
	case F_STR:
		sp = (char **)(base + f->off);
		s = NULL;
		if (v->type == FLATREC_STR && (s = strndup(v->s, v->len)) ==
		    NULL)
			return -ENOMEM;
		free(*sp);
		*sp = s;
		return 0;
	case F_COUNT:
		*(int64_t *)(base + f->off) = v->type == FLATREC_INT ? v->i :
		    ACCOUNT_UNKNOWN;
		return 0;
	case F_TIME:
		*(int64_t *)(base + f->off) = v->type == FLATREC_INT ? v->i : 0;
		return 0;
	case F_NUM:
		*(int *)(base + f->off) = v->type == FLATREC_INT ? (int)v->i : 0;
		return 0;
	case F_STATE:
		fl->a->state = ACCOUNT_ACTIVE;
		for (i = 0; v->type == FLATREC_STR && i < ACCOUNT_NSTATES; i++)
			if (strlen(state_names[i]) == v->len &&
			    memcmp(state_names[i], v->s, v->len) == 0)
				fl->a->state = i;
		return 0;
	}
	return 0;
}

/*
 * A record as stored: the flat reader, which builds nothing (the
 * poller's and the token keeper's scans read every record), or json-c
 * for whatever it leaves to it.
 */
static int
account_from_val(const MDB_val *v, struct account *a)
{
	struct flat fl = { a, 0, 0 };
	struct json_object *o;
	int r;

	account_init(a);
	r = flatrec_each(v->mv_data, v->mv_size, flat_field, &fl);
	if (r == 0 && (!fl.has_id || a->username == NULL))
		r = -EBADMSG;
	if (r != -ENOTSUP) {
		if (r < 0)
			account_clear(a);
		return r;
	}
	account_clear(a);
	if ((r = store_json_from_val(v, &o)) < 0)
		return r;
	r = account_from_record(o, a);
	json_object_put(o);
	return r;
}

int
account_get_by_id(MDB_txn *txn, struct store *st, const char *user_id,
    struct account *ret)
{
	MDB_val k = { strlen(user_id), (void *)user_id }, v;
	int rc;

	if ((rc = mdb_get(txn, st->accounts, &k, &v)) != 0)
		return store_errno(rc);
	return account_from_val(&v, ret);
}

int
account_get(MDB_txn *txn, struct store *st, const char *key,
    struct account *ret)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	char id[GRAPH_ID_LEN];
	int rc, r;

	if (k.mv_size == 0)
		return -ENOENT;
	r = account_get_by_id(txn, st, key, ret);
	if (r != -ENOENT)
		return r;
	if ((rc = mdb_get(txn, st->names, &k, &v)) != 0)
		return store_errno(rc);
	if (v.mv_size == 0 || v.mv_size >= sizeof(id))
		return -EBADMSG;
	memcpy(id, v.mv_data, v.mv_size);
	id[v.mv_size] = '\0';
	return account_get_by_id(txn, st, id, ret);
}

/* The index keys of a record, by kind; time < 0: no key of that kind. */
struct due_keys {
	int64_t		 at[ACCOUNT_DUE_NKINDS];
};

static const char due_kinds[ACCOUNT_DUE_NKINDS] = {
	ACCOUNT_DUE_POLL_RETRY, ACCOUNT_DUE_POLL_LAST, ACCOUNT_DUE_STALE,
	ACCOUNT_DUE_EXPIRES, ACCOUNT_DUE_REFRESH_RETRY, ACCOUNT_DUE_ISSUED,
	ACCOUNT_DUE_STATE, ACCOUNT_DUE_REVOKED,
};

static void
due_keys(const struct account *a, struct due_keys *k)
{
	size_t i;

	for (i = 0; i < ACCOUNT_DUE_NKINDS; i++)
		k->at[i] = -1;
	if (a == NULL)
		return;
	if (a->state != ACCOUNT_ACTIVE) {
		k->at[6] = 0;
		if (a->state == ACCOUNT_REVOKED && a->revoked_at > 0)
			k->at[7] = a->revoked_at;
		return;
	}
	if (a->poll_retry_at > 0)
		k->at[0] = a->poll_retry_at;
	else
		k->at[1] = a->last_poll_at > 0 ? a->last_poll_at : 0;
	k->at[2] = a->last_poll_at > 0 ? a->last_poll_at :
	    (a->added_at > 0 ? a->added_at : 0);
	if (a->token_expires_at > 0)
		k->at[3] = a->token_expires_at;
	if (a->refresh_retry_at > 0)
		k->at[4] = a->refresh_retry_at;
	else
		k->at[5] = a->token_issued_at > 0 ? a->token_issued_at : 0;
}

static size_t
due_key(uint8_t *buf, char kind, int64_t at, const char *user_id)
{
	size_t n = strlen(user_id);

	buf[0] = (uint8_t)kind;
	store_be64(buf + 1, (uint64_t)(at > 0 ? at : 0));
	memcpy(buf + 9, user_id, n);
	return 9 + n;
}

/* Replaces the keys of old (NULL: none) by those of new (NULL: none). */
static int
due_update(MDB_txn *txn, struct store *st, const char *user_id,
    const struct account *old, const struct account *new)
{
	struct due_keys ko, kn;
	uint8_t buf[9 + GRAPH_ID_LEN];
	MDB_val k, v = { 0, NULL };
	size_t i;
	int rc;

	due_keys(old, &ko);
	due_keys(new, &kn);
	for (i = 0; i < ACCOUNT_DUE_NKINDS; i++) {
		if (ko.at[i] == kn.at[i])
			continue;
		if (ko.at[i] >= 0) {
			k.mv_size = due_key(buf, due_kinds[i], ko.at[i],
			    user_id);
			k.mv_data = buf;
			rc = mdb_del(txn, st->account_due, &k, NULL);
			if (rc != 0 && rc != MDB_NOTFOUND)
				return store_errno(rc);
		}
		if (kn.at[i] >= 0) {
			k.mv_size = due_key(buf, due_kinds[i], kn.at[i],
			    user_id);
			k.mv_data = buf;
			if ((rc = mdb_put(txn, st->account_due, &k, &v, 0)) != 0)
				return store_errno(rc);
		}
	}
	return 0;
}

static int
due_build_one(MDB_txn *txn, struct store *st, const MDB_val *k,
    const MDB_val *v)
{
	struct account a;
	int r;

	if (account_from_val(v, &a) < 0 || k->mv_size != strlen(a.user_id) ||
	    memcmp(k->mv_data, a.user_id, k->mv_size) != 0) {
		account_clear(&a);
		return 0;	/* a damaged record is nobody's due */
	}
	r = due_update(txn, st, a.user_id, NULL, &a);
	account_clear(&a);
	return r;
}

static int
due_build_txn(MDB_txn *txn, void *arg)
{
	struct store *st = arg;
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t built;
	int rc, r = 0;

	if ((r = store_meta_get_u64(txn, st, "account_due", &built)) < 0 ||
	    built != 0)
		return r < 0 ? r : 0;
	if ((rc = mdb_drop(txn, st->account_due, 0)) != 0 ||
	    (rc = mdb_cursor_open(txn, st->accounts, &cur)) != 0)
		return store_errno(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && r == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		r = due_build_one(txn, st, &k, &v);
	mdb_cursor_close(cur);
	if (r < 0)
		return r;
	if (rc != MDB_NOTFOUND)
		return store_errno(rc);
	return store_meta_put_u64(txn, st, "account_due", 1);
}

int
account_due_check(struct store *st)
{
	return store_write(st, due_build_txn, st);
}

/*
 * Removes username from the index only while it still names user_id: a
 * name another account has taken since is not ours to delete.
 */
static int
name_del(MDB_txn *txn, struct store *st, const char *username,
    const char *user_id)
{
	MDB_val k = { strlen(username), (void *)username }, v;
	int rc;

	rc = mdb_get(txn, st->names, &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return store_errno(rc);
	if (v.mv_size != strlen(user_id) ||
	    memcmp(v.mv_data, user_id, v.mv_size) != 0)
		return 0;
	return store_errno(mdb_del(txn, st->names, &k, NULL));
}

int
account_put(MDB_txn *txn, struct store *st, const struct account *a)
{
	struct account old;
	int r;

	account_init(&old);
	r = account_get_by_id(txn, st, a->user_id, &old);
	if (r == 0 || r == -ENOENT)
		r = account_update(txn, st, r == 0 ? &old : NULL, a);
	account_clear(&old);
	return r;
}

int
account_update(MDB_txn *txn, struct store *st, const struct account *was,
    const struct account *a)
{
	struct wbuf w;
	MDB_val k, v;
	int r = 0;

	/* A renamed account leaves no stale name behind. */
	if (was != NULL && strcmp(was->username, a->username) != 0)
		r = name_del(txn, st, was->username, a->user_id);
	if (r == 0)
		r = due_update(txn, st, a->user_id, was, a);
	if (r < 0)
		return r;

	account_record(a, &w);
	r = store_put_wbuf(txn, st->accounts, a->user_id, strlen(a->user_id),
	    &w);
	if (r < 0)
		return r;
	k.mv_size = strlen(a->username);
	k.mv_data = a->username;
	/* Most puts keep the name: a read, not a write (a page copied). */
	if (mdb_get(txn, st->names, &k, &v) == 0 &&
	    v.mv_size == strlen(a->user_id) &&
	    memcmp(v.mv_data, a->user_id, v.mv_size) == 0)
		return 0;
	v.mv_size = strlen(a->user_id);
	v.mv_data = (void *)a->user_id;
	return store_errno(mdb_put(txn, st->names, &k, &v, 0));
}

int
account_token_put(MDB_txn *txn, struct store *st, const struct seal *seal,
    const char *user_id, const char *token)
{
	uint8_t *blob;
	size_t len;
	MDB_val k = { strlen(user_id), (void *)user_id }, v;
	int r;

	if ((r = seal_seal(seal, user_id, token, strlen(token), &blob,
	    &len)) < 0)
		return r;
	v.mv_size = len;
	v.mv_data = blob;
	r = store_errno(mdb_put(txn, st->secrets, &k, &v, 0));
	free(blob);
	return r;
}

int
account_token_get(MDB_txn *txn, struct store *st, const struct seal *seal,
    const char *user_id, struct secret **ret_token)
{
	MDB_val k = { strlen(user_id), (void *)user_id }, v;
	int rc;

	if ((rc = mdb_get(txn, st->secrets, &k, &v)) != 0)
		return store_errno(rc);
	return seal_open(seal, user_id, v.mv_data, v.mv_size, ret_token);
}

int
account_token_read(MDB_txn *txn, struct store *st, const struct seal *seal,
    const char *user_id, char *buf, size_t size)
{
	MDB_val k = { strlen(user_id), (void *)user_id }, v;
	int rc;

	if ((rc = mdb_get(txn, st->secrets, &k, &v)) != 0)
		return store_errno(rc);
	return seal_open_buf(seal, user_id, v.mv_data, v.mv_size, buf, size);
}

/*
 * Deletes every key of dbi that starts with prefix (prefixlen bytes),
 * calling each (may be NULL) on a key before it goes.  The cursor seeks
 * the prefix again after every delete: simple, and O(log n) a key.
 */
static int
del_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t prefixlen,
    int (*each)(MDB_txn *, const MDB_val *, void *), void *arg)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, r = 0;

	if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0)
		return store_errno(rc);
	for (;;) {
		k.mv_size = prefixlen;
		k.mv_data = (void *)prefix;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc != 0 || k.mv_size < prefixlen ||
		    memcmp(k.mv_data, prefix, prefixlen) != 0)
			break;
		if (each != NULL && (r = each(txn, &k, arg)) < 0)
			break;
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (r < 0)
		return r;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

/* For each account_posts key: the post, its due entry, its tally. */
static int
erase_post(MDB_txn *txn, const MDB_val *k, void *arg)
{
	struct store *st = arg;
	struct json_object *post;
	uint8_t pid[8], due[16];
	char tally[32];
	const char *state;
	uint64_t n;
	MDB_val dk = { sizeof(due), due };
	int64_t next_at;
	int r, rc;

	if (k->mv_size < 8)
		return -EBADMSG;
	memcpy(pid, (const uint8_t *)k->mv_data + k->mv_size - 8, 8);
	r = store_get_json(txn, st->posts, pid, 8, &post);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	next_at = record_get_int(post, "next_at", 0);
	if (next_at > 0) {
		store_be64(due, (uint64_t)next_at);
		memcpy(due + 8, pid, 8);
		rc = mdb_del(txn, st->due, &dk, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			r = store_errno(rc);
	}
	if (r == 0 && (state = record_get_str(post, "state")) != NULL) {
		snprintf(tally, sizeof(tally), "posts.%s", state);
		if ((r = store_meta_get_u64(txn, st, tally, &n)) == 0 && n > 0)
			r = store_meta_put_u64(txn, st, tally, n - 1);
	}
	json_object_put(post);
	if (r < 0)
		return r;
	{
		MDB_val pk = { 8, pid };

		rc = mdb_del(txn, st->posts, &pk, NULL);
	}
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

int
account_revoke(MDB_txn *txn, struct store *st, struct account *a,
    int64_t now)
{
	MDB_val k = { strlen(a->user_id), a->user_id };
	int rc;

	if (a->state != ACCOUNT_REVOKED) {
		a->state = ACCOUNT_REVOKED;
		a->revoked_at = now;
		a->forget_warned_at = 0;
	}
	a->refresh_retry_at = 0;
	a->poll_retry_at = 0;
	rc = mdb_del(txn, st->secrets, &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_errno(rc);
	return account_put(txn, st, a);
}

int
account_erase(MDB_txn *txn, struct store *st, const char *user_id)
{
	struct account a;
	char prefix[GRAPH_ID_LEN + 1];
	size_t plen = strlen(user_id) + 1;
	MDB_val k;
	int r, rc;

	if (plen > sizeof(prefix))
		return -EINVAL;
	memcpy(prefix, user_id, plen);	/* the id and its NUL */
	if ((r = account_get_by_id(txn, st, user_id, &a)) < 0)
		return r;
	post_replies_touch(st, user_id);	/* its posts go */
	if ((r = name_del(txn, st, a.username, user_id)) == 0)
		r = due_update(txn, st, user_id, &a, NULL);
	account_clear(&a);
	if (r < 0)
		return r;
	k.mv_size = strlen(user_id);
	k.mv_data = (void *)user_id;
	if ((rc = mdb_del(txn, st->accounts, &k, NULL)) != 0)
		return store_errno(rc);
	rc = mdb_del(txn, st->secrets, &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_errno(rc);
	if ((r = del_prefix(txn, st->metrics, prefix, plen, NULL, NULL)) < 0)
		return r;
	return del_prefix(txn, st->account_posts, prefix, plen, erase_post,
	    st);
}

int
account_foreach(MDB_txn *txn, struct store *st,
    int (*fn)(const struct account *, void *), void *arg)
{
	struct account a;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, r = 0;

	if ((rc = mdb_cursor_open(txn, st->accounts, &cur)) != 0)
		return store_errno(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && r == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (account_from_val(&v, &a) < 0)
			continue;	/* a damaged record is skipped */
		r = fn(&a, arg);
		account_clear(&a);
	}
	mdb_cursor_close(cur);
	if (r != 0)
		return r;
	return rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

int
account_scan(struct store *st, int (*fn)(const struct account *, void *),
    void *arg)
{
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(st, 1, &txn)) < 0)
		return r;
	r = account_foreach(txn, st, fn, arg);
	mdb_txn_abort(txn);
	return r;
}

struct json_object *
account_to_json(const struct account *a)
{
	struct json_object *o = account_common(a);

	record_add_time(o, "token_expires_at", a->token_expires_at);
	record_add_time(o, "last_poll_at", a->last_poll_at);
	if (a->state == ACCOUNT_REVOKED) {
		record_add_time(o, "revoked_at", a->revoked_at);
		record_add_time(o, "forget_at", account_forget_at(a));
	}
	return o;
}
