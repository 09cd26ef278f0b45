/*
 * Unit test for daemon/config.c: defaults, every key, every refusal and
 * the exact error messages.  Time zones are looked up in a private TZDIR
 * so the test does not depend on the host's tzdata.  With an argument,
 * also checks that the sample config's commented defaults are the real
 * ones: tests/unit/test-config conf/threadsd.conf
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "tests/unit/check.h"

#define NAME	"threadsd.conf"

static char	tmpdir[] = "/tmp/test-config.XXXXXX";

/* Loads text that must parse; NULL (and a failed check) if it does not. */
static struct config *
load_ok(const char *text)
{
	struct config	*cfg = NULL;
	char		 err[512] = "";
	int		 r;

	r = config_load_string(NAME, text, &cfg, err, sizeof(err));
	if (r != 0)
		fprintf(stderr, "unexpected error %d: %s\n", r, err);
	CHECK_INT(r, 0);
	return cfg;
}

/* Loads text that must fail with error and exactly the message want. */
static void
load_fail(const char *text, int error, const char *want)
{
	struct config	*cfg = (struct config *)&cfg;	/* sentinel */
	char		 err[512] = "";
	int		 r;

	r = config_load_string(NAME, text, &cfg, err, sizeof(err));
	CHECK_INT(r, error);
	CHECK_STR(err, want);
	/* ret_cfg is set only on success. */
	CHECK(cfg == (struct config *)&cfg);
}

/* One key in its section must be refused with this problem. */
static void
key_fail(const char *section, const char *key, const char *value,
    const char *problem)
{
	char	text[512], want[768];

	snprintf(text, sizeof(text), "[%s]\n%s = %s\n", section, key, value);
	snprintf(want, sizeof(want), NAME ":2: [%s] %s: %s", section, key,
	    problem);
	load_fail(text, -EINVAL, want);
}

static void
check_defaults(const struct config *cfg)
{
	CHECK_STR(cfg->base_url, "https://graph.threads.net");
	CHECK_STR(cfg->auth_url, "https://threads.net/oauth/authorize");
	CHECK(cfg->app_id == NULL);
	CHECK(cfg->app_secret_file == NULL);
	CHECK(cfg->redirect_uri == NULL);
	CHECK_INT(cfg->api_timeout, 30);
	CHECK_INT(cfg->api_max_connections, 16);
	CHECK_STR(cfg->store_path, "/var/lib/threadsd");
	CHECK_INT(cfg->store_map_size, 1024LL * 1024 * 1024);
	CHECK_STR(cfg->control_socket, "/run/threadsd/control.sock");
	CHECK_INT(cfg->control_max_clients, 64);
	CHECK_INT(cfg->control_idle_timeout, 60);
	CHECK_INT(cfg->poll_interval, 15 * 60);
	CHECK_INT(cfg->poll_history_retention, 400 * 86400LL);
	CHECK_INT(cfg->poll_metrics, CONFIG_METRIC_FOLLOWERS);
	CHECK_INT(cfg->accounts_forget_revoked_after, 30 * 86400);
	CHECK_INT(cfg->tokens_refresh_after, 7 * 86400);
	CHECK_INT(cfg->tokens_warn_before, 7 * 86400);
	CHECK(cfg->tokens_key_file == NULL);
	CHECK_INT(cfg->sched_prestage, 10 * 60);
	CHECK_INT(cfg->sched_max_attempts, 5);
	CHECK(cfg->sched_timezone == NULL);
	CHECK_INT(cfg->sched_retry_delay, 30);
	CHECK_INT(cfg->sched_quota_retry, 15 * 60);
	CHECK_INT(cfg->sched_container_timeout, 5 * 60);
}

static void
test_defaults(void)
{
	struct config	*cfg;

	cfg = config_new();
	CHECK(cfg != NULL);
	if (cfg != NULL)
		check_defaults(cfg);
	config_free(cfg);

	if ((cfg = load_ok("")) != NULL)
		check_defaults(cfg);
	config_free(cfg);

	/* Known but empty sections and comments change nothing. */
	cfg = load_ok("# nothing\n; nothing\n\n[api]\n[store]\n[control]\n"
	    "[poll]\n[tokens]\n[scheduler]\n");
	if (cfg != NULL)
		check_defaults(cfg);
	config_free(cfg);

	config_free(NULL);
}

