/*
 * What the daemon holds, counted from the store: accounts, posts per
 * state, the next due post.  Shared by the `status` request and the
 * STATUS= line sent to systemd.
 */
#ifndef THREADSD_STATUS_H
#define THREADSD_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/store/post.h"

struct store;

struct status_counts {
	size_t		 accounts;
	uint64_t	 posts[POST_NSTATES];
	int64_t		 next_due;		/* the next post's due time;
						   0: no post queued */
	char		 next_due_post[24];
};

int	status_counts(struct store *, struct status_counts *ret_sc);

/* "2 accounts, 5 posts queued, next due 2026-11-23T09:00:00Z" */
void	status_line(const struct status_counts *, char *buf, size_t len);

#endif
