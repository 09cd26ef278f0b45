/*
 * Counting what the daemon holds.  Post tallies per state are counters in
 * meta ("posts.scheduled", ...) that the scheduler updates in the same
 * transaction as each transition, so this costs the same with a million
 * posts as with none.  The next due post is the first key of `due`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/timefmt.h"
#include "status.h"
#include "store.h"

const char *const post_state_names[POST_NSTATES] = {
	"scheduled", "staging", "staged", "ready", "publishing",
	"published", "failed", "cancelled",
};

static int
status_next_due(MDB_txn *txn, struct store *st, struct status_counts *sc)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, st->due, &cur)) != 0)
		return store_errno(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	mdb_cursor_close(cur);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return store_errno(rc);
	if (k.mv_size != 16)
		return -EBADMSG;
	sc->next_due = (int64_t)store_get_be64(k.mv_data);
	snprintf(sc->next_due_post, sizeof(sc->next_due_post), "%" PRIu64,
	    store_get_be64((const uint8_t *)k.mv_data + 8));
	return 0;
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
