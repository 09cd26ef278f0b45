/*
 * Time zones read by hand: local times that are skipped or repeated,
 * zones north and south of the equator, the footer rule beyond 2037, and
 * offsets compared with the C library's own reading of the same files
 * (this test may set TZ; the daemon never does).  Damaged files and bad
 * names are refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/timefmt.h"
#include "common/tzfile.h"
#include "tests/unit/check.h"

static int64_t
utc(const char *s)
{
	int64_t t = 0;

	if (timefmt_parse(s, 0, &t) < 0)
		fprintf(stderr, "bad test time %s\n", s);
	return t;
}

static int64_t
local(const char *s)
{
	int64_t l = 0;

	CHECK_INT(tz_parse_local(s, &l), 0);
	return l;
}

static struct tzinfo *
zone(const char *name)
{
	struct tzinfo *tz = NULL;

	CHECK_INT(tz_load(name, &tz), 0);
	return tz;
}

static void
test_paris(void)
{
	struct tzinfo *tz = zone("Europe/Paris");
	int64_t t[2];

	if (tz == NULL)
		return;
	/* Winter and summer. */
	CHECK_INT(tz_local_to_utc(tz, local("2026-11-23 09:00"), t), 1);
	CHECK_INT(t[0], utc("2026-11-23T08:00:00Z"));
	CHECK_INT(tz_local_to_utc(tz, local("2026-07-01T12:00:00"), t), 1);
	CHECK_INT(t[0], utc("2026-07-01T10:00:00Z"));
	/* Spring forward: 02:00-02:59 on 29 March 2026 never happens. */
	CHECK_INT(tz_local_to_utc(tz, local("2026-03-29 02:30"), t), 0);
	CHECK_INT(tz_local_to_utc(tz, local("2026-03-29 01:59:59"), t), 1);
	CHECK_INT(tz_local_to_utc(tz, local("2026-03-29 03:00"), t), 1);
	CHECK_INT(t[0], utc("2026-03-29T01:00:00Z"));
	/* Fall back: 02:00-02:59 on 25 October 2026 happens twice. */
	CHECK_INT(tz_local_to_utc(tz, local("2026-10-25 02:30"), t), 2);
	CHECK_INT(t[0], utc("2026-10-25T00:30:00Z"));
	CHECK_INT(t[1], utc("2026-10-25T01:30:00Z"));
	CHECK_INT(tz_local_to_utc(tz, local("2026-10-25 03:00"), t), 1);
	/* Beyond the table (2037): the footer's rule. */
	CHECK_INT(tz_local_to_utc(tz, local("2100-07-01 12:00"), t), 1);
	CHECK_INT(t[0], utc("2100-07-01T10:00:00Z"));
	CHECK_INT(tz_local_to_utc(tz, local("2100-03-28 02:30"), t), 0);
	CHECK_INT(tz_local_to_utc(tz, local("2100-10-31 02:30"), t), 2);
	tz_free(tz);
}

static void
test_south_and_fixed(void)
{
	struct tzinfo *tz;
	int64_t t[2];

	/* Sydney: DST from October to April, across the new year. */
	if ((tz = zone("Australia/Sydney")) != NULL) {
		CHECK_INT(tz_local_to_utc(tz, local("2027-01-15 12:00"), t),
		    1);
		CHECK_INT(t[0], utc("2027-01-15T01:00:00Z"));
		CHECK_INT(tz_local_to_utc(tz, local("2026-07-15 12:00"), t),
		    1);
		CHECK_INT(t[0], utc("2026-07-15T02:00:00Z"));
		CHECK_INT(tz_local_to_utc(tz, local("2026-10-04 02:30"), t),
		    0);
		CHECK_INT(tz_local_to_utc(tz, local("2026-04-05 02:30"), t),
		    2);
		CHECK_INT(tz_local_to_utc(tz, local("2090-01-15 12:00"), t),
		    1);
		CHECK_INT(t[0], utc("2090-01-15T01:00:00Z"));
		tz_free(tz);
	}
	/* Half-hour offset, no DST. */
	if ((tz = zone("Asia/Kolkata")) != NULL) {
		CHECK_INT(tz_local_to_utc(tz, local("2026-11-23 09:00"), t),
		    1);
		CHECK_INT(t[0], utc("2026-11-23T03:30:00Z"));
		tz_free(tz);
	}
	if ((tz = zone("UTC")) != NULL) {
		CHECK_INT(tz_local_to_utc(tz, local("2026-03-29 02:30"), t),
		    1);
		CHECK_INT(t[0], utc("2026-03-29T02:30:00Z"));
		tz_free(tz);
	}
}

