/*
 * Backoff with jitter (backoff.h).  The jitter is a hash, not a random
 * number, so that it is the same across restarts.
 */
#include "common/backoff.h"

int64_t
backoff_spread(const char *key, int64_t span)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	if (span <= 0)
		return 0;
	for (p = key; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (int64_t)(h % (uint64_t)span);
}

int64_t
backoff_delay(int64_t base, int64_t max, int failures, const char *key)
{
	int64_t d = base;
	int i;

	for (i = 1; i < failures && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	return d + backoff_spread(key, d / 4 + 1);
}
