/*
 * Unit tests for common/timefmt.c: formatting around the epoch, 2^31 and
 * the ends of years 0000-9999; parsing of every accepted form and every
 * refusal; and format(parse(x)) round trips.  Expected values were taken
 * from GNU date -u, not from this code.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/timefmt.h"
#include "tests/unit/check.h"

#define NOW	INT64_C(1795334400)	/* 2026-11-22T08:00:00Z */

/* Parses s against NOW; returns the instant or the error as INT64_MIN+e. */
static int64_t
parse(const char *s)
{
	int64_t	t = 0;
	int	r;

	if ((r = timefmt_parse(s, NOW, &t)) < 0)
		return INT64_MIN - r;
	return t;
}

#define PERR(e)	(INT64_MIN - (e))

static const char *
fmt(int64_t t)
{
	static char	buf[TIMEFMT_LEN];

	return timefmt_format(t, buf, sizeof(buf));
}

static void
test_format(void)
{
	CHECK_STR(fmt(0), "1970-01-01T00:00:00Z");
	CHECK_STR(fmt(-1), "1969-12-31T23:59:59Z");
	CHECK_STR(fmt(-86400), "1969-12-31T00:00:00Z");
	CHECK_STR(fmt(-86401), "1969-12-30T23:59:59Z");
	CHECK_STR(fmt(1697521323), "2023-10-17T05:42:03Z");
	CHECK_STR(fmt(1795339800), "2026-11-22T09:30:00Z");
	CHECK_STR(fmt(INT64_C(2147483647)), "2038-01-19T03:14:07Z");
	CHECK_STR(fmt(INT64_C(2147483648)), "2038-01-19T03:14:08Z");
	CHECK_STR(fmt(-INT64_C(2147483648)), "1901-12-13T20:45:52Z");
	CHECK_STR(fmt(951825600), "2000-02-29T12:00:00Z");
	CHECK_STR(fmt(1709164800), "2024-02-29T00:00:00Z");
	CHECK_STR(fmt(-2203891200), "1900-03-01T00:00:00Z");
	CHECK_STR(fmt(INT64_C(253402300799)), "9999-12-31T23:59:59Z");
	CHECK_STR(fmt(INT64_C(253402300800)), "10000-01-01T00:00:00Z");
	CHECK_STR(fmt(-INT64_C(62167219200)), "0000-01-01T00:00:00Z");
	CHECK_STR(fmt(-INT64_C(62167219201)), "-0001-12-31T23:59:59Z");
	/* The extremes fit in TIMEFMT_LEN and do not overflow. */
	CHECK_STR(fmt(INT64_MAX), "292277026596-12-04T15:30:07Z");
	CHECK_STR(fmt(INT64_MIN), "-292277022657-01-27T08:29:52Z");
}