static void
test_every_key(void)
{
	struct config	*cfg;

	cfg = load_ok(
	    "[api]\n"
	    "base_url = https://graph.example.net/v1.0\n"
	    "auth_url = https://www.example.net/oauth/authorize\n"
	    "app_id = 1234567890123456\n"
	    "app_secret_file = /etc/threadsd/app-secret\n"
	    "redirect_uri = https://example.com/cb?x=1\n"
	    "timeout = 2m\n"
	    "max_connections = 1024\n"
	    "[store]\n"
	    "path = /srv/threadsd\n"
	    "map_size = 512M\n"
	    "[control]\n"
	    "socket = /run/t/c.sock\n"
	    "max_clients = 10000\n"
	    "idle_timeout = 1h30m\n"
	    "[poll]\n"
	    "interval = 1s\n"
	    "history_retention = 2w\n"
	    "[tokens]\n"
	    "refresh_after = 59d\n"
	    "warn_before = 36h\n"
	    "key_file = /etc/threadsd/token-key\n"
	    "[scheduler]\n"
	    "prestage = 0s\n"
	    "max_attempts = 100\n"
	    "timezone = Test/Zone\n");
	if (cfg == NULL)
		return;
	CHECK_STR(cfg->base_url, "https://graph.example.net/v1.0");
	CHECK_STR(cfg->auth_url, "https://www.example.net/oauth/authorize");
	CHECK_STR(cfg->app_id, "1234567890123456");
	CHECK_STR(cfg->app_secret_file, "/etc/threadsd/app-secret");
	CHECK_STR(cfg->redirect_uri, "https://example.com/cb?x=1");
	CHECK_INT(cfg->api_timeout, 120);
	CHECK_INT(cfg->api_max_connections, 1024);
	CHECK_STR(cfg->store_path, "/srv/threadsd");
	CHECK_INT(cfg->store_map_size, 512LL * 1024 * 1024);
	CHECK_STR(cfg->control_socket, "/run/t/c.sock");
	CHECK_INT(cfg->control_max_clients, 10000);
	CHECK_INT(cfg->control_idle_timeout, 5400);
	CHECK_INT(cfg->poll_interval, 1);
	CHECK_INT(cfg->poll_history_retention, 14 * 86400);
	CHECK_INT(cfg->tokens_refresh_after, 59 * 86400);
	CHECK_INT(cfg->tokens_warn_before, 36 * 3600);
	CHECK_STR(cfg->tokens_key_file, "/etc/threadsd/token-key");
	CHECK_INT(cfg->sched_prestage, 0);
	CHECK_INT(cfg->sched_max_attempts, 100);
	CHECK_STR(cfg->sched_timezone, "Test/Zone");
	config_free(cfg);

	/* The other ends of the ranges. */
	cfg = load_ok("[api]\ntimeout = 1s\nmax_connections = 1\n"
	    "[store]\nmap_size = 1T\n"
	    "[control]\nmax_clients = 1\nidle_timeout = 1d\n"
	    "[poll]\ninterval = 1d\nhistory_retention = 36500d\n"
	    "[tokens]\nrefresh_after = 1\nwarn_before = 59d\n"
	    "[scheduler]\nprestage = 23h\nmax_attempts = 1\n");
	if (cfg == NULL)
		return;
	CHECK_INT(cfg->api_timeout, 1);
	CHECK_INT(cfg->api_max_connections, 1);
	CHECK_INT(cfg->store_map_size, 1LL << 40);
	CHECK_INT(cfg->control_max_clients, 1);
	CHECK_INT(cfg->control_idle_timeout, 86400);
	CHECK_INT(cfg->poll_interval, 86400);
	CHECK_INT(cfg->poll_history_retention, 36500 * 86400LL);
	CHECK_INT(cfg->tokens_refresh_after, 1);
	CHECK_INT(cfg->tokens_warn_before, 59 * 86400);
	CHECK_INT(cfg->sched_prestage, 23 * 3600);
	CHECK_INT(cfg->sched_max_attempts, 1);
	config_free(cfg);
}

/*
 * [poll] metrics: the follower count alone by default (the privacy
 * statement lists no other metric); more only when listed.
 */
