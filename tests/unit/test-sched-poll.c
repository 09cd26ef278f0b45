/*
 * sched_poll_at(): when an IN_PROGRESS container is read again.  The
 * reads a container gets, from its staging to container_timeout, for a
 * post due long after (the doubling alone), due soon after (a read at
 * due - QUOTA_LEAD and at due, then a doubling from the due time) and
 * due at once; and over many instants, that the next read is always
 * later than now, never past the two instants ahead, never past the
 * timeout.
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
		now = sched_poll_at(now, T0, T0 + due, timeout);
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

static void
test_schedules(void)
{
	/* Due long after the timeout: the doubling up to POLL_CAP. */
	static const int64_t far[] = { 0, 2, 4, 8, 16, 32, 64, 124, 184,
	    244, 300 };
	/* Due at 7 s: 5 (the quota's instant) and 7, then from 7. */
	static const int64_t soon[] = { 0, 2, 4, 5, 7, 9, 11, 15, 23, 39,
	    71, 131, 191, 251, 300 };
	/* Due at once ("post now"): as from the staging. */
	static const int64_t now[] = { 0, 2, 4, 8, 16 };
	/* Due at 2 s, a 16 s timeout (tests/e2e/test-container.sh). */
	static const int64_t two[] = { 0, 2, 4, 6, 10, 16 };
	/* Due at 300 s: the last read before the timeout is at 298. */
	static const int64_t edge[] = { 0, 2, 4, 8, 16, 32, 64, 124, 184,
	    244, 298, 300 };

	check_reads(600, 300, far, sizeof(far) / sizeof(far[0]));
	check_reads(7, 300, soon, sizeof(soon) / sizeof(soon[0]));
	check_reads(0, 16, now, sizeof(now) / sizeof(now[0]));
	check_reads(2, 16, two, sizeof(two) / sizeof(two[0]));
	check_reads(300, 300, edge, sizeof(edge) / sizeof(edge[0]));
}

/* A read late in a post's lateness waits from the due time, not more. */
static void
test_late(void)
{
	CHECK_INT(sched_poll_at(T0 + 130, T0, T0 + 100, 300) - T0, 160);
	CHECK_INT(sched_poll_at(T0 + 101, T0, T0 + 100, 300) - T0, 103);
	/* Staged after its due time: the doubling from the staging. */
	CHECK_INT(sched_poll_at(T0 + 8, T0, T0 - 50, 300) - T0, 16);
	/* No staged_at (a record from before it): POLL_INTERVAL. */
	CHECK_INT(sched_poll_at(T0, 0, T0 + 100, 300) - T0, POLL_INTERVAL);
}

static void
test_bounds(void)
{
	int64_t now, due, next, timeout;
	int bad = 0;

	for (timeout = 1; timeout <= 400; timeout += 57)
		for (due = -10; due <= 420; due++)
			for (now = T0; now <= T0 + timeout + 3; now++) {
				next = sched_poll_at(now, T0, T0 + due,
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
			}
	CHECK_INT(bad, 0);
}

int
main(void)
{
	test_schedules();
	test_late();
	test_bounds();
	return check_status();
}
