/*
 * The config parser: turns threadsd.conf into a struct config.  inih
 * splits sections, names and values; this file hands it one line at a
 * time (so that every error names its line), knows the keys and their
 * types, checks each value (config-value.c) and writes the one error
 * message, with a "did you mean" for a near miss.  It reads no secrets:
 * the *_file keys only say where they live.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "common/buf.h"
#include "common/duration.h"
#include "daemon/config-value.h"
#include "daemon/config.h"

/* A config file is a page or two; anything bigger is a mistake. */
#define CONFIG_MAX_BYTES	(1024 * 1024)

#define MINUTE			60
#define HOUR			(60 * MINUTE)
#define DAY			(24 * HOUR)
#define YEAR			(365 * (int64_t)DAY)
#define KIB			((int64_t)1024)
#define MIB			(1024 * KIB)
#define GIB			(1024 * MIB)
#define TIB			(1024 * GIB)

#define SUN_PATH_MAX		sizeof(((struct sockaddr_un *)0)->sun_path)

enum key_type {
	KEY_URL,		/* http(s); plain http to loopback only */
	KEY_HTTPS_URL,		/* https only */
	KEY_APP_ID,		/* digits */
	KEY_PATH,		/* absolute */
	KEY_SOCKET,		/* absolute, fits in sun_path */
	KEY_DURATION,		/* int64_t seconds in [min, max] */
	KEY_INT,		/* int in [min, max] */
	KEY_SIZE,		/* uint64_t bytes in [min, max] */
	KEY_TIMEZONE,		/* IANA name; "UTC" is stored as NULL */
	KEY_METRICS,		/* insight names; unsigned CONFIG_METRIC_* */
};

struct key {
	const char	*section;
	const char	*name;
	enum key_type	 type;
	size_t		 offset;
	int64_t		 min;
	int64_t		 max;
};

#define F(field)	offsetof(struct config, field)

/* Keep in step with conf/threadsd.conf and conf/threadsd.conf.5.scd. */
static const struct key keys[] = {
	{ "api", "base_url", KEY_URL, F(base_url), 0, 0 },
	{ "api", "auth_url", KEY_URL, F(auth_url), 0, 0 },
	{ "api", "app_id", KEY_APP_ID, F(app_id), 0, 0 },
	{ "api", "app_secret_file", KEY_PATH, F(app_secret_file), 0, 0 },
	{ "api", "redirect_uri", KEY_HTTPS_URL, F(redirect_uri), 0, 0 },
	{ "api", "timeout", KEY_DURATION, F(api_timeout), 1, 10 * MINUTE },
	{ "api", "max_connections", KEY_INT, F(api_max_connections),
	    1, 1024 },
	{ "store", "path", KEY_PATH, F(store_path), 0, 0 },
	{ "store", "map_size", KEY_SIZE, F(store_map_size), MIB, TIB },
	{ "control", "socket", KEY_SOCKET, F(control_socket), 0, 0 },
	{ "control", "max_clients", KEY_INT, F(control_max_clients),
	    1, 10000 },
	{ "control", "idle_timeout", KEY_DURATION, F(control_idle_timeout),
	    1, DAY },
	/* Down to 1s so that end-to-end tests need not wait. */
	{ "poll", "interval", KEY_DURATION, F(poll_interval), 1, DAY },
	{ "poll", "history_retention", KEY_DURATION,
	    F(poll_history_retention), HOUR, 100 * YEAR },
	{ "poll", "metrics", KEY_METRICS, F(poll_metrics), 0, 0 },
	/* 0 keeps a revoked account until it is removed by hand. */
	{ "accounts", "forget_revoked_after", KEY_DURATION,
	    F(accounts_forget_revoked_after), 0, 10 * YEAR },
	/*
	 * Meta refuses to refresh a token younger than 24 h, and the tokens
	 * owner waits for that; smaller values only matter against a fake.
	 */
	{ "tokens", "refresh_after", KEY_DURATION, F(tokens_refresh_after),
	    1, 59 * DAY },
	{ "tokens", "warn_before", KEY_DURATION, F(tokens_warn_before),
	    1, 59 * DAY },
	{ "tokens", "key_file", KEY_PATH, F(tokens_key_file), 0, 0 },
	{ "scheduler", "prestage", KEY_DURATION, F(sched_prestage),
	    0, 23 * HOUR },
	{ "scheduler", "max_attempts", KEY_INT, F(sched_max_attempts),
	    1, 100 },
	{ "scheduler", "timezone", KEY_TIMEZONE, F(sched_timezone), 0, 0 },
	/* Down to 1s so that end-to-end tests need not wait. */
	{ "scheduler", "retry_delay", KEY_DURATION, F(sched_retry_delay),
	    1, HOUR },
	{ "scheduler", "quota_retry", KEY_DURATION, F(sched_quota_retry),
	    1, DAY },
	/* Down to 1s so that end-to-end tests need not wait. */
	{ "scheduler", "container_timeout", KEY_DURATION,
	    F(sched_container_timeout), 1, 23 * HOUR },
	{ NULL, NULL, 0, 0, 0, 0 }
};

