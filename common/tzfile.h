/*
 * Time zones without TZ: a reader of TZif files (RFC 8536, versions 1 to
 * 4, with the POSIX TZ string of the footer for times past the last
 * transition) and the arithmetic that turns a local wall-clock time in a
 * zone into the UTC instants it names.  Nothing here calls localtime(),
 * mktime() or reads the process's TZ, so a zone given per request cannot
 * leak into anything else.
 */
#ifndef THREADSD_TZFILE_H
#define THREADSD_TZFILE_H

#include <stddef.h>
#include <stdint.h>

struct tzinfo;

#define TZ_DEFAULT_DIR	"/usr/share/zoneinfo"

/* Parses TZif data.  0, -EINVAL (not TZif or damaged), -ENOMEM. */
int	tz_parse(const uint8_t *buf, size_t len, struct tzinfo **ret_tz);

/*
 * Loads zone name ("Europe/Paris") from $TZDIR, else TZ_DEFAULT_DIR.
 * "UTC" needs no file.  Names with characters IANA names never use
 * (hence no "..") are refused.  0, -EINVAL (bad name or bad file),
 * -ENOENT (no such zone), -ENOMEM.
 */
int	tz_load(const char *name, struct tzinfo **ret_tz);

void	tz_free(struct tzinfo *);

/* Seconds east of UTC in force at instant t. */
int32_t	tz_offset_at(const struct tzinfo *, int64_t t);

/*
 * The instants at which the zone's clocks read local (a wall-clock time
 * counted in seconds as if it were UTC).  Returns how many: 0 when the
 * time is skipped (spring forward), 1, or 2 when it occurs twice (fall
 * back), earliest first in ret_t.
 */
int	tz_local_to_utc(const struct tzinfo *, int64_t local,
	    int64_t ret_t[2]);

/*
 * A local date and time with no offset: "YYYY-MM-DD HH:MM[:SS]" (or with
 * a T), as seconds as if it were UTC.  -EINVAL for anything else,
 * including times that carry an offset.
 */
int	tz_parse_local(const char *s, int64_t *ret_local);

#endif
