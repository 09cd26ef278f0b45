/*
 * What the daemon counts in memory since it started, for `metrics`: the
 * Graph API calls of the poller, the publisher and the token keeper that
 * failed, by the class of their error, and how late posts went out.
 * Callers in those owners make one call each; openmetrics.c reads.
 */
#ifndef THREADSD_COUNTERS_H
#define THREADSD_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/graph/graph.h"

enum counters_op {
	COUNTERS_POLL,		/* a poll (any of its calls) */
	COUNTERS_PUBLISH,	/* a threads_publish (or repost) request */
	COUNTERS_REFRESH,	/* a token refresh */
	COUNTERS_NOPS
};

/* The reasons are the error classes, GRAPH_TRANSIENT..GRAPH_PERMANENT. */
#define COUNTERS_NREASONS	(GRAPH_PERMANENT + 1)

/* Upper bounds (seconds) of the lateness buckets; +Inf is implicit. */
#define COUNTERS_LATE_NBOUNDS	13
extern const double counters_late_bounds[COUNTERS_LATE_NBOUNDS];

struct counters {
	uint64_t	 failed[COUNTERS_NOPS][COUNTERS_NREASONS];
	uint64_t	 late[COUNTERS_LATE_NBOUNDS + 1];	/* not cumulative;
								   last: +Inf */
	uint64_t	 late_count;
	double		 late_sum;
};

/* One failed call of op; class GRAPH_OK is ignored. */
void	counters_failed(enum counters_op, enum graph_class);
/* A post due at due_at is on Threads: observes now - due_at (>= 0). */
void	counters_published(int64_t due_at);
/* Everything counted so far. */
void	counters_read(struct counters *ret);

#endif
