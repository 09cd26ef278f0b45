/*
 * The scan's part of one look at the `due` index (sched.c walks it): the
 * work of one scan, and what one due post needs.
 */
#ifndef THREADSD_SCAN_H
#define THREADSD_SCAN_H

#include <stdint.h>

#include <lmdb.h>

#include "daemon/store/account.h"
#include "daemon/owners/job.h"

#define ACACHE		16

/* Accounts met during one scan, so that a burst costs one read each. */
struct acache {
	struct account	 a[ACACHE];
	int		 found[ACACHE];
	size_t		 n, next;
};

/* One scan's work: the jobs to start once the transaction commits. */
struct scan {
	struct sched	*s;
	int64_t		 now;
	int64_t		 next;	/* the earliest next_at ahead */
	struct acache	 ac;
	struct job	*start[SCAN_BATCH];
	size_t		 nstart;
};

/*
 * What a due post needs.  Writes what must be on disk first and returns
 * the job to start (*ret_job), or NULL when the post only needed a write
 * (or nothing).  With only_publish, a post that is not to be published
 * now is left alone (*ret_skipped set): the publishes go first.
 */
int	scan_one(struct scan *, MDB_txn *, int64_t at, uint64_t id,
	    int only_publish, struct job **ret_job, int *ret_skipped);
/* The accounts read during the scan. */
void	scan_clear(struct scan *);

#endif
