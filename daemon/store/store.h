/*
 * The LMDB environment: opening it, its named databases, the schema
 * version, short transactions and key encoding.  Records are small JSON
 * objects with a "v" field.  It knows nothing of accounts or posts; the
 * owners build their records and keys on top of these helpers.
 * Transactions open and close within one loop callback, so a signal never
 * finds one in flight.
 */
#ifndef THREADSD_STORE_H
#define THREADSD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <lmdb.h>

struct wbuf;

#define STORE_SCHEMA_VERSION	1

#define STORE_REPLIES_BUCKETS	256

struct store {
	MDB_env		*env;
	char		*dir;
	uint64_t	 map_size;
	MDB_dbi		 meta;		/* schema version, id counters, tallies */
	MDB_dbi		 accounts;	/* user id -> account record */
	MDB_dbi		 names;		/* username -> user id */
	MDB_dbi		 secrets;	/* user id -> sealed token */
	MDB_dbi		 metrics;	/* user id || be64 time -> snapshot */
	MDB_dbi		 posts;		/* be64 post id -> post record */
	MDB_dbi		 due;		/* be64 time || be64 post id -> "" */
	MDB_dbi		 account_posts;	/* user id || be64 post id -> "" */
	MDB_dbi		 account_due;	/* kind || be64 time || user id -> "" */
	/*
	 * Not stored: changed by post_put() and account_erase() for what a
	 * count of an account's published replies rests on (post.h,
	 * post_replies_gen()), one per bucket of accounts.
	 */
	uint32_t	 replies_gen[STORE_REPLIES_BUCKETS];
};

/*
 * Opens (creating when needed, mode 0700) the environment in dir.  Returns
 * 0 or -errno; errbuf says what went wrong for the operator.
 */
int	store_open(const char *dir, uint64_t map_size, struct store **ret_st,
	    char *errbuf, size_t errlen);
void	store_close(struct store *);

/*
 * Rewrites data.mdb with only its live pages (copy, fsync, rename,
 * reopen), so deleted records leave no bytes behind.  No transaction may
 * be open.  On failure the store is reopened as it was when possible;
 * st->env == NULL afterwards means it could not be.
 */
int	store_compact(struct store *, char *errbuf, size_t errlen);
/*
 * Its two halves, for compact.c.  The copy (to store_compact_path()) may
 * run in another thread while the loop goes on (the environment is
 * opened MDB_NOTLS); it holds what was committed when it began.  The
 * swap renames the copy over data.mdb and reopens, on the loop, with no
 * transaction open in any thread.
 */
void	store_compact_path(const struct store *, char *buf, size_t len);
int	store_compact_copy(struct store *, char *errbuf, size_t errlen);
int	store_compact_swap(struct store *, char *errbuf, size_t errlen);
/* The id of the last committed write transaction (0 on error). */
uint64_t store_last_txnid(const struct store *);

/*
 * Grows the map by at least by bytes for this run (map_size in the
 * config stays what it is).  No transaction may be open, in any thread.
 * Returns 0 or -errno.
 */
int	store_grow(struct store *, uint64_t by);

/* LMDB's return codes as -errno (MDB_MAP_FULL is -ENOSPC). */
int	store_errno(int mdb_rc);

int	store_txn_begin(struct store *, int rdonly, MDB_txn **ret_txn);
/* Commits; on failure the transaction is gone all the same. */
int	store_txn_commit(MDB_txn *);

/*
 * Runs fn in one write transaction and commits it, or aborts it when fn
 * returns < 0.  Returns fn's result or the commit's error.
 */
int	store_write(struct store *, int (*fn)(MDB_txn *, void *), void *arg);
/* The same for an owner's step at a time t (now, a cutoff): fn(txn, arg, t). */
int	store_write_at(struct store *, int (*fn)(MDB_txn *, void *, int64_t),
	    void *arg, int64_t t);

/* Big-endian keys, so LMDB's byte order is numeric order. */
void	store_be64(uint8_t out[8], uint64_t v);
uint64_t store_get_be64(const uint8_t in[8]);

/* A JSON record under key; -ENOENT when absent, -EBADMSG when corrupt. */
int	store_get_json(MDB_txn *, MDB_dbi, const void *key, size_t keylen,
	    struct json_object **ret_obj);
/* Parses a stored value as a JSON object (-EBADMSG when it is not). */
int	store_json_from_val(const MDB_val *, struct json_object **ret_obj);
int	store_put_json(MDB_txn *, MDB_dbi, const void *key, size_t keylen,
	    struct json_object *obj);
/* A record written straight (wbuf.h) under key; frees w either way. */
int	store_put_wbuf(MDB_txn *, MDB_dbi, const void *key, size_t keylen,
	    struct wbuf *w);

/* A u64 counter in meta (0 when absent). */
int	store_meta_get_u64(MDB_txn *, struct store *, const char *name,
	    uint64_t *ret_v);
int	store_meta_put_u64(MDB_txn *, struct store *, const char *name,
	    uint64_t v);
/* Increments counter name in meta and returns the new value (first: 1). */
int	store_next_id(MDB_txn *, struct store *, const char *name,
	    uint64_t *ret_id);

/* Number of entries in a database. */
int	store_count(MDB_txn *, MDB_dbi, size_t *ret_n);

#endif
