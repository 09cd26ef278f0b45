/*
 * The LMDB environment and the helpers every owner uses on it.  One
 * environment, named databases, big-endian keys; the schema version lives
 * in meta under "schema".  Records are JSON; this file does not know what
 * is in them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/store/store.h"
#include "daemon/store/wbuf.h"

static const struct {
	const char	*name;
	size_t		 off;
} store_dbs[] = {
	{ "meta", offsetof(struct store, meta) },
	{ "accounts", offsetof(struct store, accounts) },
	{ "names", offsetof(struct store, names) },
	{ "secrets", offsetof(struct store, secrets) },
	{ "metrics", offsetof(struct store, metrics) },
	{ "posts", offsetof(struct store, posts) },
	{ "due", offsetof(struct store, due) },
	{ "account_posts", offsetof(struct store, account_posts) },
	{ "account_due", offsetof(struct store, account_due) },
};
#define STORE_NDBS	(sizeof(store_dbs) / sizeof(store_dbs[0]))

int
store_errno(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return -ENOENT;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
		return -ENOSPC;
	case MDB_KEYEXIST:
		return -EEXIST;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		return -EBADMSG;
	case MDB_READERS_FULL:
	case MDB_DBS_FULL:
	case MDB_MAP_RESIZED:
		return -EAGAIN;
	case MDB_BAD_VALSIZE:
		return -E2BIG;
	default:
		return rc > 0 ? -rc : -EIO;
	}
}

static int
store_check_schema(struct store *st, char *errbuf, size_t errlen)
{
	MDB_txn *txn;
	uint64_t v;
	int r;

	if ((r = store_txn_begin(st, 0, &txn)) < 0)
		return r;
	if ((r = store_meta_get_u64(txn, st, "schema", &v)) < 0)
		goto fail;
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(errbuf, errlen, "%s: schema version %llu is newer "
		    "than this threadsd understands (%d)", st->dir,
		    (unsigned long long)v, STORE_SCHEMA_VERSION);
		r = -EPROTO;
		goto fail;
	}
	if (v == 0 &&
	    (r = store_meta_put_u64(txn, st, "schema",
	    STORE_SCHEMA_VERSION)) < 0)
		goto fail;
	return store_txn_commit(txn);
fail:
	mdb_txn_abort(txn);
	return r;
}

static int
store_open_dbs(struct store *st)
{
	MDB_txn *txn;
	size_t i;
	int rc;

	if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0)
		return store_errno(rc);
	for (i = 0; i < STORE_NDBS; i++) {
		MDB_dbi *dbi = (MDB_dbi *)((char *)st + store_dbs[i].off);

		if ((rc = mdb_dbi_open(txn, store_dbs[i].name, MDB_CREATE,
		    dbi)) != 0) {
			mdb_txn_abort(txn);
			return store_errno(rc);
		}
	}
	return store_errno(mdb_txn_commit(txn));
}

/* Creates and opens st->env on st->dir, with its databases. */
static int
store_open_env(struct store *st, char *errbuf, size_t errlen)
{
	int rc, r;

	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, STORE_NDBS)) != 0 ||
	    (rc = mdb_env_set_mapsize(st->env, st->map_size)) != 0 ||
	    (rc = mdb_env_open(st->env, st->dir, MDB_NOTLS, 0600)) != 0) {
		snprintf(errbuf, errlen, "cannot open store in %s: %s",
		    st->dir, mdb_strerror(rc));
		r = store_errno(rc);
		goto fail;
	}
	if ((r = store_open_dbs(st)) < 0) {
		snprintf(errbuf, errlen, "cannot open databases in %s: %s",
		    st->dir, strerror(-r));
		goto fail;
	}
	return 0;
fail:
	if (st->env != NULL)
		mdb_env_close(st->env);
	st->env = NULL;
	return r;
}

