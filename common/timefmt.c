/*
 * Instants: formatting Unix seconds as UTC ISO 8601 and parsing what the
 * wire, the Graph API and people write.  Civil dates come from Howard
 * Hinnant's days_from_civil/civil_from_days, so nothing here depends on
 * TZ, localtime() or the range of time_t.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/duration.h"
#include "common/timefmt.h"

#define MAX_OFFSET	(18 * 3600)

int64_t
timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	/* Signed, so that d == 0 means the day before the 1st. */
	doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 +
	    (int64_t)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d)
{
	int64_t		era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*ret_d = doy - (153 * mp + 2) / 5 + 1;
	*ret_m = mp < 10 ? mp + 3 : mp - 9;
	*ret_y = yoe + era * 400 + (*ret_m <= 2);
}

char *
timefmt_format(int64_t t, char *buf, size_t len)
{
	int64_t		days, secs, y;
	unsigned	m, d;

	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	/* Years outside 0000-9999 only come from absurd inputs; keep sign. */
	snprintf(buf, len, "%s%04" PRIu64 "-%02u-%02uT%02u:%02u:%02uZ",
	    y < 0 ? "-" : "", y < 0 ? -(uint64_t)y : (uint64_t)y, m, d,
	    (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
	    (unsigned)(secs % 60));
	return buf;
}

/* Reads exactly n digits at *pp into *ret_v and advances *pp. */
static int
digits(const char **pp, int n, int *ret_v)
{
	const char	*p = *pp;
	int		 v = 0;

	for (; n > 0; n--, p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	*pp = p;
	*ret_v = v;
	return 0;
}

static int
is_leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in_month(int y, int m)
{
	static const int	mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* "Z", "z", "+HH:MM", "-HHMM", "+HH"; the whole rest of the string. */
static int
parse_offset(const char *p, int *ret_off)
{
	int	sign, hh, mm = 0;

	if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
		*ret_off = 0;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -EINVAL;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &hh) < 0)
		return -EINVAL;
	if (*p == ':')
		p++;
	if (*p != '\0' && digits(&p, 2, &mm) < 0)
		return -EINVAL;
	/* "+01:" has a colon and no minutes. */
	if (*p != '\0' || p[-1] == ':')
		return -EINVAL;
	if (mm > 59 || hh * 3600 + mm * 60 > MAX_OFFSET)
		return -EINVAL;
	*ret_off = sign * (hh * 3600 + mm * 60);
	return 0;
}

/* "YYYY-MM-DD[T ]HH:MM[:SS][.frac]" and an offset. */
static int
parse_datetime(const char *p, int64_t *ret_t)
{
	int	y, mo, d, h, mi, s = 0, off;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' ||
	    digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0)
		return -EINVAL;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -EINVAL;
	p++;
	if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
		return -EINVAL;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &s) < 0)
			return -EINVAL;
	}
	if (*p == '.') {
		/* Sub-second precision is accepted and dropped. */
		if (p[1] < '0' || p[1] > '9')
			return -EINVAL;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	/* An empty offset is refused: without one the zone is unknown. */
	if (parse_offset(p, &off) < 0)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || s > 59)
		return -EINVAL;
	*ret_t = timefmt_days_from_civil(y, mo, d) * 86400 + h * 3600 +
	    mi * 60 + s - off;
	return 0;
}

int
timefmt_parse(const char *s, int64_t now, int64_t *ret_t)
{
	int64_t		secs;
	int		r;

	if (s == NULL)
		return -EINVAL;
	if (strcmp(s, "now") == 0) {
		*ret_t = now;
		return 0;
	}
	if (s[0] == '+') {
		/*
		 * "+90" alone would silently mean seconds: a unit is needed
		 * (but "+0" is the same in every unit).
		 */
		if (strspn(s + 1, "0123456789") == strlen(s + 1) &&
		    strspn(s + 1, "0") != strlen(s + 1))
			return -EINVAL;
		if ((r = duration_parse(s + 1, &secs)) < 0)
			return r;
		if (now > INT64_MAX - secs)
			return -ERANGE;
		*ret_t = now + secs;
		return 0;
	}
	return parse_datetime(s, ret_t);
}
