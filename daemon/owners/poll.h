/*
 * One account's poll: the chain of Graph API calls that yields one
 * snapshot.  /me keeps the profile current; threads_insights gives the
 * metrics, and when Meta refuses them, profile_lookup gives the follower
 * count; /me/threads counts the posts, all of them or only those newer
 * than the newest already counted.  It reads and writes no store: it
 * starts from a copy of the account record and ends with that copy
 * updated and a snapshot, which the poller commits.  Owned by the
 * poller; it holds a copy of the token, wiped when it is freed.  It does
 * not log.
 */
#ifndef THREADSD_POLL_H
#define THREADSD_POLL_H

#include <stdint.h>

#include "daemon/store/account.h"
#include "daemon/graph/graph.h"
#include "daemon/store/metrics.h"

struct poll;

/* What the poller decided this poll should do. */
struct poll_plan {
	int		 insights_level;	/* ACCOUNT_REFUSED_*: ask for */
	int		 full_count;		/* count every post afresh */
	unsigned	 metrics;		/* METRIC_BIT()s to ask for */
};

struct poll_result {
	struct graph_error	 err;	/* GRAPH_OK: acct and snap are new */
	const char		*failed;	/* the call that failed */
	struct account		 acct;	/* the record as the poll left it */
	struct snapshot		 snap;
	int			 counted_all;	/* the posts were recounted */
	int			 too_many;	/* ... and the count stopped */
};

/* Called once, from the loop, when the poll ends either way. */
typedef void	(*poll_done_cb)(struct poll *, void *arg);

/*
 * Starts polling a (copied) with token (copied).  NULL when out of
 * memory or when the first call cannot start.
 */
struct poll	*poll_start(struct graph *, const struct account *a,
		    const char *token, const struct poll_plan *,
		    poll_done_cb, void *arg);
/* Valid once the poll has ended, until poll_free(). */
const struct poll_result *poll_result(const struct poll *);
/* "polled 'name': N followers, M posts", for an ended poll. */
void		 poll_summary(const struct poll *, char *buf, size_t len);
/* Cancels a poll still running (no callback); accepts NULL. */
void		 poll_free(struct poll *);

#endif