static void
test_metrics(void)
{
	struct config	*cfg;
	size_t		 i;

	cfg = load_ok("[poll]\nmetrics = followers_count views,likes\t"
	    "clicks , views\n");
	if (cfg != NULL)
		CHECK_INT(cfg->poll_metrics, 1u | 2u | 4u | 64u);
	config_free(cfg);
	cfg = load_ok("[poll]\nmetrics = clicks quotes reposts replies likes "
	    "views followers_count\n");
	if (cfg != NULL)
		CHECK_INT(cfg->poll_metrics, 127);
	config_free(cfg);
	/* The bits follow enum metric (metrics.h): followers first. */
	CHECK_STR(config_metric_names[0], "followers_count");
	CHECK_STR(config_metric_names[6], "clicks");
	for (i = 0; i < CONFIG_METRIC_N; i++)
		CHECK(config_metric_names[i] != NULL);
	key_fail("poll", "metrics", "followers_count bogus",
	    "unknown metric 'bogus' (known: followers_count views likes "
	    "replies reposts quotes clicks)");
	key_fail("poll", "metrics", "views likes",
	    "followers_count must be listed (every account shows its "
	    "follower count)");
	key_fail("poll", "metrics", "followers_count media_count",
	    "unknown metric 'media_count' (known: followers_count views "
	    "likes replies reposts quotes clicks)");
	key_fail("poll", "metrics", ",",
	    "followers_count must be listed (every account shows its "
	    "follower count)");

	cfg = load_ok("[accounts]\nforget_revoked_after = 0\n");
	if (cfg != NULL)
		CHECK_INT(cfg->accounts_forget_revoked_after, 0);
	config_free(cfg);
	cfg = load_ok("[accounts]\nforget_revoked_after = 90s\n");
	if (cfg != NULL)
		CHECK_INT(cfg->accounts_forget_revoked_after, 90);
	config_free(cfg);
	key_fail("accounts", "forget_revoked_after", "3651d",
	    "'3651d' is out of range (0s..3650d)");
	key_fail("accounts", "forget_revoked_after", "soon",
	    "'soon' is not a duration (use 90s, 15m, 7d)");
}

static void
test_syntax(void)
{
	struct config	*cfg;

	/* Later values win, for strings and numbers alike. */
	cfg = load_ok("[api]\napp_id = 1\ntimeout = 5s\n[store]\n"
	    "[api]\napp_id = 22\ntimeout = 6s\n");
	if (cfg != NULL) {
		CHECK_STR(cfg->app_id, "22");
		CHECK_INT(cfg->api_timeout, 6);
	}
	config_free(cfg);

	/* Indented keys are keys, not continuations of the previous value. */
	cfg = load_ok("[api]\n    timeout = 5s\n\tmax_connections = 3\n"
	    "  [poll]\n  interval = 2m\n");
	if (cfg != NULL) {
		CHECK_INT(cfg->api_timeout, 5);
		CHECK_INT(cfg->api_max_connections, 3);
		CHECK_INT(cfg->poll_interval, 120);
	}
	config_free(cfg);

	/* Comments: whole lines, and after a blank; not inside a value. */
	cfg = load_ok("# comment\n ; comment\n[api] # section comment\n"
	    "timeout = 5s # five seconds\n"
	    "max_connections = 7 ; seven\n"
	    "redirect_uri = https://e.com/cb#frag;x\n"
	    "#timeout = 9s\n");
	if (cfg != NULL) {
		CHECK_INT(cfg->api_timeout, 5);
		CHECK_INT(cfg->api_max_connections, 7);
		CHECK_STR(cfg->redirect_uri, "https://e.com/cb#frag;x");
	}
	config_free(cfg);

	/* CRLF line ends, a UTF-8 BOM, no final newline, blanks around '='. */
	cfg = load_ok("\xef\xbb\xbf[poll]\r\ninterval=3m\r\n"
	    "history_retention   =   2d");
	if (cfg != NULL) {
		CHECK_INT(cfg->poll_interval, 180);
		CHECK_INT(cfg->poll_history_retention, 2 * 86400);
	}
	config_free(cfg);

	/* "UTC" is the default and is stored as NULL, replacing a zone. */
	cfg = load_ok("[scheduler]\ntimezone = Test/Zone\ntimezone = UTC\n");
	if (cfg != NULL)
		CHECK(cfg->sched_timezone == NULL);
	config_free(cfg);
}