/* Every 6 hours and 17 minutes from 1901 to 2099: glibc agrees. */
static void
test_against_libc(const char *name)
{
	struct tzinfo *tz;
	char env[128];
	struct tm tm;
	time_t tt;
	int64_t t;
	int bad = 0;

	if ((tz = zone(name)) == NULL)
		return;
	snprintf(env, sizeof(env), "TZ=:%s", name);
	putenv(env);
	tzset();
	for (t = utc("1901-12-14T00:00:00Z"); t < utc("2099-12-31T00:00:00Z");
	    t += 6 * 3600 + 17 * 60) {
		tt = (time_t)t;
		if (localtime_r(&tt, &tm) == NULL)
			continue;
		if (tm.tm_gmtoff != tz_offset_at(tz, t) && bad++ < 3)
			fprintf(stderr, "%s at %lld: libc %ld, ours %d\n",
			    name, (long long)t, tm.tm_gmtoff,
			    tz_offset_at(tz, t));
	}
	CHECK_INT(bad, 0);
	putenv("TZ=UTC");
	tzset();
	tz_free(tz);
}

static void
test_refused(void)
{
	static const uint8_t junk[] = "TZif2 not really a zone file at all";
	struct tzinfo *tz = NULL;
	uint8_t buf[4096];
	FILE *f;
	size_t n, cut;
	int64_t l;

	CHECK_INT(tz_load("../../etc/passwd", &tz), -EINVAL);
	CHECK_INT(tz_load("/etc/localtime", &tz), -EINVAL);
	CHECK_INT(tz_load("", &tz), -EINVAL);
	CHECK_INT(tz_load("Mars/Olympus_Mons", &tz), -ENOENT);
	CHECK_INT(tz_load("Europe", &tz), -ENOENT);	/* a directory */
	CHECK_INT(tz_parse(junk, sizeof(junk), &tz), -EINVAL);
	CHECK_INT(tz_parse(junk, 3, &tz), -EINVAL);
	CHECK(tz == NULL);

	/* A real file cut anywhere is refused, never over-read. */
	if ((f = fopen(TZ_DEFAULT_DIR "/Europe/Paris", "rb")) != NULL) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		for (cut = 0; cut + 1 < n; cut += 7) {
			uint8_t *copy = malloc(cut + 1);

			memcpy(copy, buf, cut);
			if (tz_parse(copy, cut, &tz) == 0) {
				/* Only a cut inside the footer parses. */
				CHECK(cut > n - 40);
				tz_free(tz);
				tz = NULL;
			}
			free(copy);
		}
	}

	CHECK_INT(tz_parse_local("2026-11-23 09:00+01:00", &l), -EINVAL);
	CHECK_INT(tz_parse_local("2026-11-23T09:00:00Z", &l), -EINVAL);
	CHECK_INT(tz_parse_local("now", &l), -EINVAL);
	CHECK_INT(tz_parse_local("+10m", &l), -EINVAL);
	CHECK_INT(tz_parse_local("2026-02-30 09:00", &l), -EINVAL);
	CHECK_INT(tz_parse_local("2026-11-23 25:00", &l), -EINVAL);
	CHECK_INT(tz_parse_local("2026-11-23 09:00:07", &l), 0);
	CHECK_INT(l, utc("2026-11-23T09:00:07Z"));
}

int
main(void)
{
	test_paris();
	test_south_and_fixed();
	test_against_libc("Europe/Paris");
	test_against_libc("America/New_York");
	test_against_libc("Australia/Lord_Howe");
	test_against_libc("America/Sao_Paulo");
	test_against_libc("Pacific/Chatham");
	test_against_libc("Africa/Casablanca");
	test_refused();
	return check_status();
}
