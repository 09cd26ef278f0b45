/*
 * Durations: parsing "1h30m"-style strings into seconds and formatting
 * intervals for people.  Pure arithmetic; the config parser trims
 * whitespace before calling here, so none is accepted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/duration.h"

static int
unit_secs(char c, int64_t *ret_mult)
{
	switch (c) {
	case 's':
		*ret_mult = 1;
		return 0;
	case 'm':
		*ret_mult = 60;
		return 0;
	case 'h':
		*ret_mult = 3600;
		return 0;
	case 'd':
		*ret_mult = 86400;
		return 0;
	case 'w':
		*ret_mult = 7 * 86400;
		return 0;
	}
	return -EINVAL;
}

int
duration_parse(const char *s, int64_t *ret_secs)
{
	const char	*p = s;
	int64_t		 total = 0, n, mult;
	int		 r;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	while (*p != '\0') {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (n = 0; *p >= '0' && *p <= '9'; p++) {
			if (n > (INT64_MAX - (*p - '0')) / 10)
				return -ERANGE;
			n = n * 10 + (*p - '0');
		}
		if (*p == '\0') {
			/* A bare number is seconds, but "1h30" is a typo. */
			if (p != s + strspn(s, "0123456789"))
				return -EINVAL;
			mult = 1;
		} else if ((r = unit_secs(*p++, &mult)) < 0)
			return r;
		if (n > INT64_MAX / mult)
			return -ERANGE;
		n *= mult;
		if (total > INT64_MAX - n)
			return -ERANGE;
		total += n;
	}
	*ret_secs = total;
	return 0;
}

/*
 * Formats a magnitude; shared by both formatters so INT64_MIN works.
 * Hours run up to 47: "1 d" would hide most of a day.
 */
static char *
format_mag(uint64_t mag, const char *pre, const char *post, char *buf,
    size_t len)
{
	if (mag < 60)
		snprintf(buf, len, "%s%" PRIu64 " s%s", pre, mag, post);
	else if (mag < 3600)
		snprintf(buf, len, "%s%" PRIu64 " min%s", pre, mag / 60, post);
	else if (mag < 2 * 86400)
		snprintf(buf, len, "%s%" PRIu64 " h%s", pre, mag / 3600, post);
	else
		snprintf(buf, len, "%s%" PRIu64 " d%s", pre, mag / 86400,
		    post);
	return buf;
}

char *
duration_format(int64_t secs, char *buf, size_t len)
{
	uint64_t	mag;

	mag = secs < 0 ? -(uint64_t)secs : (uint64_t)secs;
	return format_mag(mag, "", "", buf, len);
}

char *
duration_relative(int64_t t, int64_t now, char *buf, size_t len)
{
	/* Unsigned subtraction: t - now may not fit in an int64_t. */
	if (t == now)
		snprintf(buf, len, "now");
	else if (t > now)
		format_mag((uint64_t)t - (uint64_t)now, "in ", "", buf, len);
	else
		format_mag((uint64_t)now - (uint64_t)t, "", " ago", buf, len);
	return buf;
}