static void
test_syntax_errors(void)
{
	char	line[400];

	load_fail("[api]\n\n\n[api\n", -EINVAL, NAME ":4: syntax error");
	load_fail("[api]\ntimeout\n", -EINVAL, NAME ":2: syntax error");
	load_fail("[api]\n= 5s\n", -EINVAL, NAME ":2: syntax error");
	load_fail("[api] timeout = 5s\n", -EINVAL, NAME ":1: syntax error");
	/* Every error is reported, one line each, in the file's order. */
	load_fail("[api]\nbogus line\ncolour = red\n", -EINVAL,
	    NAME ":2: syntax error\n" NAME ":3: [api] colour: unknown key");
	load_fail("[api]\ncolour = red\nbogus line\n", -EINVAL,
	    NAME ":2: [api] colour: unknown key\n" NAME ":3: syntax error");
	/* Keys under an unknown section are not reported again. */
	load_fail("[pol]\ninterval = 5m\nhistory = 1d\n[poll]\nintervl = 1m\n",
	    -EINVAL, NAME ":1: [pol]: unknown section; did you mean [poll]?\n"
	    NAME ":5: [poll] intervl: unknown key; did you mean 'interval'?");

	load_fail("# comment\n\n[api]\ncolour = red\n", -EINVAL,
	    NAME ":4: [api] colour: unknown key");
	load_fail("[api]\nTimeout = 5s\n", -EINVAL,
	    NAME ":2: [api] Timeout: unknown key; did you mean 'timeout'?");
	load_fail("[api]\nfrobnicate = 5s\n", -EINVAL,
	    NAME ":2: [api] frobnicate: unknown key");
	/* An unknown section is refused at its header, even when empty. */
	load_fail("[api]\ntimeout = 5s\n\n[colour]\n", -EINVAL,
	    NAME ":4: [colour]: unknown section");
	load_fail("[ api ]\n", -EINVAL, NAME ":1: [ api ]: unknown section; "
	    "did you mean [api]?");
	load_fail("[]\n", -EINVAL, NAME ":1: []: unknown section");
	load_fail("timeout = 5s\n", -EINVAL,
	    NAME ":1: timeout: key outside any section");
	load_fail("[api]\ntimeout =\n", -EINVAL,
	    NAME ":2: [api] timeout: empty value");
	load_fail("[api]\ntimeout = # nothing\n", -EINVAL,
	    NAME ":2: [api] timeout: empty value");
	/* Control characters are not echoed. */
	load_fail("[api]\nti\033me = 1\n", -EINVAL,
	    NAME ":2: [api] ti?me: unknown key");

	/* A line inih cannot hold is refused, not split in two. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "[api]\ntimeout = 5s", 18);
	strcpy(line + 300, "\n");
	load_fail(line, -EINVAL, NAME ":2: line too long (at most 197 bytes)");
}

static void
test_value_errors(void)
{
	char	path[200], want[256];

	key_fail("poll", "interval", "15x",
	    "'15x' is not a duration (use 90s, 15m, 7d)");
	key_fail("poll", "interval", "-1s",
	    "'-1s' is not a duration (use 90s, 15m, 7d)");
	key_fail("poll", "interval", "0s", "'0s' is out of range (1s..1d)");
	key_fail("poll", "interval", "25h", "'25h' is out of range (1s..1d)");
	key_fail("poll", "history_retention", "59m",
	    "'59m' is out of range (1h..36500d)");
	key_fail("poll", "history_retention", "99999999999999999999d",
	    "'99999999999999999999d' is out of range (1h..36500d)");
	key_fail("api", "timeout", "11m", "'11m' is out of range (1s..10m)");
	key_fail("control", "idle_timeout", "0",
	    "'0' is out of range (1s..1d)");
	key_fail("tokens", "refresh_after", "60d",
	    "'60d' is out of range (1s..59d)");
	key_fail("tokens", "warn_before", "9w",
	    "'9w' is out of range (1s..59d)");
	key_fail("scheduler", "prestage", "24h",
	    "'24h' is out of range (0s..23h)");
	key_fail("scheduler", "retry_delay", "0s",
	    "'0s' is out of range (1s..1h)");
	key_fail("scheduler", "quota_retry", "2d",
	    "'2d' is out of range (1s..1d)");
	key_fail("scheduler", "container_timeout", "0s",
	    "'0s' is out of range (1s..23h)");

	key_fail("api", "max_connections", "0",
	    "'0' is out of range (1..1024)");
	key_fail("api", "max_connections", "1025",
	    "'1025' is out of range (1..1024)");
	key_fail("api", "max_connections", "99999999999999999999",
	    "'99999999999999999999' is out of range (1..1024)");
	key_fail("api", "max_connections", "-1", "'-1' is not a number");
	key_fail("api", "max_connections", "+5", "'+5' is not a number");
	key_fail("api", "max_connections", "5x", "'5x' is not a number");
	key_fail("control", "max_clients", "10001",
	    "'10001' is out of range (1..10000)");
	key_fail("scheduler", "max_attempts", "101",
	    "'101' is out of range (1..100)");

	key_fail("store", "map_size", "1X",
	    "'1X' is not a size (use 4096, 64K, 512M, 1G)");
	key_fail("store", "map_size", "1GB",
	    "'1GB' is not a size (use 4096, 64K, 512M, 1G)");
	key_fail("store", "map_size", "G",
	    "'G' is not a size (use 4096, 64K, 512M, 1G)");
	key_fail("store", "map_size", "1023K",
	    "'1023K' is out of range (1M..1T)");
	key_fail("store", "map_size", "1025G",
	    "'1025G' is out of range (1M..1T)");

	key_fail("api", "app_id", "12ab", "'12ab' is not an app id "
	    "(digits only)");

	key_fail("api", "app_secret_file", "secret",
	    "'secret' is a relative path (it must start with /)");
	key_fail("tokens", "key_file", "./key",
	    "'./key' is a relative path (it must start with /)");
	key_fail("store", "path", "var/lib/threadsd",
	    "'var/lib/threadsd' is a relative path (it must start with /)");
	key_fail("control", "socket", "control.sock",
	    "'control.sock' is a relative path (it must start with /)");
	key_fail("store", "path", "/var/\001lib",
	    "'/var/?lib' contains a control character");

	snprintf(want, sizeof(want), "unknown time zone 'Mars/Olympus' "
	    "(not in %s)", tmpdir);
	key_fail("scheduler", "timezone", "Mars/Olympus", want);
	/* A directory, and a file that is not TZif data. */
	snprintf(want, sizeof(want), "unknown time zone 'Test' (not in %s)",
	    tmpdir);
	key_fail("scheduler", "timezone", "Test", want);
	snprintf(want, sizeof(want), "unknown time zone 'Test/NotZone' "
	    "(not in %s)", tmpdir);
	key_fail("scheduler", "timezone", "Test/NotZone", want);
	key_fail("scheduler", "timezone", "../etc/passwd",
	    "'../etc/passwd' is not a time zone name (like Europe/Paris)");
	key_fail("scheduler", "timezone", "/etc/localtime",
	    "'/etc/localtime' is not a time zone name (like Europe/Paris)");
	key_fail("scheduler", "timezone", "Europe/Paris France",
	    "'Europe/Paris France' is not a time zone name (like "
	    "Europe/Paris)");

	/* Without TZDIR, zones are looked up where glibc looks. */
	unsetenv("TZDIR");
	key_fail("scheduler", "timezone", "Mars/Olympus", "unknown time zone "
	    "'Mars/Olympus' (not in /usr/share/zoneinfo)");
	setenv("TZDIR", tmpdir, 1);

	/* sun_path holds 108 bytes with the NUL. */
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[108] = '\0';
	/* Long values are cut in messages. */
	snprintf(want, sizeof(want), "'%.76s...' is too long for a socket "
	    "path (at most 107 bytes)", path);
	key_fail("control", "socket", path, want);
}

