/*
 * Unit tests for common/duration.c: every unit, sums, each refusal
 * (empty, sign, space, unknown unit, dangling number, overflow) and the
 * two formatters at their unit boundaries.
 */
#include <errno.h>
#include <stdint.h>

#include "common/duration.h"
#include "tests/unit/check.h"

/* Parses s and returns the result, or the error as a negative value. */
static int64_t
parse(const char *s)
{
	int64_t	v = -999;
	int	r;

	if ((r = duration_parse(s, &v)) < 0)
		return r;
	return v;
}

static void
test_parse_ok(void)
{
	CHECK_INT(parse("0"), 0);
	CHECK_INT(parse("90"), 90);
	CHECK_INT(parse("90s"), 90);
	CHECK_INT(parse("15m"), 900);
	CHECK_INT(parse("36h"), 129600);
	CHECK_INT(parse("7d"), 604800);
	CHECK_INT(parse("2w"), 1209600);
	CHECK_INT(parse("1h30m"), 5400);
	CHECK_INT(parse("1w2d3h4m5s"), 604800 + 172800 + 10800 + 240 + 5);
	CHECK_INT(parse("1m1m"), 120);
	CHECK_INT(parse("007s"), 7);
	CHECK_INT(parse("9223372036854775807"), INT64_MAX);
	CHECK_INT(parse("9223372036854775807s"), INT64_MAX);
}

static void
test_parse_errors(void)
{
	int64_t	v = 42;

	CHECK_INT(parse(""), -EINVAL);
	CHECK_INT(duration_parse(NULL, &v), -EINVAL);
	CHECK_INT(parse("-5s"), -EINVAL);
	CHECK_INT(parse("+5s"), -EINVAL);
	CHECK_INT(parse(" 5s"), -EINVAL);
	CHECK_INT(parse("5s "), -EINVAL);
	CHECK_INT(parse("1h 30m"), -EINVAL);
	CHECK_INT(parse("5x"), -EINVAL);
	CHECK_INT(parse("5S"), -EINVAL);
	CHECK_INT(parse("5min"), -EINVAL);
	CHECK_INT(parse("s"), -EINVAL);
	CHECK_INT(parse("h1"), -EINVAL);
	CHECK_INT(parse("1h30"), -EINVAL);
	CHECK_INT(parse("1.5h"), -EINVAL);
	CHECK_INT(parse("5ss"), -EINVAL);
	/* Overflow in the digits, in the unit and in the sum. */
	CHECK_INT(parse("9223372036854775808"), -ERANGE);
	CHECK_INT(parse("99999999999999999999999s"), -ERANGE);
	CHECK_INT(parse("15250284452472w"), -ERANGE);
	CHECK_INT(parse("153722867280912931m"), -ERANGE);
	CHECK_INT(parse("9223372036854775807s1s"), -ERANGE);
	CHECK_INT(parse("15250284452471w"), 15250284452471LL * 604800);
	/* Failure leaves the out-parameter alone. */
	CHECK_INT(duration_parse("5x", &v), -EINVAL);
	CHECK_INT(v, 42);
}

static void
test_format(void)
{
	char	buf[64];

	CHECK_STR(duration_format(0, buf, sizeof(buf)), "0 s");
	CHECK_STR(duration_format(45, buf, sizeof(buf)), "45 s");
	CHECK_STR(duration_format(59, buf, sizeof(buf)), "59 s");
	CHECK_STR(duration_format(60, buf, sizeof(buf)), "1 min");
	CHECK_STR(duration_format(12 * 60 + 59, buf, sizeof(buf)), "12 min");
	CHECK_STR(duration_format(3599, buf, sizeof(buf)), "59 min");
	CHECK_STR(duration_format(3600, buf, sizeof(buf)), "1 h");
	CHECK_STR(duration_format(3 * 3600 + 1, buf, sizeof(buf)), "3 h");
	CHECK_STR(duration_format(172799, buf, sizeof(buf)), "47 h");
	CHECK_STR(duration_format(172800, buf, sizeof(buf)), "2 d");
	CHECK_STR(duration_format(-45, buf, sizeof(buf)), "45 s");
	CHECK_STR(duration_format(-172800 * 5, buf, sizeof(buf)), "10 d");
	CHECK_STR(duration_format(INT64_MAX, buf, sizeof(buf)),
	    "106751991167300 d");
	CHECK_STR(duration_format(INT64_MIN, buf, sizeof(buf)),
	    "106751991167300 d");
	/* A short buffer truncates and stays terminated. */
	CHECK_STR(duration_format(12 * 60, buf, 4), "12 ");
}

static void
test_relative(void)
{
	char	buf[64];

	CHECK_STR(duration_relative(1000, 1000, buf, sizeof(buf)), "now");
	CHECK_STR(duration_relative(1001, 1000, buf, sizeof(buf)), "in 1 s");
	CHECK_STR(duration_relative(999, 1000, buf, sizeof(buf)), "1 s ago");
	CHECK_STR(duration_relative(1000 + 3 * 3600, 1000, buf, sizeof(buf)),
	    "in 3 h");
	CHECK_STR(duration_relative(1000 - 2 * 86400, 1000, buf, sizeof(buf)),
	    "2 d ago");
	/* The difference does not fit in an int64_t. */
	CHECK_STR(duration_relative(INT64_MAX, INT64_MIN, buf, sizeof(buf)),
	    "in 213503982334601 d");
	CHECK_STR(duration_relative(INT64_MIN, INT64_MAX, buf, sizeof(buf)),
	    "213503982334601 d ago");
}

int
main(void)
{
	test_parse_ok();
	test_parse_errors();
	test_format();
	test_relative();
	return check_status();
}
