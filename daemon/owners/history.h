/*
 * The walk over the whole metrics history, a step at a time from the
 * poller's timer: pruning what is past [poll] history_retention, then
 * stripping the metrics [poll] metrics no longer collects.  Each poll's
 * own commit prunes its account as it goes (metrics.c); this walk is
 * for the accounts nobody polls.  Embedded in the poller, which owns it.
 */
#ifndef THREADSD_HISTORY_H
#define THREADSD_HISTORY_H

#include <stdint.h>

#include "daemon/store/metrics.h"

struct daemon;

/* Keys examined in one transaction, by a step or a poll's own prune. */
#define HISTORY_BUDGET	1000

struct history {
	struct daemon		*d;
	struct metrics_prune	 prune;
	int			 pruning;	/* a walk is under way */
	int			 stripping;	/* the walk after pruning */
	int			 strip_check;	/* at start: strip first? */
	int64_t			 prune_at;	/* wall clock */
};

/* The first walk an hour after now; a strip owed at the first step. */
void	history_init(struct history *, struct daemon *, int64_t now);
/* The timer fired: a step of the walk when one is under way or due. */
void	history_step(struct history *, int64_t now);
/* In how many ms the walk wants its next step (<= 0: now). */
int64_t	history_next_ms(const struct history *, int64_t now);

#endif