static void
test_days(void)
{
	CHECK_INT(timefmt_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(timefmt_days_from_civil(1969, 12, 31), -1);
	CHECK_INT(timefmt_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT(timefmt_days_from_civil(0, 1, 1), -719528);
	CHECK_INT(timefmt_days_from_civil(9999, 12, 31), 2932896);
	/* No range check: day 0 is the last of the month before. */
	CHECK_INT(timefmt_days_from_civil(1970, 1, 0), -1);
	CHECK_INT(timefmt_days_from_civil(1970, 3, 0), 58);
}

static void
test_parse_forms(void)
{
	CHECK_INT(parse("now"), NOW);
	CHECK_INT(parse("+10m"), NOW + 600);
	CHECK_INT(parse("+1h30m"), NOW + 5400);
	CHECK_INT(parse("+0"), NOW);
	CHECK_INT(parse("2026-11-22T09:30:00Z"), 1795339800);
	CHECK_INT(parse("2026-11-22t09:30:00z"), 1795339800);
	CHECK_INT(parse("2026-11-22 09:30:00Z"), 1795339800);
	CHECK_INT(parse("2026-11-22T09:30Z"), 1795339800);
	CHECK_INT(parse("2026-11-22T09:30:00.123456Z"), 1795339800);
	CHECK_INT(parse("2026-11-22T09:30:00.9+00:00"), 1795339800);
	CHECK_INT(parse("2026-11-22T10:30:00+01:00"), 1795339800);
	CHECK_INT(parse("2026-11-22T10:30:00+0100"), 1795339800);
	CHECK_INT(parse("2026-11-22T10:30:00+01"), 1795339800);
	CHECK_INT(parse("2026-11-22T04:00:00-05:30"), 1795339800);
	CHECK_INT(parse("2026-11-22T09:30:00-00:00"), 1795339800);
	CHECK_INT(parse("2026-11-23T03:30:00+18:00"), 1795339800);
	CHECK_INT(parse("2026-11-21T15:30:00-18:00"), 1795339800);
	/* The Graph API's form. */
	CHECK_INT(parse("2023-10-17T05:42:03+0000"), 1697521323);
	CHECK_INT(parse("2038-01-19T03:14:07Z"), 2147483647);
	CHECK_INT(parse("2038-01-19T03:14:08Z"), INT64_C(2147483648));
	CHECK_INT(parse("2038-01-19T04:14:08+01:00"), INT64_C(2147483648));
	CHECK_INT(parse("1901-12-13T20:45:52Z"), -INT64_C(2147483648));
	CHECK_INT(parse("1969-12-31T23:59:59Z"), -1);
	CHECK_INT(parse("9999-12-31T23:59:59Z"), INT64_C(253402300799));
	CHECK_INT(parse("9999-12-31T23:59:59-18:00"),
	    INT64_C(253402300799) + 18 * 3600);
	CHECK_INT(parse("0000-01-01T00:00:00Z"), -INT64_C(62167219200));
	CHECK_INT(parse("0000-01-01T00:00:00+18:00"),
	    -INT64_C(62167219200) - 18 * 3600);
	CHECK_INT(parse("2000-02-29T00:00:00Z"), 951782400);
	CHECK_INT(parse("2024-02-29T00:00:00Z"), 1709164800);
	CHECK_INT(parse("0000-02-29T00:00:00Z"),
	    -INT64_C(62167219200) + 59 * 86400);
}

static void
test_parse_errors(void)
{
	int64_t	t = 42;

	CHECK_INT(parse(""), PERR(-EINVAL));
	CHECK_INT(timefmt_parse(NULL, NOW, &t), -EINVAL);
	CHECK_INT(parse("Now"), PERR(-EINVAL));
	CHECK_INT(parse("now "), PERR(-EINVAL));
	CHECK_INT(parse(" now"), PERR(-EINVAL));
	CHECK_INT(parse("+"), PERR(-EINVAL));
	CHECK_INT(parse("+10x"), PERR(-EINVAL));
	/* No unit: minutes or seconds?  Refused rather than guessed. */
	CHECK_INT(parse("+90"), PERR(-EINVAL));
	CHECK_INT(parse("+1"), PERR(-EINVAL));
	CHECK_INT(parse("-10m"), PERR(-EINVAL));
	CHECK_INT(parse("+99999999999999999999s"), PERR(-ERANGE));
	CHECK_INT(parse("+9223372036854775807s"), PERR(-ERANGE));
	/* No offset: the zone is unknown. */
	CHECK_INT(parse("2026-11-22T09:30:00"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00.5"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22"), PERR(-EINVAL));
	/* Ranges. */
	CHECK_INT(parse("2026-00-22T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-13-22T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-00T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-31T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-12-32T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-02-29T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("1900-02-29T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T24:00:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:60:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:60Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+18:01"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+19:00"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00-18:30"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+01:60"), PERR(-EINVAL));
	/* Shapes. */
	CHECK_INT(parse("26-11-22T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("12026-11-22T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("-2026-11-22T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-1-22T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026/11/22T09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22X09:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T9:30:00Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:0Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00.Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00,5Z"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+1"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+01:"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+01:0"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+010"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+01:00:00"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00UTC"), PERR(-EINVAL));
	/* Trailing garbage. */
	CHECK_INT(parse("2026-11-22T09:30:00Zx"), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00Z "), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+01:00 "), PERR(-EINVAL));
	CHECK_INT(parse("2026-11-22T09:30:00+0000x"), PERR(-EINVAL));
	/* Failure leaves the out-parameter alone. */
	CHECK_INT(timefmt_parse("2026-02-30T00:00:00Z", NOW, &t), -EINVAL);
	CHECK_INT(t, 42);
}

static void
test_round_trip(void)
{
	static const char *const wire[] = {
		"1970-01-01T00:00:00Z",
		"1969-12-31T23:59:59Z",
		"2026-11-22T09:30:00Z",
		"2038-01-19T03:14:07Z",
		"2038-01-19T03:14:08Z",
		"2000-02-29T23:59:59Z",
		"2100-03-01T00:00:00Z",
		"0000-01-01T00:00:00Z",
		"0000-12-31T23:59:59Z",
		"0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z",
	};
	int64_t		t, step;
	size_t		i;

	for (i = 0; i < sizeof(wire) / sizeof(wire[0]); i++)
		CHECK_STR(fmt(parse(wire[i])), wire[i]);

	/* parse(format(t)) == t over the whole 0000-9999 range. */
	step = INT64_C(86400) * 997 + 3607;
	for (t = -INT64_C(62167219200); t <= INT64_C(253402300799);
	    t += step) {
		if (parse(fmt(t)) != t) {
			CHECK_INT(parse(fmt(t)), t);
			break;
		}
	}
	CHECK(t > INT64_C(253402300799) - step);
}

int
main(void)
{
	test_format();
	test_days();
	test_parse_forms();
	test_parse_errors();
	test_round_trip();
	return check_status();
}
