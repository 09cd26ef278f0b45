/*
 * TZif files and the POSIX TZ rules in their footers, read by hand so no
 * request ever sets TZ or calls the C library's time zone code.  A zone
 * is its transition table (64-bit times from version 2 on; version 1
 * data is used only when that is all there is) plus an optional rule for
 * times after the last transition.  Leap second records are skipped:
 * threadsd counts POSIX seconds like everything else on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/timefmt.h"
#include "common/tzfile.h"

#define TZ_MAX_FILE	(256 * 1024)
#define TZ_MAX_TIMES	100000
#define DAY		86400
#define MAX_OFF		(26 * 3600)	/* offsets are under 26 h */

struct tz_date {
	char	 kind;	/* 'J' Julian 1-365, 'n' 0-365, 'M' month */
	int	 n, m, w, d;
	int32_t	 secs;	/* local time of day of the change */
};

struct tz_rule {
	int32_t		 std_off;	/* seconds east of UTC */
	int32_t		 dst_off;
	int		 has_dst;
	struct tz_date	 start;	/* to DST, in standard time */
	struct tz_date	 end;		/* back, in DST */
};

struct tzinfo {
	size_t		 ntimes;
	int64_t		*times;
	int32_t		*offs;	/* offset from each transition */
	int32_t		 off0;	/* before the first transition */
	int		 has_rule;
	struct tz_rule	 rule;
};

