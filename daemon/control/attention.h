/*
 * What needs a person, for `status`: the list an operator reads first,
 * and whose being non-empty makes `threadsctl status` exit "degraded".
 */
#ifndef THREADSD_ATTENTION_H
#define THREADSD_ATTENTION_H

#include <stdint.h>

#include <json-c/json.h>
#include <lmdb.h>

struct config;
struct store;
struct status_counts;

/* Posts that failed this recently keep status degraded. */
#define ATTENTION_FAILED_WINDOW	(7 * 86400)
/* A poll is stale after this many [poll] intervals with no success. */
#define ATTENTION_STALE_POLLS	3

/*
 * Appends to arr one object per thing that needs a person, each
 * {"kind", "account" (username or null), "message"}: refreshed tokens
 * the store could not save (unsaved_tokens, from the token keeper); an
 * account in any state but active; a token that expires within [tokens] warn_before; an
 * account not polled successfully for ATTENTION_STALE_POLLS intervals;
 * posts that failed within ATTENTION_FAILED_WINDOW (counted when the
 * tally says there are failed posts at all).  0 or -errno.
 */
int	attention_list(MDB_txn *, struct store *, const struct config *,
	    const struct status_counts *, int unsaved_tokens, int64_t now,
	    struct json_object *arr);

#endif
