/*
 * Compaction off the loop (DESIGN.md §4): after remove-account the store
 * is rewritten with only its live pages, so that no freed page keeps the
 * removed bytes.  A thread copies while the loop goes on (and the
 * watchdog is fed); the loop swaps the copy in.  A compaction that is
 * owed is marked in meta in the erase's own transaction and retried, at
 * start and on a timer, until one succeeds.
 */
#ifndef THREADSD_COMPACT_H
#define THREADSD_COMPACT_H

#include <lmdb.h>

struct daemon;
struct compactor;
struct store;

/* Called from the loop when a compaction asked for ends: r 0 or -errno. */
typedef void	(*compact_done_cb)(void *arg, int r, const char *err);

/* Starts the compaction owed by an earlier run, if any.  NULL on OOM. */
struct compactor *compactor_new(struct daemon *);
/*
 * Waits for a copy under way and drops it; the callbacks waiting get
 * -ECANCELED, only to free their arg (the daemon is stopping).
 */
void		 compactor_free(struct compactor *);

/* Marks a compaction owed, in the transaction that deletes. */
int		 compact_owe(MDB_txn *, struct store *);
/*
 * Compacts (after the copy under way, if any, since that one may not
 * hold the deletion) and calls cb (unless NULL) once that attempt has
 * ended; a failed attempt is retried in the background all the same.
 */
int		 compactor_run(struct compactor *, compact_done_cb, void *arg);
/* Whether a copy is under way (no other transaction may start then). */
int		 compactor_busy(const struct compactor *);

#endif
