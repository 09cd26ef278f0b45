/*
 * Durations as people write them in the config and on the command line:
 * "90s", "15m", "36h", "7d", "2w", or a sum of them ("1h30m").  A bare
 * number is seconds.  Pure functions; no I/O.
 */
#ifndef THREADSD_DURATION_H
#define THREADSD_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses s into seconds.  Returns 0, -EINVAL (not a duration) or -ERANGE
 * (does not fit).
 */
int	duration_parse(const char *s, int64_t *ret_secs);

/*
 * Formats an interval for people in its largest sensible unit, rounded
 * down: "45 s", "12 min", "3 h", "2 d".  Negative values are formatted
 * by their magnitude.  Returns buf.
 */
char	*duration_format(int64_t secs, char *buf, size_t len);

/*
 * Formats t relative to now: "in 3 h", "2 d ago", "now" (within a second).
 * Returns buf.
 */
char	*duration_relative(int64_t t, int64_t now, char *buf, size_t len);

#endif