/*
 * One parse: the input, where the reader is, and its errors.  Every error
 * is reported (one line each in errbuf, up to CONFIG_MAX_ERRORS), so that
 * --check-config and reload say all that is wrong at once.
 */
#define CONFIG_MAX_ERRORS	32

struct parse {
	struct config	*cfg;
	const char	*name;		/* file name for messages */
	const char	*p;		/* next unread byte */
	const char	*end;
	int		 line;		/* the line inih is handling */
	int		 error;		/* -errno of the first error, or 0 */
	int		 error_line;
	int		 nerrors;
	int		 bad_section;	/* keys here are not reported again */
	char		*errbuf;
	size_t		 errlen;
};

static void	set_error(struct parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
set_error(struct parse *ps, int error, const char *fmt, ...)
{
	va_list	ap;
	char	msg[512];
	size_t	off;

	if (ps->error == 0) {
		ps->error = error;
		ps->error_line = ps->line;
	}
	if (++ps->nerrors > CONFIG_MAX_ERRORS || ps->errbuf == NULL ||
	    ps->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	off = ps->nerrors == 1 ? 0 : strlen(ps->errbuf);
	if (ps->nerrors == 1)
		ps->errbuf[0] = '\0';
	if (off + 1 < ps->errlen)
		snprintf(ps->errbuf + off, ps->errlen - off, "%s%s:%d: %s",
		    off > 0 ? "\n" : "", ps->name, ps->line, msg);
}

/* Edit distance, for "did you mean"; names here are short. */
static size_t
distance(const char *a, size_t alen, const char *b)
{
	size_t	 blen = strlen(b), i, j, prev[64], cur[64];

	if (alen >= 63 || blen >= 63)
		return 99;
	for (j = 0; j <= blen; j++)
		prev[j] = j;
	for (i = 1; i <= alen; i++) {
		cur[0] = i;
		for (j = 1; j <= blen; j++) {
			cur[j] = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < cur[j])
				cur[j] = prev[j] + 1;
			if (cur[j - 1] + 1 < cur[j])
				cur[j] = cur[j - 1] + 1;
		}
		memcpy(prev, cur, (blen + 1) * sizeof(prev[0]));
	}
	return prev[blen];
}

static int
section_known(const char *name, size_t len)
{
	const struct key	*k;

	for (k = keys; k->section != NULL; k++) {
		if (strlen(k->section) == len &&
		    memcmp(k->section, name, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * The known section (section == NULL) or key of section nearest to name,
 * when it is near enough to be a slip: NULL otherwise.
 */
static const char *
near_miss(const char *section, const char *name, size_t len)
{
	const struct key	*k;
	const char		*best = NULL, *cand;
	size_t			 d, bestd = 3;

	for (k = keys; k->section != NULL; k++) {
		if (section != NULL && strcmp(k->section, section) != 0)
			continue;
		cand = section != NULL ? k->name : k->section;
		d = distance(name, len, cand);
		if (d < bestd && d <= (len + 2) / 3) {
			bestd = d;
			best = cand;
		}
	}
	return best;
}

static const struct key *
key_find(const char *section, const char *name)
{
	const struct key	*k;

	for (k = keys; k->section != NULL; k++) {
		if (strcmp(k->section, section) == 0 &&
		    strcmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}

/* Bounds as a user would write them: "10m", "23h", "36500d". */
static const char *
fmt_secs(int64_t secs, char *buf, size_t len)
{
	if (secs != 0 && secs % DAY == 0)
		snprintf(buf, len, "%lldd", (long long)(secs / DAY));
	else if (secs != 0 && secs % HOUR == 0)
		snprintf(buf, len, "%lldh", (long long)(secs / HOUR));
	else if (secs != 0 && secs % MINUTE == 0)
		snprintf(buf, len, "%lldm", (long long)(secs / MINUTE));
	else
		snprintf(buf, len, "%llds", (long long)secs);
	return buf;
}

static const char *
fmt_bytes(int64_t bytes, char *buf, size_t len)
{
	if (bytes != 0 && bytes % TIB == 0)
		snprintf(buf, len, "%lldT", (long long)(bytes / TIB));
	else if (bytes != 0 && bytes % GIB == 0)
		snprintf(buf, len, "%lldG", (long long)(bytes / GIB));
	else if (bytes != 0 && bytes % MIB == 0)
		snprintf(buf, len, "%lldM", (long long)(bytes / MIB));
	else if (bytes != 0 && bytes % KIB == 0)
		snprintf(buf, len, "%lldK", (long long)(bytes / KIB));
	else
		snprintf(buf, len, "%lld", (long long)bytes);
	return buf;
}

static int
set_string(char **field, const char *v, char *why, size_t len)
{
	char	*s;

	if ((s = strdup(v)) == NULL) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	free(*field);
	*field = s;
	return 0;
}

/* Checks v for key k and stores it in cfg; else explains in why. */
static int
key_set(struct config *cfg, const struct key *k, const char *v,
    char *why, size_t len)
{
	void		*field = (char *)cfg + k->offset;
	char		 q[80], lo[32], hi[32];
	char		*end;
	long long	 n;
	int64_t		 secs;
	uint64_t	 bytes;
	int		 r;

	config_value_shown(v, strlen(v), q, sizeof(q));
	switch (k->type) {
	case KEY_URL:
	case KEY_HTTPS_URL:
		r = config_value_url(v, q, k->type == KEY_HTTPS_URL, why, len);
		if (r < 0)
			return r;
		return set_string(field, v, why, len);
	case KEY_APP_ID:
		if (v[strspn(v, "0123456789")] != '\0') {
			snprintf(why, len, "'%s' is not an app id (digits "
			    "only)", q);
			return -EINVAL;
		}
		return set_string(field, v, why, len);
	case KEY_PATH:
	case KEY_SOCKET:
		if ((r = config_value_path(v, q, why, len)) < 0)
			return r;
		if (k->type == KEY_SOCKET && strlen(v) >= SUN_PATH_MAX) {
			snprintf(why, len, "'%s' is too long for a socket path "
			    "(at most %zu bytes)", q, SUN_PATH_MAX - 1);
			return -EINVAL;
		}
		return set_string(field, v, why, len);
	case KEY_TIMEZONE:
		if ((r = config_value_timezone(v, q, why, len)) < 0)
			return r;
		if (strcmp(v, "UTC") == 0) {
			free(*(char **)field);
			*(char **)field = NULL;
			return 0;
		}
		return set_string(field, v, why, len);
	case KEY_METRICS:
		return config_value_metrics(v, field, why, len);
	case KEY_DURATION:
		r = duration_parse(v, &secs);
		if (r == -EINVAL) {
			snprintf(why, len, "'%s' is not a duration (use 90s, "
			    "15m, 7d)", q);
			return r;
		}
		if (r < 0 || secs < k->min || secs > k->max)
			goto range;
		*(int64_t *)field = secs;
		return 0;
	case KEY_INT:
		if (*v < '0' || *v > '9')
			goto nan;
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*end != '\0')
			goto nan;
		if (errno == ERANGE || n < k->min || n > k->max) {
			snprintf(why, len, "'%s' is out of range (%lld..%lld)",
			    q, (long long)k->min, (long long)k->max);
			return -EINVAL;
		}
		*(int *)field = (int)n;
		return 0;
	case KEY_SIZE:
		r = config_parse_size(v, &bytes);
		if (r == -EINVAL) {
			snprintf(why, len, "'%s' is not a size (use 4096, 64K, "
			    "512M, 1G)", q);
			return r;
		}
		if (r < 0 || bytes < (uint64_t)k->min ||
		    bytes > (uint64_t)k->max) {
			snprintf(why, len, "'%s' is out of range (%s..%s)", q,
			    fmt_bytes(k->min, lo, sizeof(lo)),
			    fmt_bytes(k->max, hi, sizeof(hi)));
			return -EINVAL;
		}
		*(uint64_t *)field = bytes;
		return 0;
	}
	snprintf(why, len, "cannot be set");
	return -EINVAL;

nan:
	snprintf(why, len, "'%s' is not a number", q);
	return -EINVAL;
range:
	snprintf(why, len, "'%s' is out of range (%s..%s)", q,
	    fmt_secs(k->min, lo, sizeof(lo)), fmt_secs(k->max, hi, sizeof(hi)));
	return -EINVAL;
}

/*
 * inih calls this for each key; returning 0 marks the line as an error.
 * Every error is reported, and reading goes on.
 */
static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct parse		*ps = arg;
	const struct key	*k;
	const char		*near;
	char			 q[80], why[384];
	int			 r;

	config_value_shown(name, strlen(name), q, sizeof(q));
	if (*name == '\0') {
		set_error(ps, -EINVAL, "syntax error");
		return 0;
	}
	if (*section == '\0') {
		set_error(ps, -EINVAL, "%s: key outside any section", q);
		return 0;
	}
	if (!section_known(section, strlen(section))) {
		/* The reader has reported the header: once is enough. */
		if (!ps->bad_section)
			set_error(ps, -EINVAL, "[%s]: unknown section",
			    section);
		return 0;
	}
	if ((k = key_find(section, name)) == NULL) {
		if ((near = near_miss(section, name, strlen(name))) != NULL)
			set_error(ps, -EINVAL, "[%s] %s: unknown key; did you "
			    "mean '%s'?", section, q, near);
		else
			set_error(ps, -EINVAL, "[%s] %s: unknown key", section,
			    q);
		return 0;
	}
	if (*value == '\0') {
		set_error(ps, -EINVAL, "[%s] %s: empty value", section, q);
		return 0;
	}
	if ((r = key_set(ps->cfg, k, value, why, sizeof(why))) < 0) {
		set_error(ps, r, "[%s] %s: %s", section, q, why);
		return 0;
	}
	return 1;
}

/* Section headers are checked here so that an empty one is refused too. */
static int
check_header(struct parse *ps, const char *s, const char *e)
{
	const char	*close, *near;
	char		 q[80];

	if ((close = memchr(s, ']', e - s)) == NULL) {
		set_error(ps, -EINVAL, "syntax error");
		return -EINVAL;
	}
	if (close + 1 != e) {
		set_error(ps, -EINVAL, "syntax error");
		return -EINVAL;
	}
	ps->bad_section = 0;
	if (!section_known(s + 1, close - s - 1)) {
		near = near_miss(NULL, s + 1, close - s - 1);
		config_value_shown(s + 1, close - s - 1, q, sizeof(q));
		if (near != NULL)
			set_error(ps, -EINVAL, "[%s]: unknown section; did you "
			    "mean [%s]?", q, near);
		else
			set_error(ps, -EINVAL, "[%s]: unknown section", q);
		ps->bad_section = 1;	/* its keys are not reported */
	}
	return 0;
}

/*
 * inih's line reader.  Feeding lines ourselves gives the handler the line
 * number (the packaged inih is built without INI_HANDLER_LINENO) and makes
 * the syntax independent of how inih was built:
 *  - leading blanks are dropped, so an indented key is a key and not, as
 *    with INI_ALLOW_MULTILINE, a continuation of the previous value;
 *  - '#' and ';' start a comment at the start of a line or after a blank
 *    (inih's inline comments know only ';');
 *  - a line that does not fit inih's buffer is an error, not two lines.
 */
static char *
config_reader(char *buf, int num, void *arg)
{
	struct parse	*ps = arg;
	const char	*s, *e, *nl, *p;
	size_t		 max;

	if (ps->p >= ps->end)
		return NULL;
	s = ps->p;
	nl = memchr(s, '\n', ps->end - s);
	e = nl != NULL ? nl : ps->end;
	ps->p = nl != NULL ? nl + 1 : ps->end;
	ps->line++;

	/* A bad line is reported and read as a blank one: reading goes on. */
	if (memchr(s, '\0', e - s) != NULL) {
		set_error(ps, -EINVAL, "NUL byte in line");
		goto blank;
	}
	if (e > s && e[-1] == '\r')
		e--;
	/* inih needs room for "\r\n\0" (see INI_MAX_LINE). */
	max = num > 3 ? (size_t)num - 3 : 0;
	if ((size_t)(e - s) > max) {
		set_error(ps, -EINVAL, "line too long (at most %zu bytes)",
		    max);
		goto blank;
	}
	if (ps->line == 1 && e - s >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < e && isspace((unsigned char)*s))
		s++;
	if (s < e && (*s == '#' || *s == ';'))
		e = s;
	for (p = s; p < e; p++) {
		if ((*p == '#' || *p == ';') && p > s &&
		    isspace((unsigned char)p[-1])) {
			e = p;
			break;
		}
	}
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (s < e && *s == '[' && check_header(ps, s, e) < 0)
		goto blank;
	/* What inih would call a syntax error, said here so reading goes on. */
	if (s < e && *s != '[' && memchr(s, '=', e - s) == NULL &&
	    memchr(s, ':', e - s) == NULL) {
		set_error(ps, -EINVAL, "syntax error");
		goto blank;
	}

	memcpy(buf, s, e - s);
	buf[e - s] = '\n';
	buf[e - s + 1] = '\0';
	return buf;
blank:
	buf[0] = '\n';
	buf[1] = '\0';
	return buf;
}

static int
config_parse(const char *name, const char *text, size_t len,
    struct config **ret_cfg, char *errbuf, size_t errlen)
{
	struct parse	 ps;
	struct config	*cfg;
	int		 r;

	if ((cfg = config_new()) == NULL) {
		errbuf_set(errbuf, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	memset(&ps, 0, sizeof(ps));
	ps.cfg = cfg;
	ps.name = name;
	ps.p = text;
	ps.end = text + len;
	ps.errbuf = errbuf;
	ps.errlen = errlen;

	r = ini_parse_stream(config_reader, &ps, config_handler, &ps);
	if (r > 0 && ps.error == 0) {
		/* A line inih could not read, which the reader let through. */
		ps.line = r;
		set_error(&ps, -EINVAL, "syntax error");
	} else if (r < 0 && ps.error == 0) {
		errbuf_set(errbuf, errlen, "%s: out of memory", name);
		ps.error = -ENOMEM;
	}
	if (ps.nerrors > CONFIG_MAX_ERRORS && errbuf != NULL &&
	    strlen(errbuf) + 40 < errlen)
		snprintf(errbuf + strlen(errbuf), errlen - strlen(errbuf),
		    "\n%s: %d more errors", name,
		    ps.nerrors - CONFIG_MAX_ERRORS);
	if (ps.error != 0) {
		config_free(cfg);
		return ps.error;
	}
	*ret_cfg = cfg;
	return 0;
}

/* Reads all of fd, at most CONFIG_MAX_BYTES. */
static int
read_all(int fd, char **ret_text, size_t *ret_len)
{
	char	*text, *n;
	size_t	 len = 0, size = 4096;
	ssize_t	 got;

	if ((text = malloc(size)) == NULL)
		return -ENOMEM;
	for (;;) {
		if (len == size) {
			if (size > CONFIG_MAX_BYTES) {
				free(text);
				return -EFBIG;
			}
			if ((n = realloc(text, size * 2)) == NULL) {
				free(text);
				return -ENOMEM;
			}
			text = n;
			size *= 2;
		}
		got = read(fd, text + len, size - len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			free(text);
			return -errno;
		}
		if (got == 0)
			break;
		len += got;
	}
	if (len > CONFIG_MAX_BYTES) {
		free(text);
		return -EFBIG;
	}
	*ret_text = text;
	*ret_len = len;
	return 0;
}

int
config_load(const char *path, struct config **ret_cfg, char *errbuf,
    size_t errlen)
{
	char	*text = NULL;
	size_t	 len = 0;
	int	 fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		r = -errno;
		errbuf_set(errbuf, errlen, "%s: cannot open: %s", path,
		    strerror(-r));
		return r;
	}
	r = read_all(fd, &text, &len);
	close(fd);
	if (r == -EFBIG) {
		errbuf_set(errbuf, errlen, "%s: larger than %d bytes", path,
		    CONFIG_MAX_BYTES);
		return r;
	}
	if (r < 0) {
		errbuf_set(errbuf, errlen, "%s: cannot read: %s", path,
		    strerror(-r));
		return r;
	}
	r = config_parse(path, text, len, ret_cfg, errbuf, errlen);
	free(text);
	return r;
}

int
config_load_string(const char *name, const char *text,
    struct config **ret_cfg, char *errbuf, size_t errlen)
{
	if (name == NULL)
		name = "<string>";
	if (text == NULL) {
		errbuf_set(errbuf, errlen, "%s: no text", name);
		return -EINVAL;
	}
	return config_parse(name, text, strlen(text), ret_cfg, errbuf,
	    errlen);
}

struct config *
config_new(void)
{
	struct config	*cfg;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return NULL;
	cfg->api_timeout = 30;
	cfg->api_max_connections = 16;
	cfg->store_map_size = GIB;
	cfg->control_max_clients = 64;
	cfg->control_idle_timeout = 60;
	cfg->poll_interval = 15 * MINUTE;
	cfg->poll_history_retention = 400 * DAY;
	cfg->poll_metrics = CONFIG_METRICS_DEFAULT;
	cfg->accounts_forget_revoked_after = 30 * DAY;
	cfg->tokens_refresh_after = 7 * DAY;
	cfg->tokens_warn_before = 7 * DAY;
	cfg->sched_prestage = 10 * MINUTE;
	cfg->sched_max_attempts = 5;
	cfg->sched_retry_delay = 30;
	cfg->sched_quota_retry = 15 * MINUTE;
	cfg->sched_container_timeout = 5 * MINUTE;
	cfg->base_url = strdup("https://graph.threads.net");
	cfg->auth_url = strdup("https://threads.net/oauth/authorize");
	cfg->store_path = strdup("/var/lib/threadsd");
	cfg->control_socket = strdup("/run/threadsd/control.sock");
	if (cfg->base_url == NULL || cfg->auth_url == NULL ||
	    cfg->store_path == NULL || cfg->control_socket == NULL) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->base_url);
	free(cfg->auth_url);
	free(cfg->app_id);
	free(cfg->app_secret_file);
	free(cfg->redirect_uri);
	free(cfg->store_path);
	free(cfg->control_socket);
	free(cfg->tokens_key_file);
	free(cfg->sched_timezone);
	free(cfg);
}