int
store_open(const char *dir, uint64_t map_size, struct store **ret_st,
    char *errbuf, size_t errlen)
{
	struct store *st;
	int r;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(errbuf, errlen, "cannot create %s: %s", dir,
		    strerror(errno));
		return r;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->dir = strdup(dir)) == NULL) {
		free(st);
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	st->map_size = map_size;
	if ((r = store_open_env(st, errbuf, errlen)) < 0)
		goto fail;
	if ((r = store_check_schema(st, errbuf, errlen)) < 0) {
		if (r != -EPROTO)
			snprintf(errbuf, errlen, "cannot initialise store in "
			    "%s: %s", dir, strerror(-r));
		goto fail;
	}
	*ret_st = st;
	return 0;
fail:
	store_close(st);
	return r;
}

static int
fsync_dir(const char *dir)
{
	int fd, r = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/*
 * Compaction writes only live pages to a new file, so bytes of deleted
 * records (LMDB never overwrites in place) do not survive in data.mdb.
 * The lock file holds no records but is recreated all the same.
 */
void
store_compact_path(const struct store *st, char *buf, size_t len)
{
	snprintf(buf, len, "%s/data.mdb.compact", st->dir);
}

int
store_compact_copy(struct store *st, char *errbuf, size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, rc, r = 0;

	store_compact_path(st, tmp, sizeof(tmp));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		snprintf(errbuf, errlen, "cannot create %s: %s", tmp,
		    strerror(errno));
		return r;
	}
	if ((rc = mdb_env_copyfd2(st->env, fd, MDB_CP_COMPACT)) != 0) {
		r = store_errno(rc);
		snprintf(errbuf, errlen, "cannot compact the store: %s",
		    mdb_strerror(rc));
	} else if (fsync(fd) < 0) {
		r = -errno;
		snprintf(errbuf, errlen, "cannot sync %s: %s", tmp,
		    strerror(errno));
	}
	close(fd);
	if (r < 0)
		unlink(tmp);
	return r;
}

int
store_compact_swap(struct store *st, char *errbuf, size_t errlen)
{
	char tmp[PATH_MAX], data[PATH_MAX], lock[PATH_MAX];
	int rc, r = 0;

	store_compact_path(st, tmp, sizeof(tmp));
	snprintf(data, sizeof(data), "%s/data.mdb", st->dir);
	snprintf(lock, sizeof(lock), "%s/lock.mdb", st->dir);
	mdb_env_close(st->env);
	st->env = NULL;
	if (rename(tmp, data) < 0) {
		r = -errno;
		snprintf(errbuf, errlen, "cannot rename %s: %s", tmp,
		    strerror(errno));
		unlink(tmp);
	} else {
		unlink(lock);
		fsync_dir(st->dir);
	}
	rc = store_open_env(st, errbuf, errlen);
	return r < 0 ? r : rc;
}

int
store_compact(struct store *st, char *errbuf, size_t errlen)
{
	int r;

	if ((r = store_compact_copy(st, errbuf, errlen)) < 0)
		return r;
	return store_compact_swap(st, errbuf, errlen);
}

uint64_t
store_last_txnid(const struct store *st)
{
	MDB_envinfo info;

	if (mdb_env_info(st->env, &info) != 0)
		return 0;
	return info.me_last_txnid;
}

int
store_grow(struct store *st, uint64_t by)
{
	MDB_envinfo info;
	int rc;

	if ((rc = mdb_env_info(st->env, &info)) != 0)
		return store_errno(rc);
	if ((rc = mdb_env_set_mapsize(st->env, info.me_mapsize + by)) != 0)
		return store_errno(rc);
	st->map_size = info.me_mapsize + by;
	return 0;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->env != NULL)
		mdb_env_close(st->env);
	free(st->dir);
	free(st);
}

int
store_txn_begin(struct store *st, int rdonly, MDB_txn **ret_txn)
{
	return store_errno(mdb_txn_begin(st->env, NULL,
	    rdonly ? MDB_RDONLY : 0, ret_txn));
}

int
store_txn_commit(MDB_txn *txn)
{
	return store_errno(mdb_txn_commit(txn));
}

/* The end of a store_write(): fn said r. */
static int
store_write_end(MDB_txn *txn, int r)
{
	int c;

	if (r < 0) {
		mdb_txn_abort(txn);
		return r;
	}
	if ((c = store_txn_commit(txn)) < 0)
		return c;
	return r;
}

