/*
 * The poller's jobs and its state, shared by its files and private to
 * them: poller.c (scans, polls, commits) and poller-report.c (what a
 * committed poll did and what the commits pruned, for the journal and
 * for whoever waits for the poll).  poller.c calls poller-report.c,
 * never the other way.
 */
#ifndef THREADSD_POLLER_JOB_H
#define THREADSD_POLLER_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "daemon/graph/graph.h"
#include "daemon/owners/history.h"

#define JOB_BUCKETS	1024	/* jobs by user id: a batch is thousands */

struct waiter;		/* poller.c's: someone waiting for a poll */

enum outcome {
	OUT_OK,
	OUT_FAILED,
	OUT_REAUTH,		/* Meta rejected the token */
	OUT_REFRESHED,		/* ... but it had been replaced meanwhile */
	OUT_REVOKED,		/* the owner removed the app (190/458) */
	OUT_GONE,		/* removed, or no longer active */
};

struct job {
	TAILQ_ENTRY(job)	 entry;
	LIST_ENTRY(job)		 bucket;
	struct poller		*p;
	char			 user_id[GRAPH_ID_LEN];
	char			 username[128];	/* as the poll began */
	int64_t			 token_issued_at;
	int			 insights_before;
	struct poll		*poll;
	int			 finished;
	TAILQ_HEAD(, waiter)	 waiters;
	/* filled when committed */
	enum outcome		 out;
	int			 failures;	/* before (ok), now (failed) */
	int64_t			 retry_at;
	int			 insights_after;
};

TAILQ_HEAD(jobs, job);

struct poller {
	struct daemon		*d;
	struct event		*timer;		/* scans and pruning */
	struct event		*flush;		/* commits finished polls */
	int			 armed;
	int64_t			 armed_ms;
	struct jobs		 running;
	struct jobs		 finished;
	LIST_HEAD(, job)	 byid[JOB_BUCKETS];	/* both of those */
	int			 nrunning;
	int			 nfinished;
	struct due {
		int64_t		 at;
		char		 user_id[GRAPH_ID_LEN];
	}			*queue;		/* in due order */
	size_t			 qhead;
	size_t			 qlen;
	int64_t			 scan_at;	/* wall clock */
	int64_t			 last_scan_ms;	/* monotonic */
	struct history		 hist;		/* the walk over it all */
	size_t			 pruned;	/* by the commit under way */
	size_t			 round_pruned;
	/* a round: the polls found due by a scan (or several, when capped) */
	int			 capped;	/* the last scan filled the queue */
	int			 round;		/* under way */
	int			 round_n;
	int			 round_overdue;	/* due when scanned */
	int			 round_failed;
	int64_t			 round_ms;	/* when it began */
	uint64_t		 round_conns;	/* http_connections() then */
};

/* Says what a committed poll did (1: it worked); fills msg for waiters. */
int	poller_report_job(struct job *, char *msg, size_t len);
/* Says what the commits since the last report pruned, if anything. */
void	poller_report_pruned(struct poller *, int64_t now);

#endif
