/*
 * Instants on the wire and on the command line.  The wire form is UTC ISO
 * 8601 with a Z ("2026-11-22T09:30:00Z").  The parser also takes an
 * explicit offset ("+01:00", "+0100", the Graph API's "+0000"), "now", and
 * a relative "+10m" (see duration.h; here the unit is required, since
 * "+90" could mean minutes as well as seconds).  Nothing here reads the process's
 * TZ: all arithmetic is on UTC civil dates.
 */
#ifndef THREADSD_TIMEFMT_H
#define THREADSD_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_LEN	32	/* enough for any formatted instant */

/* Formats t (Unix seconds) as "YYYY-MM-DDTHH:MM:SSZ".  Returns buf. */
char	*timefmt_format(int64_t t, char *buf, size_t len);

/*
 * Parses s into Unix seconds.  Relative forms are taken from now.  A date
 * and time with no offset is refused (-EINVAL) since its zone is unknown;
 * callers that allow local times resolve them elsewhere.  Returns 0,
 * -EINVAL, or -ERANGE.
 */
int	timefmt_parse(const char *s, int64_t now, int64_t *ret_t);

/* Days since 1970-01-01 for a proleptic Gregorian date (no range check). */
int64_t	timefmt_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