static void
test_socket_length(void)
{
	struct config	*cfg;
	char		 path[120], text[200];

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[107] = '\0';
	snprintf(text, sizeof(text), "[control]\nsocket = %s\n", path);
	if ((cfg = load_ok(text)) != NULL)
		CHECK_STR(cfg->control_socket, path);
	config_free(cfg);
}

#define PLAIN_HTTP	": plain http is allowed only to a loopback host " \
			    "(127.0.0.0/8, ::1, localhost)"
#define NOT_HTTP	" is not an http:// or https:// URL"
#define NOT_URL		" is not a URL (want scheme://host[:port]/...)"

static void
test_urls(void)
{
	static const char *ok[] = {
		"https://graph.threads.net",
		"HTTPS://graph.threads.net:443/v1.0/",
		"https://[2001:db8::1]:8443/x",
		"http://127.0.0.1:8080",
		"http://127.1.2.3/graph",
		"http://[::1]:9000/x?y#z",
		"http://localhost:1234",
		"http://LOCALHOST",
		NULL
	};
	static const char *refused[][2] = {
		{ "http://graph.threads.net", PLAIN_HTTP },
		{ "http://127.0.0.1.evil.example", PLAIN_HTTP },
		{ "http://localhost.evil.example:80", PLAIN_HTTP },
		{ "http://128.0.0.1", PLAIN_HTTP },
		{ "http://[::2]:80", PLAIN_HTTP },
		{ "ftp://graph.threads.net", NOT_HTTP },
		{ "graph.threads.net", NOT_HTTP },
		{ "https://", NOT_URL },
		{ "https://:443/", NOT_URL },
		{ "https://h:0", NOT_URL },
		{ "https://h:65536", NOT_URL },
		{ "https://h:8x", NOT_URL },
		{ "https://h:", NOT_URL },
		{ "https://[::1", NOT_URL },
		{ "https://[nope]/", NOT_URL },
		{ "https://[::1]x/", NOT_URL },
		{ "https://u:p@graph.threads.net",
		    ": user info is not allowed in a URL" },
		{ "https://graph.threads.net/a b",
		    " is not a URL (spaces and non-ASCII bytes must be "
		    "%-encoded)" },
		{ "https://graph.threads.net/\xc3\xa9",
		    " is not a URL (spaces and non-ASCII bytes must be "
		    "%-encoded)" },
		{ NULL, NULL }
	};
	struct config	*cfg;
	char		 text[256], want[512];
	int		 i;

	for (i = 0; ok[i] != NULL; i++) {
		snprintf(text, sizeof(text), "[api]\nbase_url = %s\n"
		    "auth_url = %s\n", ok[i], ok[i]);
		if ((cfg = load_ok(text)) == NULL)
			continue;
		CHECK_STR(cfg->base_url, ok[i]);
		CHECK_STR(cfg->auth_url, ok[i]);
		config_free(cfg);
	}
	for (i = 0; refused[i][0] != NULL; i++) {
		snprintf(want, sizeof(want), "'%s'%s", refused[i][0],
		    refused[i][1]);
		key_fail("api", "base_url", refused[i][0], want);
		key_fail("api", "auth_url", refused[i][0], want);
	}

	/* The redirect URI goes to a browser: https even on loopback. */
	key_fail("api", "redirect_uri", "http://localhost/cb",
	    "'http://localhost/cb' is not an https:// URL");
	if ((cfg = load_ok("[api]\nredirect_uri = https://localhost/cb\n")))
		CHECK_STR(cfg->redirect_uri, "https://localhost/cb");
	config_free(cfg);
}

