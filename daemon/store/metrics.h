/*
 * The metric history in the store: one snapshot per successful poll in
 * the `metrics` database, keyed user id || NUL || be64 time (the NUL
 * keeps "12" from matching "123"; account_erase() deletes by that
 * prefix).  Writing, reading back a range, the snapshot at a moment, and
 * pruning old ones a few at a time.  Every function works inside a
 * caller's transaction and does not log.
 */
#ifndef THREADSD_METRICS_H
#define THREADSD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <lmdb.h>

#include "daemon/graph/graph.h"

struct store;

/* The numbers a snapshot holds, in the order they are shown. */
enum metric {
	METRIC_FOLLOWERS,
	METRIC_VIEWS,
	METRIC_LIKES,
	METRIC_REPLIES,
	METRIC_REPOSTS,
	METRIC_QUOTES,
	METRIC_CLICKS,
	METRIC_MEDIA,
	METRIC_N
};

/* Wire and record names: "followers_count", "views", ... */
extern const char *const metric_names[METRIC_N];

#define METRIC_UNKNOWN	(-1)	/* Meta did not say: null, never 0 */

/* A set of metrics: bit i is enum metric i. */
#define METRIC_BIT(m)	(1u << (m))
#define METRIC_ALL	((1u << METRIC_N) - 1)
/* Always kept: what the privacy statement lists. */
#define METRIC_BASIC	(METRIC_BIT(METRIC_FOLLOWERS) | METRIC_BIT(METRIC_MEDIA))

/* Where the follower count came from. */
enum followers_source {
	SOURCE_NONE,
	SOURCE_INSIGHTS,	/* threads_insights followers_count */
	SOURCE_LOOKUP,		/* profile_lookup follower_count */
};

struct snapshot {
	int64_t			 at;		/* Unix seconds */
	int64_t			 v[METRIC_N];	/* METRIC_UNKNOWN: unknown */
	enum followers_source	 source;
	/*
	 * The metrics the record holds (a metric not collected is not
	 * there at all, not even as null); METRIC_ALL after init.
	 */
	unsigned		 held;
};

void		 snapshot_init(struct snapshot *);
const char	*followers_source_name(enum followers_source);

/* Stores s under user_id and s->at (a second poll in the same second wins). */
int	metrics_put(MDB_txn *, struct store *, const char *user_id,
	    const struct snapshot *s);

/*
 * The latest snapshot taken at or before t (INT64_MAX: the latest of
 * all).  -ENOENT when there is none.
 */
int	metrics_at_or_before(MDB_txn *, struct store *, const char *user_id,
	    int64_t t, struct snapshot *ret_snap);

/*
 * Calls fn on user_id's snapshots taken at or after since, oldest first.
 * When there are more than max (0: no limit), every k-th is passed so
 * that at most max are, the latest always among them.  Stops when fn
 * returns non-zero, which is returned.
 */
int	metrics_range(MDB_txn *, struct store *, const char *user_id,
	    int64_t since, size_t max,
	    int (*fn)(const struct snapshot *, void *), void *arg);

/*
 * The wire form: {"at","followers_count",...,"followers_source"}, with
 * only the metrics the snapshot holds.
 */
struct json_object *snapshot_to_json(const struct snapshot *);

/*
 * Pruning walks the whole database in steps, one account prefix after
 * another, deleting snapshots older than a cutoff.  A step examines at
 * most budget keys, so its write transaction stays short; pos remembers
 * where the next step starts.
 */
struct metrics_prune {
	uint8_t		 pos[GRAPH_ID_LEN + 9];
	size_t		 poslen;	/* 0: from the start */
	int		 done;		/* the walk reached the end */
	size_t		 deleted;	/* in this walk so far */
};

void	metrics_prune_begin(struct metrics_prune *);
/*
 * Deletes user_id's snapshots older than cutoff, at most budget of them:
 * what the poller does for each account it polls, so that pruning needs
 * no walk over every account.  It touches only the pages of that
 * account's oldest snapshots.  Adds what it deleted to *ret_deleted.
 */
int	metrics_prune_account(MDB_txn *, struct store *, const char *user_id,
	    int64_t cutoff, int budget, size_t *ret_deleted);
int	metrics_prune_step(MDB_txn *, struct store *, struct metrics_prune *,
	    int64_t cutoff, int budget);

/*
 * Turning a metric off removes it from the history too.  The store
 * remembers which metrics its snapshots may hold (the `meta` key
 * "metrics.held"; a store from before it may hold them all).
 * metrics_held_add() records that snapshots with keep are written;
 * metrics_strip_needed() says whether some snapshot may hold more than
 * keep; a strip walk (metrics_prune_begin() then metrics_strip_step()
 * until done) rewrites each snapshot holding more, and at its end
 * records that the store holds keep alone.
 */
int	metrics_held_add(MDB_txn *, struct store *, unsigned keep);
int	metrics_strip_needed(MDB_txn *, struct store *, unsigned keep,
	    int *ret_needed);
int	metrics_strip_step(MDB_txn *, struct store *, struct metrics_prune *,
	    unsigned keep, int budget);

#endif
