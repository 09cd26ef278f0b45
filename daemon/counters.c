/*
 * The counters behind threadsd_*_failures and the lateness histogram.
 * They live in memory only: a restart starts them at zero again, which
 * Prometheus takes as a counter reset (rate() and increase() allow for
 * it), and storing them would cost a write per failure for nothing
 * Prometheus does not already keep.  Only the loop's thread calls these.
 */
#include <string.h>
#include <time.h>

#include "daemon/counters.h"

/* From a fast answer (tens of ms) to an hour late. */
const double counters_late_bounds[COUNTERS_LATE_NBOUNDS] = {
	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600,
};

static struct counters	counters;

void
counters_failed(enum counters_op op, enum graph_class class)
{
	if ((unsigned)op >= COUNTERS_NOPS || class == GRAPH_OK ||
	    (unsigned)class >= COUNTERS_NREASONS)
		return;
	counters.failed[op][class]++;
}

void
counters_published(int64_t due_at)
{
	struct timespec ts;
	double late;
	size_t i;

	/* The wall clock, as the scheduler's due times are. */
	clock_gettime(CLOCK_REALTIME, &ts);
	late = (double)((int64_t)ts.tv_sec - due_at) + ts.tv_nsec / 1e9;
	if (late < 0)
		late = 0;
	for (i = 0; i < COUNTERS_LATE_NBOUNDS; i++)
		if (late <= counters_late_bounds[i])
			break;
	counters.late[i]++;
	counters.late_count++;
	counters.late_sum += late;
}

void
counters_read(struct counters *ret)
{
	memcpy(ret, &counters, sizeof(*ret));
}