static void
test_parse_size(void)
{
	uint64_t	b = 42;

	CHECK_INT(config_parse_size("4096", &b), 0);
	CHECK_INT(b, 4096);
	CHECK_INT(config_parse_size("64K", &b), 0);
	CHECK_INT(b, 65536);
	CHECK_INT(config_parse_size("512m", &b), 0);
	CHECK_INT(b, 512LL << 20);
	CHECK_INT(config_parse_size("1G", &b), 0);
	CHECK_INT(b, 1LL << 30);
	CHECK_INT(config_parse_size("3T", &b), 0);
	CHECK_INT(b, 3LL << 40);
	CHECK_INT(config_parse_size("0", &b), 0);
	CHECK_INT(b, 0);
	CHECK_INT(config_parse_size("18446744073709551615", &b), 0);
	CHECK(b == UINT64_MAX);
	CHECK_INT(config_parse_size("16777215T", &b), 0);
	CHECK(b == 16777215ULL << 40);

	b = 42;
	CHECK_INT(config_parse_size("18446744073709551616", &b), -ERANGE);
	CHECK_INT(config_parse_size("16777216T", &b), -ERANGE);
	CHECK_INT(config_parse_size("", &b), -EINVAL);
	CHECK_INT(config_parse_size(NULL, &b), -EINVAL);
	CHECK_INT(config_parse_size("K", &b), -EINVAL);
	CHECK_INT(config_parse_size("1P", &b), -EINVAL);
	CHECK_INT(config_parse_size("1KB", &b), -EINVAL);
	CHECK_INT(config_parse_size("1 K", &b), -EINVAL);
	CHECK_INT(config_parse_size(" 1K", &b), -EINVAL);
	CHECK_INT(config_parse_size("-1", &b), -EINVAL);
	CHECK_INT(config_parse_size("+1", &b), -EINVAL);
	CHECK_INT(config_parse_size("1.5G", &b), -EINVAL);
	CHECK_INT(config_parse_size("99999999999999999999999X", &b), -EINVAL);
	/* Set only on success. */
	CHECK_INT(b, 42);
}

