/*
 * Erasing an account: what remove-account does, and what forgetting a
 * revoked account does, through the one path so they cannot differ.
 * It does not log: the caller says who asked and why.
 */
#ifndef THREADSD_ERASE_H
#define THREADSD_ERASE_H

#include <stddef.h>

struct daemon;

/*
 * Stops the account's poll and refresh, deletes every record held about
 * it (record, name, sealed token, metric history, posts) in one
 * transaction, then compacts the store so that no freed page keeps the
 * bytes.  0 when done; 1 when deleted but not compacted; -errno when
 * nothing was deleted.  err says why in both failures.
 */
int	erase_account(struct daemon *, const char *user_id, char *err,
	    size_t errlen);

#endif