void
tz_free(struct tzinfo *tz)
{
	if (tz == NULL)
		return;
	free(tz->times);
	free(tz->offs);
	free(tz);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64s(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tz_header {
	uint32_t	 isut, isstd, leap, time, type, chars;
};

/* The header at p; -EINVAL unless it is one and its data fits in len. */
static int
header(const uint8_t *p, size_t len, int tsize, struct tz_header *h,
    size_t *ret_datalen)
{
	uint64_t need;

	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -EINVAL;
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->time = be32(p + 32);
	h->type = be32(p + 36);
	h->chars = be32(p + 40);
	if (h->type == 0 || h->type > 256 || h->time > TZ_MAX_TIMES ||
	    h->leap > TZ_MAX_TIMES || h->chars > 65536 ||
	    (h->isut != 0 && h->isut != h->type) ||
	    (h->isstd != 0 && h->isstd != h->type))
		return -EINVAL;
	need = (uint64_t)h->time * (tsize + 1) + (uint64_t)h->type * 6 +
	    h->chars + (uint64_t)h->leap * (tsize + 4) + h->isstd + h->isut;
	if (need > len - 44)
		return -EINVAL;
	*ret_datalen = (size_t)need;
	return 0;
}

/* Reads the transitions and types of one data block. */
static int
block(const uint8_t *p, const struct tz_header *h, int tsize,
    struct tzinfo *tz)
{
	const uint8_t *idx = p + (size_t)h->time * tsize;
	const uint8_t *types = idx + h->time;
	size_t i;

	if (h->time > 0 &&
	    ((tz->times = calloc(h->time, sizeof(*tz->times))) == NULL ||
	    (tz->offs = calloc(h->time, sizeof(*tz->offs))) == NULL))
		return -ENOMEM;
	for (i = 0; i < h->time; i++) {
		tz->times[i] = tsize == 8 ? be64s(p + i * 8) :
		    (int64_t)(int32_t)be32(p + i * 4);
		if (i > 0 && tz->times[i] <= tz->times[i - 1])
			return -EINVAL;
		if (idx[i] >= h->type)
			return -EINVAL;
		tz->offs[i] = (int32_t)be32(types + (size_t)idx[i] * 6);
	}
	tz->ntimes = h->time;
	tz->off0 = (int32_t)be32(types);
	for (i = 0; i < h->type; i++) {
		int32_t off = (int32_t)be32(types + i * 6);

		if (off <= -MAX_OFF || off >= MAX_OFF)
			return -EINVAL;
	}
	return 0;
}

/* [+-]hh[:mm[:ss]], hours up to max; returns the end or NULL. */
static const char *
rule_time(const char *p, int max, int32_t *ret)
{
	int sign = 1, h = 0, m = 0, s = 0, n;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (n = 0; *p >= '0' && *p <= '9' && n < 3; n++)
		h = h * 10 + (*p++ - '0');
	if (n == 0 || h > max)
		return NULL;
	if (*p == ':') {
		p++;
		if (p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9')
			return NULL;
		m = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (*p == ':') {
			p++;
			if (p[0] < '0' || p[0] > '5' || p[1] < '0' ||
			    p[1] > '9')
				return NULL;
			s = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
	}
	*ret = sign * (h * 3600 + m * 60 + s);
	return p;
}

/* A zone abbreviation: letters, or <...> with signs and digits too. */
static const char *
rule_name(const char *p)
{
	const char *start = p;

	if (*p == '<') {
		for (p++; *p != '>'; p++)
			if (*p == '\0' || *p == ',' || *p == '\n')
				return NULL;
		return p - start >= 4 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - start >= 3 ? p : NULL;
}

static int
rule_num(const char **pp, int min, int max, int *ret)
{
	const char *p = *pp;
	int v = 0, n;

	for (n = 0; *p >= '0' && *p <= '9' && n < 4; n++)
		v = v * 10 + (*p++ - '0');
	if (n == 0 || v < min || v > max)
		return -EINVAL;
	*pp = p;
	*ret = v;
	return 0;
}

static const char *
rule_date(const char *p, struct tz_date *d)
{
	memset(d, 0, sizeof(*d));
	d->secs = 2 * 3600;
	if (*p == 'J') {
		p++;
		d->kind = 'J';
		if (rule_num(&p, 1, 365, &d->n) < 0)
			return NULL;
	} else if (*p == 'M') {
		p++;
		d->kind = 'M';
		if (rule_num(&p, 1, 12, &d->m) < 0 || *p++ != '.' ||
		    rule_num(&p, 1, 5, &d->w) < 0 || *p++ != '.' ||
		    rule_num(&p, 0, 6, &d->d) < 0)
			return NULL;
	} else {
		d->kind = 'n';
		if (rule_num(&p, 0, 365, &d->n) < 0)
			return NULL;
	}
	/* RFC 8536 allows -167 to 167 hours here. */
	if (*p == '/' && (p = rule_time(p + 1, 167, &d->secs)) == NULL)
		return NULL;
	return p;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3"; POSIX offsets count west, ours east. */
static int
rule_parse(const char *p, struct tz_rule *r)
{
	int32_t off;

	memset(r, 0, sizeof(*r));
	if ((p = rule_name(p)) == NULL || (p = rule_time(p, 24, &off)) == NULL)
		return -EINVAL;
	r->std_off = r->dst_off = -off;
	if (*p == '\0')
		return 0;
	if ((p = rule_name(p)) == NULL)
		return -EINVAL;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = rule_time(p, 24, &off)) == NULL)
			return -EINVAL;
		r->dst_off = -off;
	}
	/* No rule given: POSIX leaves it to the implementation.  Refuse. */
	if (*p++ != ',' || (p = rule_date(p, &r->start)) == NULL ||
	    *p++ != ',' || (p = rule_date(p, &r->end)) == NULL || *p != '\0')
		return -EINVAL;
	return 0;
}

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* Days since the epoch of the rule's date in year y. */
static int64_t
rule_day(const struct tz_date *d, int64_t y)
{
	static const int mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int64_t jan1 = timefmt_days_from_civil(y, 1, 1), first;
	int wd, day, len;

	switch (d->kind) {
	case 'J':	/* Feb 29 is never counted */
		return jan1 + d->n - 1 + (is_leap(y) && d->n >= 60);
	case 'n':
		return jan1 + d->n;
	default:
		first = timefmt_days_from_civil(y, (unsigned)d->m, 1);
		/* 1970-01-01 was a Thursday. */
		wd = (int)(((first + 4) % 7 + 7) % 7);
		day = 1 + (d->d - wd + 7) % 7 + (d->w - 1) * 7;
		len = mdays[d->m - 1] + (d->m == 2 && is_leap(y));
		while (day > len)
			day -= 7;
		return first + day - 1;
	}
}

/* The Gregorian year of day number days (since the epoch). */
static int64_t
year_of(int64_t days)
{
	int64_t y = 1970 + days / 366;

	while (timefmt_days_from_civil(y + 1, 1, 1) <= days)
		y++;
	while (timefmt_days_from_civil(y, 1, 1) > days)
		y--;
	return y;
}

/* Whether DST is in force at t under the rule. */
static int
rule_is_dst(const struct tz_rule *r, int64_t t)
{
	int64_t y, yy, start, end, lt;

	if (!r->has_dst)
		return 0;
	lt = t + r->std_off;
	y = year_of(lt >= 0 ? lt / DAY : -((-lt + DAY - 1) / DAY));
	for (yy = y - 1; yy <= y + 1; yy++) {
		start = rule_day(&r->start, yy) * DAY + r->start.secs -
		    r->std_off;
		end = rule_day(&r->end, yy) * DAY + r->end.secs - r->dst_off;
		if (start < end) {
			if (t >= start && t < end)
				return 1;
		} else if (yy == y && (t < end || t >= start)) {
			/* Southern hemisphere: DST spans the new year. */
			return 1;
		}
	}
	return 0;
}

int32_t
tz_offset_at(const struct tzinfo *tz, int64_t t)
{
	size_t lo, hi, mid;

	if (tz->ntimes == 0 || t < tz->times[0])
		return tz->ntimes == 0 && tz->has_rule ?
		    (rule_is_dst(&tz->rule, t) ? tz->rule.dst_off :
		    tz->rule.std_off) : tz->off0;
	if (t >= tz->times[tz->ntimes - 1] && tz->has_rule)
		return rule_is_dst(&tz->rule, t) ? tz->rule.dst_off :
		    tz->rule.std_off;
	/* The last transition at or before t. */
	lo = 0;
	hi = tz->ntimes;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->offs[lo];
}

int
tz_local_to_utc(const struct tzinfo *tz, int64_t local, int64_t ret_t[2])
{
	int32_t offs[3];
	int64_t t, found[3];
	int i, j, n = 0;

	/* The offsets in force around it; each names one candidate. */
	offs[0] = tz_offset_at(tz, local - DAY);
	offs[1] = tz_offset_at(tz, local);
	offs[2] = tz_offset_at(tz, local + DAY);
	for (i = 0; i < 3; i++) {
		t = local - offs[i];
		if (tz_offset_at(tz, t) != offs[i])
			continue;
		for (j = 0; j < n && found[j] != t; j++)
			;
		if (j == n)
			found[n++] = t;
	}
	if (n > 2)
		n = 2;	/* three readings: no zone does that */
	if (n == 2 && found[0] > found[1]) {
		t = found[0];
		found[0] = found[1];
		found[1] = t;
	}
	for (i = 0; i < n; i++)
		ret_t[i] = found[i];
	return n;
}

int
tz_parse(const uint8_t *buf, size_t len, struct tzinfo **ret)
{
	struct tz_header h;
	struct tzinfo *tz;
	const uint8_t *p = buf, *nl;
	size_t datalen, left = len;
	char footer[256];
	int tsize = 4, r;

	if ((r = header(p, left, 4, &h, &datalen)) < 0)
		return r;
	if (buf[4] >= '2') {
		/* Skip the 32-bit block: the 64-bit one follows. */
		p += 44 + datalen;
		left -= 44 + datalen;
		tsize = 8;
		if ((r = header(p, left, 8, &h, &datalen)) < 0)
			return r;
	}
	if ((tz = calloc(1, sizeof(*tz))) == NULL)
		return -ENOMEM;
	if ((r = block(p + 44, &h, tsize, tz)) < 0)
		goto fail;
	p += 44 + datalen;
	left -= 44 + datalen;
	if (tsize == 8 && left >= 2 && p[0] == '\n' &&
	    (nl = memchr(p + 1, '\n', left - 1)) != NULL &&
	    nl - p - 1 > 0 && (size_t)(nl - p - 1) < sizeof(footer)) {
		memcpy(footer, p + 1, nl - p - 1);
		footer[nl - p - 1] = '\0';
		if ((r = rule_parse(footer, &tz->rule)) < 0)
			goto fail;
		tz->has_rule = 1;
	}
	*ret = tz;
	return 0;
fail:
	tz_free(tz);
	return r;
}

static int
tz_utc(struct tzinfo **ret)
{
	struct tzinfo *tz;

	if ((tz = calloc(1, sizeof(*tz))) == NULL)
		return -ENOMEM;
	*ret = tz;
	return 0;
}

int
tz_load(const char *name, struct tzinfo **ret)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-+";
	const char *dir;
	char path[512];
	uint8_t *buf;
	struct stat sb;
	ssize_t n;
	size_t got = 0;
	int fd, r;

	if (name == NULL || *name == '\0' || name[strspn(name, ok)] != '\0' ||
	    *name == '/' || *name == '-' || *name == '+')
		return -EINVAL;
	if (strcmp(name, "UTC") == 0)
		return tz_utc(ret);
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = TZ_DEFAULT_DIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > TZ_MAX_FILE) {
		close(fd);
		return -ENOENT;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)sb.st_size &&
	    (n = read(fd, buf + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	r = tz_parse(buf, got, ret);
	free(buf);
	return r;
}

int
tz_parse_local(const char *s, int64_t *ret_local)
{
	char buf[64];
	size_t len;

	/*
	 * timefmt parses dates with offsets only.  With a Z added, a time
	 * that had no offset parses as UTC, which is the wall-clock count
	 * wanted; one that had an offset ("...+01:00Z") does not parse.
	 */
	if (s == NULL || (len = strlen(s)) < 16 || len > 40 ||
	    s[len - 1] == 'Z' || s[len - 1] == 'z')
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 'Z';
	buf[len + 1] = '\0';
	return timefmt_parse(buf, 0, ret_local) < 0 ? -EINVAL : 0;
}
