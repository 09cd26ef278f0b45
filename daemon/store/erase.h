/*
 * Erasing an account: what remove-account does, and what forgetting a
 * revoked account does, through the one path so they cannot differ.
 * It does not log: the caller says who asked and why.
 */
#ifndef THREADSD_ERASE_H
#define THREADSD_ERASE_H

#include <stddef.h>

#include "daemon/store/compact.h"

struct daemon;

/*
 * What the owners that hold an account in memory (a poll, a refresh) do
 * when it is erased: before, the records are still there; after, they
 * are gone.  run.c, which builds the owners, sets them in the context
 * (d->erase_hooks), so that erasing, which the owners reach through the
 * forgetter, does not call them back by name.
 */
struct erase_hooks {
	void	(*before)(struct daemon *, const char *user_id);
	void	(*after)(struct daemon *, const char *user_id);
};

/*
 * Stops the account's poll and refresh (the hooks), deletes every record held about
 * it (record, name, sealed token, metric history, posts) in one
 * transaction that also marks a compaction owed, then asks for that
 * compaction (compact.c: off the loop, retried until it succeeds), so
 * that no freed page keeps the bytes.  0 when deleted: cb (may be NULL)
 * is called from the loop when the compaction attempt ends; 1 when
 * deleted but the compaction could not be asked for now (out of memory:
 * the next start does it), cb not called; -errno when nothing was
 * deleted.  err says why in both failures.
 */
int	erase_account(struct daemon *, const char *user_id,
	    compact_done_cb cb, void *arg, char *err, size_t errlen);

#endif
