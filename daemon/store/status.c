/*
 * Counting what the daemon holds.  Post tallies per state are counters in
 * meta ("posts.scheduled", ...) that the scheduler updates in the same
 * transaction as each transition, so this costs the same with a million
 * posts as with none.  The next due post is found near the start of
 * `due`, from the index alone: each entry holds its post's due time and
 * state (post_due_entry()), so no record is read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/timefmt.h"
#include "daemon/store/post.h"
#include "daemon/store/status.h"
#include "daemon/store/store.h"

/*
 * The next post to go out: the queued post with the earliest due time.
 * The `due` index is ordered by each post's next action, which is not its
 * due time (staging comes [scheduler] prestage ahead, a published post
 * may still have its permalink to fetch), so walk it while the actions
 * are no later than the best due time found so far: a queued post acts
 * at or before its due time, unless it is retrying late, and then it is
 * due already.  Bounded, so that status stays cheap with a long queue
 * (4,096 entries are a few hundred microseconds; as 4,096 records they
 * were 0.1 s).
 */
#define NEXT_SCAN_MAX	4096

static int
status_next_due(MDB_txn *txn, struct store *st, struct status_counts *sc)
{
	MDB_cursor *cur;
	MDB_val k, v;
	struct post_due e;
	uint64_t best_id = 0;
	int64_t best = 0;
	size_t n = 0;
	int rc, r = 0;

	if ((rc = mdb_cursor_open(txn, st->due, &cur)) != 0)
		return store_errno(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 &&
	    n < NEXT_SCAN_MAX; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT),
	    n++) {
		if (k.mv_size != 16) {
			r = -EBADMSG;
			break;
		}
		if (best_id != 0 && (int64_t)store_get_be64(k.mv_data) > best)
			break;
		/* The entry's value, seldom the record (post_due_entry()). */
		if ((r = post_due_entry(txn, st, &k, &v, &e)) < 0) {
			if (r == -ENOENT || r == -EBADMSG) {
				r = 0;	/* the scheduler's to report */
				continue;
			}
			break;
		}
		if (e.state <= POST_PUBLISHING && !e.paused &&
		    (best_id == 0 || e.due_at < best ||
		    (e.due_at == best && e.id < best_id))) {
			best = e.due_at;
			best_id = e.id;
		}
	}
	mdb_cursor_close(cur);
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_errno(rc);
	if (r == 0 && best_id != 0) {
		sc->next_due = best;
		snprintf(sc->next_due_post, sizeof(sc->next_due_post),
		    "%" PRIu64, best_id);
	}
	return r;
}

int
status_counts(struct store *st, struct status_counts *ret_sc)
{
	struct status_counts sc;
	char name[32];
	MDB_txn *txn;
	size_t i;
	int r;

	memset(&sc, 0, sizeof(sc));
	if ((r = store_txn_begin(st, 1, &txn)) < 0)
		return r;
	if ((r = store_count(txn, st->accounts, &sc.accounts)) < 0)
		goto out;
	for (i = 0; i < POST_NSTATES; i++) {
		snprintf(name, sizeof(name), "posts.%s", post_state_names[i]);
		if ((r = store_meta_get_u64(txn, st, name, &sc.posts[i])) < 0)
			goto out;
	}
	if ((r = status_next_due(txn, st, &sc)) < 0)
		goto out;
	*ret_sc = sc;
out:
	mdb_txn_abort(txn);
	return r;
}

void
status_line(const struct status_counts *sc, char *buf, size_t len)
{
	char when[TIMEFMT_LEN];
	uint64_t queued = 0;
	size_t i;

	for (i = POST_SCHEDULED; i <= POST_PUBLISHING; i++)
		queued += sc->posts[i];
	if (sc->next_due > 0)
		snprintf(buf, len, "%zu account%s, %" PRIu64 " post%s queued, "
		    "next due %s", sc->accounts, sc->accounts == 1 ? "" : "s",
		    queued, queued == 1 ? "" : "s",
		    timefmt_format(sc->next_due, when, sizeof(when)));
	else
		snprintf(buf, len, "%zu account%s, %" PRIu64 " post%s queued",
		    sc->accounts, sc->accounts == 1 ? "" : "s", queued,
		    queued == 1 ? "" : "s");
}
