/*
 * clock: real time plus an admin-controlled offset.
 *
 * It owns the offset and nothing else.  Only wall-clock seconds matter
 * here: a request that stalls uses libevent timers, not this clock.
 */
#include <stddef.h>
#include <time.h>

#include "clock.h"

static int64_t	clock_offset;

/*
 * CLOCK_REALTIME itself, not time(2): that reads a coarse clock which
 * lags by up to a tick, and a client that acts on the second (a post due
 * at 12:00:00 sent at 12:00:00.001) would look early by a whole second.
 */
int64_t
fgclock_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec + clock_offset;
}

int64_t
fgclock_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec + clock_offset) * 1000 +
	    ts.tv_nsec / 1000000;
}

void
fgclock_advance(int64_t secs)
{
	clock_offset += secs;
}

void
fgclock_set(int64_t when)
{
	clock_offset = when - (int64_t)time(NULL);
}

void
fgclock_reset(void)
{
	clock_offset = 0;
}

/* Graph timestamps: "2023-10-17T05:42:03+0000", no colon in the offset. */
void
fgclock_fmt_graph(int64_t when, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)when;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%S+0000", &tm) == 0) {
		if (len > 0)
			buf[0] = '\0';
	}
}
