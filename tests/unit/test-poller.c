/*
 * poller.c's schedule: each account's slot is stable, lies between half
 * and one and a half intervals after its last poll (exactly one in the
 * steady state), and the slots of many accounts spread evenly over the
 * interval whatever order their polls came in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "daemon/owners/poller.h"
#include "check.h"

/* The poller's clock (daemon.c), fixed for these tests. */
int64_t
daemon_now(void)
{
	return 0;
}

/* Reached through forget.c's erase path, never called here. */
void
daemon_notify_status(struct daemon *d)
{
	(void)d;
}

/* Reached through poller_new() and tokens_new(), never called here. */
int
daemon_timers_new(struct daemon *d, const struct daemon_timer *t, size_t n,
    void *arg)
{
	(void)d;
	(void)t;
	(void)n;
	(void)arg;
	return -1;
}

void
daemon_timers_free(const struct daemon_timer *t, size_t n)
{
	(void)t;
	(void)n;
}

static void
test_bounds(void)
{
	int64_t iv = 900, last, s, s2;
	char id[32];
	int i, bad = 0, steady = 0;

	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "178414%011d", 2 * i + 1);
		last = 1795459000 + (i * 7919) % 100000;
		s = poller_next_slot(id, last, iv);
		if (s < last + iv / 2 || s >= last + iv / 2 + iv)
			bad++;
		/* The same account, the same phase. */
		if ((s - poller_next_slot(id, last + 12345 * iv, iv)) % iv != 0)
			bad++;
		/* Polled at its slot (or a few seconds late): one interval. */
		s2 = poller_next_slot(id, s + 3, iv);
		if (s2 == s + iv)
			steady++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(steady, 5000);
	/* An interval of 1 s (tests): every second. */
	CHECK_INT(poller_next_slot("1", 100, 1), 100);
	CHECK_INT(poller_next_slot("1", 100, 2) - 100 >= 1, 1);
}

/* 10,000 accounts polled at the same moment spread over the interval. */
static void
test_spread(void)
{
	enum { N = 10000, IV = 900, BINS = 15 };
	int bins[BINS], i, min = N, max = 0;
	int64_t s;
	char id[32];

	memset(bins, 0, sizeof(bins));
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "178414%011d", 2 * i + 1);
		s = poller_next_slot(id, 1795459200, IV);
		bins[(s - 1795459200 - IV / 2) * BINS / IV]++;
	}
	for (i = 0; i < BINS; i++) {
		min = bins[i] < min ? bins[i] : min;
		max = bins[i] > max ? bins[i] : max;
	}
	/* 667 a minute on average; a fair hash stays within 15 %. */
	CHECK(min > N / BINS * 85 / 100);
	CHECK(max < N / BINS * 115 / 100);
}

int
main(void)
{
	test_bounds();
	test_spread();
	return check_status();
}