static int
write_file(const char *path, const char *data, size_t len)
{
	int	fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

static int
write_str(const char *path, const char *s)
{
	return write_file(path, s, strlen(s));
}

/* A file of lines "# comment\n" (8 bytes each) and a bad key after them. */
static int
test_big_file(int lines, int error)
{
	struct config	*cfg = NULL;
	char		*text, path[256], err[512], want[512];
	size_t		 len = (size_t)lines * 8;
	int		 i, r;

	if ((text = malloc(len + 64)) == NULL)
		return -1;
	for (i = 0; i < lines; i++)
		memcpy(text + i * 8, "# 34567\n", 8);
	strcpy(text + len, "[api]\ncolour = 1\n");
	snprintf(path, sizeof(path), "%s/big.conf", tmpdir);
	r = write_str(path, text);
	free(text);
	if (r == -1)
		return -1;
	r = config_load(path, &cfg, err, sizeof(err));
	CHECK_INT(r, error != 0 ? error : -EINVAL);
	if (error == -EFBIG)
		snprintf(want, sizeof(want), "%s: larger than 1048576 bytes",
		    path);
	else
		snprintf(want, sizeof(want), "%s:%d: [api] colour: unknown key",
		    path, lines + 2);
	CHECK_STR(err, want);
	return 0;
}

static void
test_files(void)
{
	struct config	*cfg = NULL;
	char		 path[256], err[512], want[512];
	int		 r;

	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	cfg = (struct config *)&cfg;
	r = config_load(path, &cfg, err, sizeof(err));
	CHECK_INT(r, -ENOENT);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or "
	    "directory", path);
	CHECK_STR(err, want);
	CHECK(cfg == (struct config *)&cfg);

	/* No message buffer is fine. */
	CHECK_INT(config_load(path, &cfg, NULL, 0), -ENOENT);
	CHECK_INT(config_load_string(NAME, "[x]\n", &cfg, NULL, 0), -EINVAL);

	r = config_load(tmpdir, &cfg, err, sizeof(err));
	CHECK_INT(r, -EISDIR);
	snprintf(want, sizeof(want), "%s: cannot read: Is a directory",
	    tmpdir);
	CHECK_STR(err, want);

	snprintf(path, sizeof(path), "%s/good.conf", tmpdir);
	CHECK_INT(write_str(path, "[poll]\ninterval = 90s\n"), 0);
	cfg = NULL;
	CHECK_INT(config_load(path, &cfg, err, sizeof(err)), 0);
	if (cfg != NULL) {
		CHECK_INT(cfg->poll_interval, 90);
		CHECK_INT(cfg->api_timeout, 30);
	}
	config_free(cfg);

	/* Messages name the path as given, with the line. */
	snprintf(path, sizeof(path), "%s/bad.conf", tmpdir);
	CHECK_INT(write_str(path, "# a\n# b\n\n[api]\n# c\n"
	    "max_connections = 8\n\n[poll]\n# d\n\n\ninterval = 15x\n"), 0);
	r = config_load(path, &cfg, err, sizeof(err));
	CHECK_INT(r, -EINVAL);
	snprintf(want, sizeof(want), "%s:12: [poll] interval: '15x' is not a "
	    "duration (use 90s, 15m, 7d)", path);
	CHECK_STR(err, want);

	/* A NUL byte is not the end of the file. */
	snprintf(path, sizeof(path), "%s/nul.conf", tmpdir);
	CHECK_INT(write_file(path, "[api]\ntimeout = 5s\0junk\n", 24), 0);
	r = config_load(path, &cfg, err, sizeof(err));
	CHECK_INT(r, -EINVAL);
	snprintf(want, sizeof(want), "%s:2: NUL byte in line", path);
	CHECK_STR(err, want);

	/* Files grow past the first read; more than 1 MiB is refused. */
	CHECK(test_big_file(2000, 0) == 0);
	CHECK(test_big_file(1024 * 1024 / 8, -EFBIG) == 0);

	CHECK_INT(config_load_string(NULL, "[x]\n", &cfg, err, sizeof(err)),
	    -EINVAL);
	CHECK_STR(err, "<string>:1: [x]: unknown section");
	CHECK_INT(config_load_string(NAME, NULL, &cfg, err, sizeof(err)),
	    -EINVAL);
	CHECK_STR(err, NAME ": no text");

	/* A message longer than the buffer is cut, still terminated. */
	r = config_load_string(NAME, "[api]\ncolour = 1\n", &cfg, err, 8);
	CHECK_INT(r, -EINVAL);
	CHECK_STR(err, "threads");
}

