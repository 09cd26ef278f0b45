/*
 * sched_stage_poll_next(): when an IN_PROGRESS container is read again.
 * The reads a container gets, from its staging to container_timeout,
 * for a post due long after (the doubling alone), due soon after (a
 * read at due - QUOTA_LEAD and at due as well) and due at once; and
 * over many instants, that the next read is always later than now,
 * never past the two instants ahead nor the timeout, never sooner than
 * POLL_INTERVAL once past the timeout, and that no due time costs more
 * than two reads over the doubling alone.
 */
#include <stdint.h>
#include <stdio.h>

#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "check.h"

#define T0	1796000000	/* staged then */

/* The reads from the staging (a read then) to the timeout, as offsets. */
static int
reads(int64_t due, int64_t timeout, int64_t *at, int max)
{
	int64_t now = T0;
	int n = 0;

	at[n++] = 0;
	while (now < T0 + timeout && n < max) {
		now = sched_stage_poll_next(now, T0, T0 + due, timeout);
		at[n++] = now - T0;
	}
	return n;
}

static void
check_reads(int64_t due, int64_t timeout, const int64_t *want, int nwant)
{
	int64_t at[64];
	int i, n = reads(due, timeout, at, 64);

	CHECK_INT(n, nwant);
	for (i = 0; i < n && i < nwant; i++)
		if (at[i] != want[i]) {
			fprintf(stderr, "due %lld, timeout %lld: read %d at "
			    "%lld, wanted %lld\n", (long long)due,
			    (long long)timeout, i, (long long)at[i],
			    (long long)want[i]);
			CHECK(at[i] == want[i]);
		}
}

#define CHECK_READS(due, timeout, want) \
	check_reads((due), (timeout), (want), sizeof(want) / sizeof((want)[0]))

static void
test_schedules(void)
{
	/* Due long after the timeout: the doubling up to POLL_CAP. */
	static const int64_t far[] = { 0, 2, 4, 8, 16, 32, 64, 124, 184,
	    244, 300 };
	/* Due at 7 s: 5 (the quota's instant) and 7 as well. */
	static const int64_t soon[] = { 0, 2, 4, 5, 7, 14, 28, 56, 112, 172,
	    232, 292, 300 };
	/*
	 * With a 16 s timeout, due at once ("post now") or at 2 s
	 * (tests/e2e/test-container.sh): the doubling alone.
	 */
	static const int64_t short16[] = { 0, 2, 4, 8, 16 };
	/* Due at 300 s: the last read before the timeout is at 298. */
	static const int64_t edge[] = { 0, 2, 4, 8, 16, 32, 64, 124, 184,
	    244, 298, 300 };

	CHECK_READS(600, 300, far);
	CHECK_READS(7, 300, soon);
	CHECK_READS(0, 16, short16);
	CHECK_READS(2, 16, short16);
	CHECK_READS(300, 300, edge);
}

static void
test_late(void)
{
	/* Late: the doubling from the staging, up to POLL_CAP. */
	CHECK_INT(sched_stage_poll_next(T0 + 130, T0, T0 + 100, 300) - T0,
	    190);
	/* Staged after its due time: the doubling from the staging. */
	CHECK_INT(sched_stage_poll_next(T0 + 8, T0, T0 - 50, 300) - T0, 16);
	/* No staged_at (a record from before it): POLL_INTERVAL ... */
	CHECK_INT(sched_stage_poll_next(T0, 0, T0 + 100, 300) - T0,
	    POLL_INTERVAL);
	/* ... but not past the due time, nor with the clock set back. */
	CHECK_INT(sched_stage_poll_next(T0, 0, T0 + 1, 300) - T0, 1);
	CHECK_INT(sched_stage_poll_next(T0, T0 + 50, T0 + 1, 300) - T0, 1);
	/* Past the timeout (recovery reads on): the doubling, not 1 s. */
	CHECK_INT(sched_stage_poll_next(T0 + 300, T0, T0 - 5, 300) - T0, 360);
	CHECK_INT(sched_stage_poll_next(T0 + 17, T0, T0 - 5, 16) - T0, 34);
}

static void
test_bounds(void)
{
	int64_t now, due, next, timeout, at[64];
	int bad = 0, more = 0, nfar;

	for (timeout = 1; timeout <= 400; timeout += 57) {
		nfar = reads(100000, timeout, at, 64);
		for (due = -10; due <= 420; due++) {
			if (reads(due, timeout, at, 64) > nfar + 2)
				more++;
			for (now = T0; now <= T0 + timeout + 70; now++) {
				next = sched_stage_poll_next(now, T0, T0 + due,
				    timeout);
				if (next <= now)
					bad++;
				if (now < T0 + timeout &&
				    next > T0 + timeout)
					bad++;
				if (now < T0 + due - QUOTA_LEAD &&
				    next > T0 + due - QUOTA_LEAD)
					bad++;
				if (now < T0 + due && next > T0 + due)
					bad++;
				if (next > now + POLL_CAP)
					bad++;
				if (now >= T0 + timeout &&
				    next < now + POLL_INTERVAL &&
				    next != T0 + due - QUOTA_LEAD &&
				    next != T0 + due)
					bad++;
			}
		}
	}
	CHECK_INT(bad, 0);
	CHECK_INT(more, 0);
}

int
main(void)
{
	test_schedules();
	test_late();
	test_bounds();
	return check_status();
}