int
store_write(struct store *st, int (*fn)(MDB_txn *, void *), void *arg)
{
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(st, 0, &txn)) < 0)
		return r;
	return store_write_end(txn, fn(txn, arg));
}

int
store_write_at(struct store *st, int (*fn)(MDB_txn *, void *, int64_t),
    void *arg, int64_t t)
{
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(st, 0, &txn)) < 0)
		return r;
	return store_write_end(txn, fn(txn, arg, t));
}

void
store_be64(uint8_t out[8], uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		out[i] = v & 0xff;
		v >>= 8;
	}
}

uint64_t
store_get_be64(const uint8_t in[8])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | in[i];
	return v;
}

/*
 * One tokener for every record read: a scan reads every account, and
 * json_tokener_new() is four allocations and a 1 KiB calloc.  Records
 * hold no secret (tokens are sealed), so its buffer is not wiped.  It
 * lives as long as the process.
 */
static struct json_tokener *store_tok;

int
store_json_from_val(const MDB_val *v, struct json_object **ret_obj)
{
	struct json_object *obj;

	if (v->mv_size > INT32_MAX)
		return -EBADMSG;
	if (store_tok == NULL && (store_tok = json_tokener_new()) == NULL)
		return -ENOMEM;
	obj = json_tokener_parse_ex(store_tok, v->mv_data, (int)v->mv_size);
	/* Frees what an unfinished parse built. */
	json_tokener_reset(store_tok);
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return -EBADMSG;
	}
	*ret_obj = obj;
	return 0;
}

int
store_get_json(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t keylen,
    struct json_object **ret_obj)
{
	MDB_val k = { keylen, (void *)key }, v;
	int rc;

	if ((rc = mdb_get(txn, dbi, &k, &v)) != 0)
		return store_errno(rc);
	return store_json_from_val(&v, ret_obj);
}

int
store_put_json(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t keylen,
    struct json_object *obj)
{
	MDB_val k = { keylen, (void *)key }, v;
	size_t len;
	const char *s;

	s = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN,
	    &len);
	if (s == NULL)
		return -ENOMEM;
	v.mv_size = len;
	v.mv_data = (void *)s;
	return store_errno(mdb_put(txn, dbi, &k, &v, 0));
}

int
store_put_wbuf(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t keylen,
    struct wbuf *w)
{
	MDB_val k = { keylen, (void *)key }, v = { w->len, w->p };
	int r;

	r = w->nomem ? -ENOMEM : store_errno(mdb_put(txn, dbi, &k, &v, 0));
	wbuf_free(w);
	return r;
}

int
store_meta_get_u64(MDB_txn *txn, struct store *st, const char *name,
    uint64_t *ret_v)
{
	MDB_val k = { strlen(name), (void *)name }, v;
	int rc;

	rc = mdb_get(txn, st->meta, &k, &v);
	if (rc == MDB_NOTFOUND) {
		*ret_v = 0;
		return 0;
	}
	if (rc != 0)
		return store_errno(rc);
	if (v.mv_size != 8)
		return -EBADMSG;
	*ret_v = store_get_be64(v.mv_data);
	return 0;
}

int
store_meta_put_u64(MDB_txn *txn, struct store *st, const char *name,
    uint64_t value)
{
	uint8_t buf[8];
	MDB_val k = { strlen(name), (void *)name }, v = { 8, buf };

	store_be64(buf, value);
	return store_errno(mdb_put(txn, st->meta, &k, &v, 0));
}

int
store_next_id(MDB_txn *txn, struct store *st, const char *name,
    uint64_t *ret_id)
{
	uint64_t v;
	int r;

	if ((r = store_meta_get_u64(txn, st, name, &v)) < 0)
		return r;
	if ((r = store_meta_put_u64(txn, st, name, v + 1)) < 0)
		return r;
	*ret_id = v + 1;
	return 0;
}

int
store_count(MDB_txn *txn, MDB_dbi dbi, size_t *ret_n)
{
	MDB_stat stat;
	int rc;

	if ((rc = mdb_stat(txn, dbi, &stat)) != 0)
		return store_errno(rc);
	*ret_n = stat.ms_entries;
	return 0;
}
