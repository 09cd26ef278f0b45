/*
 * What threadsctl can tell is wrong with an argument without asking the
 * daemon: the syntax of post ids, states, times, zones and durations.
 * A mistake there is a usage error (exit 2, one line, where to look),
 * not a refusal.  Whether the post exists or the time is free is still
 * the daemon's to say.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "common/duration.h"
#include "common/timefmt.h"
#include "common/tzfile.h"
#include "ctl.h"

const char *const ctl_post_states[] = {
	"scheduled", "staging", "staged", "ready", "publishing",
	"published", "failed", "cancelled", NULL
};

/* "WHAT: 'S' WHY": EXIT_USAGE. */
static int
args_refuse(struct ctl *ctl, const char *what, const char *s,
    const char *why)
{
	return ctl_usage_error(ctl, "%s: '%.64s' %s", what, s, why);
}

int
ctl_check_post_id(struct ctl *ctl, const char *what, const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 20 || s[n] != '\0' || strspn(s, "0") == n)
		return args_refuse(ctl, what, s, "is not a post id (a number, "
		    "as 'threadsctl queue' shows)");
	return 0;
}

int
ctl_check_state(struct ctl *ctl, const char *what, const char *s)
{
	size_t i;

	for (i = 0; ctl_post_states[i] != NULL; i++)
		if (strcmp(ctl_post_states[i], s) == 0)
			return 0;
	return args_refuse(ctl, what, s, "is not a state (scheduled, staging, "
	    "staged, ready, publishing, published, failed or cancelled)");
}

int
ctl_check_zone(struct ctl *ctl, const char *what, const char *zone)
{
	struct tzinfo *tz;
	int r;

	if ((r = tz_load(zone, &tz)) == 0) {
		tz_free(tz);
		return 0;
	}
	if (r == -ENOMEM)
		return 0;	/* not the argument's fault: the daemon judges */
	return ctl_usage_error(ctl, r == -ENOENT ? "%s: unknown time zone "
	    "'%.64s' (see timedatectl list-timezones)" : "%s: '%.64s' is not "
	    "a time zone name (like Europe/Paris)", what, zone);
}

int
ctl_check_time(struct ctl *ctl, const char *what, const char *s)
{
	int64_t t, local;
	size_t n;

	if (s[0] == '+' && (n = strspn(s + 1, "0123456789")) > 0 &&
	    s[n + 1] == '\0' && strspn(s + 1, "0") != n)
		return ctl_usage_error(ctl, "%s: '%.64s' has no unit: say "
		    "+%ss, +%sm, +%sh or +%sd", what, s, s + 1, s + 1, s + 1,
		    s + 1);
	if (timefmt_parse(s, (int64_t)time(NULL), &t) == 0 ||
	    tz_parse_local(s, &local) == 0)
		return 0;
	return args_refuse(ctl, what, s, "is not a time: give ISO 8601 with "
	    "an offset (2026-11-23T09:00:00+01:00), a local time "
	    "(2026-11-23 09:00, with --tz ZONE), 'now' or '+10m'");
}

int
ctl_check_since(struct ctl *ctl, const char *what, const char *s)
{
	int64_t v;

	if (duration_parse(s, &v) == 0 ||
	    timefmt_parse(s, (int64_t)time(NULL), &v) == 0)
		return 0;
	return args_refuse(ctl, what, s, "is neither a duration (30d, 12h, "
	    "2w) nor a time (2026-11-01T00:00:00Z)");
}

int
ctl_check_count(struct ctl *ctl, const char *what, const char *s,
    long *ret_n)
{
	char *end;
	long n;

	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n < 0 || n > 1000000)
		return args_refuse(ctl, what, s, "is not a count (0 to "
		    "1000000)");
	*ret_n = n;
	return 0;
}
