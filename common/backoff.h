/*
 * Spreading work over time, for the owners that act per account (the
 * token keeper, the poller): a stable offset from a key, and a doubling
 * delay with jitter for retries.  Stable means the same account gets the
 * same offset on every start, so that thousands of accounts never fire
 * at once and a restart does not bunch them up.
 */
#ifndef THREADSD_BACKOFF_H
#define THREADSD_BACKOFF_H

#include <stdint.h>

/* An offset in [0, span) from key (FNV-1a); 0 when span <= 0. */
int64_t	backoff_spread(const char *key, int64_t span);

/*
 * The wait before retry number failures (1: the first): base doubled
 * for each failure before it, at most max, plus up to a quarter of that
 * spread by key.
 */
int64_t	backoff_delay(int64_t base, int64_t max, int failures,
	    const char *key);

#endif