/* Writes the zones the tests use into tmpdir and points TZDIR at it. */
static int
make_zones(void)
{
	char	path[256];

	snprintf(path, sizeof(path), "%s/Test", tmpdir);
	if (mkdir(path, 0700) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/Test/Zone", tmpdir);
	if (write_file(path, "TZif2\0\0\0", 8) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/Test/NotZone", tmpdir);
	if (write_str(path, "Zone\tTest\n") == -1)
		return -1;
	return setenv("TZDIR", tmpdir, 1);
}

static char *
read_text(const char *path)
{
	FILE	*f;
	char	*text;
	long	 len;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 || (text = calloc(1, len + 1)) ==
	    NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(text, 1, len, f) != (size_t)len) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/*
 * The sample config must load as is, and with every "#key = value" line
 * uncommented it must still load and give the defaults: its comments say
 * what the defaults are, so they must not drift from config_new().
 */
static void
test_sample(const char *path)
{
	struct config	*cfg;
	char		*text, *p, *q, err[512];
	int		 uncommented = 0;

	if ((text = read_text(path)) == NULL) {
		fprintf(stderr, "%s: cannot read\n", path);
		CHECK(0);
		return;
	}
	if ((cfg = load_ok(text)) != NULL)
		check_defaults(cfg);
	config_free(cfg);

	for (p = text; p != NULL && *p != '\0'; p = q) {
		q = strchr(p, '\n');
		if (q != NULL)
			q++;
		if (p[0] == '#' && p[1] >= 'a' && p[1] <= 'z' &&
		    strstr(p, " = ") != NULL &&
		    (q == NULL || strstr(p, " = ") < q)) {
			p[0] = ' ';
			uncommented++;
		}
	}
	/* Every key in the table, once. */
	CHECK_INT(uncommented, 25);
	cfg = NULL;
	if (config_load_string(path, text, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "uncommented sample: %s\n", err);
		CHECK(0);
	}
	if (cfg != NULL) {
		/* The keys without a default show examples. */
		CHECK(cfg->app_id != NULL);
		CHECK(cfg->app_secret_file != NULL);
		CHECK(cfg->redirect_uri != NULL);
		CHECK(cfg->tokens_key_file != NULL);
		free(cfg->app_id);
		free(cfg->app_secret_file);
		free(cfg->redirect_uri);
		free(cfg->tokens_key_file);
		cfg->app_id = cfg->app_secret_file = cfg->redirect_uri =
		    cfg->tokens_key_file = NULL;
		check_defaults(cfg);
	}
	config_free(cfg);
	free(text);
}

static void
cleanup(void)
{
	static const char *files[] = {
		"Test/Zone", "Test/NotZone", "Test", "good.conf", "bad.conf",
		"nul.conf", "big.conf", NULL
	};
	char	path[256];
	int	i;

	for (i = 0; files[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		(void)remove(path);
	}
	(void)rmdir(tmpdir);
}

int
main(int argc, char *argv[])
{
	if (mkdtemp(tmpdir) == NULL || make_zones() == -1) {
		perror("test-config: temporary zoneinfo");
		return 1;
	}

	test_defaults();
	test_every_key();
	test_metrics();
	test_syntax();
	test_syntax_errors();
	test_value_errors();
	test_socket_length();
	test_urls();
	test_parse_size();
	test_files();
	if (argc > 1)
		test_sample(argv[1]);

	cleanup();
	return check_status();
}
