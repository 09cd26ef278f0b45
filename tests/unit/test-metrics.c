/*
 * metrics.c and openmetrics.c: snapshots round-trip with unknown numbers
 * kept unknown; one account's prefix never reaches another's ("12" vs
 * "123"); the snapshot at a moment; ranges thinned with the latest kept;
 * pruning in small steps deletes exactly what is older than the cutoff,
 * in every account, and leaves foreign keys alone; the OpenMetrics text
 * escapes label values, leaves unknown numbers out and ends in "# EOF";
 * a record is json-c's bytes for it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/store/account.h"
#include "daemon/config.h"
#include "daemon/counters.h"
#include "daemon/store/metrics.h"
#include "daemon/control/openmetrics.h"
#include "daemon/store/record.h"
#include "daemon/store/store.h"
#include "check.h"

static struct store *st;

static void
put(const char *id, int64_t at, int64_t followers)
{
	struct snapshot s;
	MDB_txn *txn;

	snapshot_init(&s);
	s.at = at;
	s.v[METRIC_FOLLOWERS] = followers;
	s.v[METRIC_VIEWS] = at * 2;
	s.source = SOURCE_INSIGHTS;
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(metrics_put(txn, st, id, &s), 0);
	CHECK_INT(store_txn_commit(txn), 0);
}

static size_t
count_metrics(void)
{
	MDB_txn *txn;
	size_t n = 0;

	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(store_count(txn, st->metrics, &n), 0);
	mdb_txn_abort(txn);
	return n;
}

struct collect {
	int64_t		at[16];
	int		n;
};

static int
collect_cb(const struct snapshot *s, void *arg)
{
	struct collect *c = arg;

	if (c->n < 16)
		c->at[c->n++] = s->at;
	return 0;
}

static int
stop_cb(const struct snapshot *s, void *arg)
{
	(void)s;
	(void)arg;
	return 42;
}

static void
test_roundtrip(void)
{
	struct json_object *o, *v;
	struct snapshot s;
	MDB_txn *txn;
	size_t i;

	snapshot_init(&s);
	s.at = 1000;
	s.v[METRIC_FOLLOWERS] = 1234;
	s.v[METRIC_CLICKS] = 0;
	s.source = SOURCE_LOOKUP;
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(metrics_put(txn, st, "777", &s), 0);
	CHECK_INT(metrics_put(txn, st, "", &s), -EINVAL);
	CHECK_INT(store_txn_commit(txn), 0);

	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(metrics_at_or_before(txn, st, "777", INT64_MAX, &s), 0);
	mdb_txn_abort(txn);
	CHECK_INT(s.at, 1000);
	CHECK_INT(s.v[METRIC_FOLLOWERS], 1234);
	CHECK_INT(s.v[METRIC_CLICKS], 0);
	for (i = 0; i < METRIC_N; i++)
		if (i != METRIC_FOLLOWERS && i != METRIC_CLICKS)
			CHECK_INT(s.v[i], METRIC_UNKNOWN);
	CHECK_INT(s.source, SOURCE_LOOKUP);

	o = snapshot_to_json(&s);
	CHECK_STR(json_object_get_string(json_object_object_get(o, "at")),
	    "1970-01-01T00:16:40Z");
	CHECK(json_object_object_get_ex(o, "views", &v) && v == NULL);
	CHECK(json_object_object_get_ex(o, "clicks", &v) &&
	    json_object_get_int(v) == 0);
	CHECK_STR(json_object_get_string(json_object_object_get(o,
	    "followers_source")), "profile_lookup");
	json_object_put(o);
}

/*
 * metrics.c writes its records straight; they must be the bytes json-c
 * wrote for the same object ("v", "at", the metrics held, the source),
 * which older stores hold and older threadsd reads.
 */
static void
record_bytes(const struct snapshot *s, const char *id)
{
	struct json_object *o;
	const char *want;
	uint8_t key[GRAPH_ID_LEN + 9];
	MDB_val k, v;
	MDB_txn *txn;
	size_t i, plen = strlen(id) + 1;

	o = json_object_new_object();
	json_object_object_add(o, "v", json_object_new_int(1));
	json_object_object_add(o, "at", json_object_new_int64(s->at));
	for (i = 0; i < METRIC_N; i++)
		if (s->held & METRIC_BIT(i))
			record_add_count(o, metric_names[i], s->v[i]);
	record_add_str(o, "followers_source",
	    followers_source_name(s->source));
	want = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(metrics_put(txn, st, id, s), 0);
	memcpy(key, id, plen);
	store_be64(key + plen, (uint64_t)s->at);
	k.mv_size = plen + 8;
	k.mv_data = key;
	CHECK_INT(mdb_get(txn, st->metrics, &k, &v), 0);
	CHECK_INT(v.mv_size, strlen(want));
	CHECK(v.mv_size == strlen(want) && memcmp(v.mv_data, want,
	    v.mv_size) == 0);
	mdb_txn_abort(txn);
	json_object_put(o);
}

static void
test_record_bytes(void)
{
	struct snapshot s;
	size_t i;

	snapshot_init(&s);		/* every metric held, all unknown */
	s.at = 0;
	record_bytes(&s, "9901");
	for (i = 0; i < METRIC_N; i++)
		s.v[i] = (int64_t)i * 1000003;
	s.v[METRIC_VIEWS] = INT64_MAX;
	s.at = 1767225600;
	s.source = SOURCE_INSIGHTS;
	record_bytes(&s, "9902");
	s.held = METRIC_BIT(METRIC_FOLLOWERS) | METRIC_BIT(METRIC_CLICKS);
	s.v[METRIC_CLICKS] = METRIC_UNKNOWN;
	s.source = SOURCE_LOOKUP;
	s.at = INT64_MAX;
	record_bytes(&s, "9903");
	s.held = 0;
	record_bytes(&s, "9904");
}

static void
test_prefixes(void)
{
	struct snapshot s;
	struct collect c;
	MDB_txn *txn;

	put("12", 100, 1);
	put("12", 200, 2);
	put("12", 300, 3);
	put("123", 150, 10);
	put("123", 400, 40);
	put("13", 50, 99);

	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(metrics_at_or_before(txn, st, "12", 250, &s), 0);
	CHECK_INT(s.at, 200);
	CHECK_INT(s.v[METRIC_FOLLOWERS], 2);
	CHECK_INT(s.v[METRIC_VIEWS], 400);
	CHECK_INT(metrics_at_or_before(txn, st, "12", 200, &s), 0);
	CHECK_INT(s.at, 200);
	CHECK_INT(metrics_at_or_before(txn, st, "12", 99, &s), -ENOENT);
	/* "12"'s latest is 300, though "123" and "13" follow it. */
	CHECK_INT(metrics_at_or_before(txn, st, "12", INT64_MAX, &s), 0);
	CHECK_INT(s.at, 300);
	CHECK_INT(metrics_at_or_before(txn, st, "123", 399, &s), 0);
	CHECK_INT(s.at, 150);
	/* "13" is the last prefix: a seek past its end. */
	CHECK_INT(metrics_at_or_before(txn, st, "13", INT64_MAX, &s), 0);
	CHECK_INT(s.at, 50);
	CHECK_INT(metrics_at_or_before(txn, st, "1", INT64_MAX, &s), -ENOENT);
	CHECK_INT(metrics_at_or_before(txn, st, "99", INT64_MAX, &s),
	    -ENOENT);

	memset(&c, 0, sizeof(c));
	CHECK_INT(metrics_range(txn, st, "12", 150, 0, collect_cb, &c), 0);
	CHECK_INT(c.n, 2);
	CHECK_INT(c.at[0], 200);
	CHECK_INT(c.at[1], 300);
	memset(&c, 0, sizeof(c));
	CHECK_INT(metrics_range(txn, st, "12", 301, 0, collect_cb, &c), 0);
	CHECK_INT(c.n, 0);
	CHECK_INT(metrics_range(txn, st, "12", 0, 0, stop_cb, NULL), 42);
	mdb_txn_abort(txn);
}

static void
test_thinning(void)
{
	struct collect c;
	MDB_txn *txn;
	int i;

	for (i = 1; i <= 10; i++)
		put("555", i * 10, i);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	/* Ten into at most three: every fourth, the latest among them. */
	memset(&c, 0, sizeof(c));
	CHECK_INT(metrics_range(txn, st, "555", 0, 3, collect_cb, &c), 0);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.at[0], 20);
	CHECK_INT(c.at[1], 60);
	CHECK_INT(c.at[2], 100);
	memset(&c, 0, sizeof(c));
	CHECK_INT(metrics_range(txn, st, "555", 0, 10, collect_cb, &c), 0);
	CHECK_INT(c.n, 10);
	mdb_txn_abort(txn);
}

static void
test_prune(void)
{
	struct metrics_prune mp;
	struct snapshot s;
	MDB_txn *txn;
	MDB_val k = { 7, "foreign" }, v = { 2, "{}" };
	size_t before;
	int steps = 0;

	/* 777:1000 12:100,200,300 123:150,400 13:50 555:10..100 + foreign */
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(mdb_put(txn, st->metrics, &k, &v, 0), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	before = count_metrics();
	CHECK_INT((long long)before, 18);

	/* Two keys a step: many small transactions, one walk. */
	metrics_prune_begin(&mp);
	while (!mp.done && steps < 100) {
		CHECK_INT(store_txn_begin(st, 0, &txn), 0);
		CHECK_INT(metrics_prune_step(txn, st, &mp, 155, 2), 0);
		CHECK_INT(store_txn_commit(txn), 0);
		steps++;
	}
	CHECK(mp.done);
	CHECK(steps > 5);
	/* Gone: 12:100, 123:150, 13:50, 555:10..150 (10 to 100: all ten). */
	CHECK_INT((long long)mp.deleted, 13);
	CHECK_INT((long long)count_metrics(), 5);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(metrics_at_or_before(txn, st, "12", 199, &s), -ENOENT);
	CHECK_INT(metrics_at_or_before(txn, st, "12", 200, &s), 0);
	CHECK_INT(metrics_at_or_before(txn, st, "123", 399, &s), -ENOENT);
	CHECK_INT(metrics_at_or_before(txn, st, "123", 400, &s), 0);
	CHECK_INT(metrics_at_or_before(txn, st, "777", 1000, &s), 0);
	CHECK_INT(mdb_get(txn, st->metrics, &k, &v), 0);
	mdb_txn_abort(txn);

	/* A second walk finds nothing more; a finished walk does nothing. */
	metrics_prune_begin(&mp);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(metrics_prune_step(txn, st, &mp, 155, 1000), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	CHECK(mp.done);
	CHECK_INT((long long)mp.deleted, 0);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(metrics_prune_step(txn, st, &mp, INT64_MAX, 1000), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	CHECK_INT((long long)count_metrics(), 5);
}

/*
 * One account's history, as a poll commit prunes it: only its own old
 * snapshots go, oldest first, at most budget of them; "12" is not a
 * prefix of "123".
 */
static void
test_prune_account(void)
{
	struct snapshot s;
	MDB_txn *txn;
	size_t deleted = 0;
	int i;

	for (i = 1; i <= 5; i++) {
		put("9001", i * 100, i);
		put("90012", i * 100, i);
	}
	put("900", 50, 1);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	/* 100, 200 and 300 are old; a budget of two takes 100 and 200. */
	CHECK_INT(metrics_prune_account(txn, st, "9001", 350, 2, &deleted),
	    0);
	CHECK_INT((long long)deleted, 2);
	CHECK_INT(metrics_at_or_before(txn, st, "9001", 299, &s), -ENOENT);
	CHECK_INT(metrics_at_or_before(txn, st, "9001", 300, &s), 0);
	CHECK_INT(metrics_prune_account(txn, st, "9001", 350, 100, &deleted),
	    0);
	CHECK_INT((long long)deleted, 3);
	CHECK_INT(metrics_at_or_before(txn, st, "9001", 399, &s), -ENOENT);
	CHECK_INT(metrics_at_or_before(txn, st, "9001", 400, &s), 0);
	CHECK_INT(s.at, 400);
	/* Nothing old left; the neighbours keep theirs. */
	CHECK_INT(metrics_prune_account(txn, st, "9001", 350, 100, &deleted),
	    0);
	CHECK_INT((long long)deleted, 3);
	CHECK_INT(metrics_at_or_before(txn, st, "90012", 100, &s), 0);
	CHECK_INT(metrics_at_or_before(txn, st, "900", 50, &s), 0);
	/* An account without history, and a bad id. */
	CHECK_INT(metrics_prune_account(txn, st, "8", 350, 100, &deleted), 0);
	CHECK_INT(metrics_prune_account(txn, st, "", 350, 100, &deleted),
	    -EINVAL);
	CHECK_INT((long long)deleted, 3);
	mdb_txn_abort(txn);
}

/*
 * Turning a metric off: the store says it may hold every metric (no
 * record yet), a strip walk in small steps rewrites each snapshot
 * without views, leaves the foreign key, and records what is held; a
 * new metric written later makes a strip needed again.
 */
static void
test_strip(void)
{
	struct metrics_prune mp;
	struct snapshot s;
	struct json_object *o;
	MDB_txn *txn;
	MDB_val k = { 7, "foreign" }, v;
	unsigned keep = METRIC_BIT(METRIC_FOLLOWERS);
	int needed = -1, steps = 0;

	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(metrics_strip_needed(txn, st, keep, &needed), 0);
	CHECK_INT(metrics_at_or_before(txn, st, "12", 200, &s), 0);
	mdb_txn_abort(txn);
	CHECK_INT(needed, 1);
	CHECK(s.held == METRIC_ALL);
	CHECK_INT(s.v[METRIC_VIEWS], 400);

	metrics_prune_begin(&mp);
	while (!mp.done && steps < 100) {
		CHECK_INT(store_txn_begin(st, 0, &txn), 0);
		CHECK_INT(metrics_strip_step(txn, st, &mp, keep, 2), 0);
		CHECK_INT(store_txn_commit(txn), 0);
		steps++;
	}
	CHECK(mp.done);
	CHECK(steps >= 3);
	CHECK_INT((long long)mp.deleted, 4);
	CHECK_INT((long long)count_metrics(), 5);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(metrics_strip_needed(txn, st, keep, &needed), 0);
	CHECK_INT(needed, 0);
	CHECK_INT(metrics_at_or_before(txn, st, "12", 200, &s), 0);
	CHECK(s.held == METRIC_BASIC);
	CHECK_INT(s.v[METRIC_VIEWS], METRIC_UNKNOWN);
	CHECK_INT(s.v[METRIC_FOLLOWERS], 2);
	o = snapshot_to_json(&s);
	CHECK(!json_object_object_get_ex(o, "views", NULL));
	CHECK(!json_object_object_get_ex(o, "likes", NULL));
	CHECK(json_object_object_get_ex(o, "followers_count", NULL));
	CHECK(json_object_object_get_ex(o, "media_count", NULL));
	json_object_put(o);
	CHECK_INT(mdb_get(txn, st->metrics, &k, &v), 0);
	CHECK_INT((long long)v.mv_size, 2);
	/* The stored record itself has no views key. */
	k.mv_size = 11;
	k.mv_data = "12\0\0\0\0\0\0\0\0\xc8";
	CHECK_INT(mdb_get(txn, st->metrics, &k, &v), 0);
	CHECK(memmem(v.mv_data, v.mv_size, "views", 5) == NULL);
	CHECK(memmem(v.mv_data, v.mv_size, "followers_count", 15) != NULL);
	mdb_txn_abort(txn);

	/* Opting in to views again: a later opt-out strips once more. */
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(metrics_held_add(txn, st, keep | METRIC_BIT(METRIC_VIEWS)),
	    0);
	CHECK_INT(metrics_strip_needed(txn, st, keep, &needed), 0);
	CHECK_INT(needed, 1);
	CHECK_INT(metrics_strip_needed(txn, st,
	    keep | METRIC_BIT(METRIC_VIEWS), &needed), 0);
	CHECK_INT(needed, 0);
	CHECK_INT(store_txn_commit(txn), 0);
}

static void
test_label(void)
{
	char buf[64], small[6];

	openmetrics_label(buf, sizeof(buf), "a\"b\\c\nd");
	CHECK_STR(buf, "a\\\"b\\\\c\\nd");
	openmetrics_label(buf, sizeof(buf), "alice.b_1");
	CHECK_STR(buf, "alice.b_1");
	/* A cut never leaves half an escape. */
	openmetrics_label(small, sizeof(small), "abcd\"e");
	CHECK_STR(small, "abcd");
	openmetrics_label(small, sizeof(small), "abc\"e");
	CHECK_STR(small, "abc\\\"");
}

static void
put_account(const char *id, const char *name, int64_t followers,
    enum account_state state)
{
	struct account a;
	MDB_txn *txn;

	account_init(&a);
	snprintf(a.user_id, sizeof(a.user_id), "%s", id);
	account_set_str(&a.username, name);
	a.followers = followers;
	a.media = 3;
	a.state = state;
	a.token_expires_at = 2000000000;
	a.last_poll_at = 1000;
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_put(txn, st, &a), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	account_clear(&a);
}

static void
test_render(void)
{
	struct config cfg = { .poll_interval = 900 };
	char *text;
	size_t len;

	put_account("777", "we\"ird", 1234, ACCOUNT_ACTIVE);
	put_account("12", "twelve", ACCOUNT_UNKNOWN, ACCOUNT_REAUTH_REQUIRED);
	CHECK_INT(openmetrics_render(st, &cfg, OPENMETRICS_TEXT, &text, &len),
	    0);
	CHECK(len == strlen(text));
	CHECK(strstr(text, "# TYPE threadsd_account_followers gauge\n") !=
	    NULL);
	CHECK(strstr(text, "\nthreadsd_account_followers{account=\"we\\\"ird\","
	    "user_id=\"777\"} 1234\n") != NULL);
	/* twelve's followers are unknown: no sample, not 0. */
	CHECK(strstr(text, "threadsd_account_followers{account=\"twelve\"") ==
	    NULL);
	CHECK(strstr(text, "\nthreadsd_account_media{account=\"twelve\","
	    "user_id=\"12\"} 3\n") != NULL);
	/* Its latest snapshot (300) holds views 600, from the history. */
	CHECK(strstr(text, "\nthreadsd_account_views{account=\"twelve\","
	    "user_id=\"12\"} 600\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_account_state{account=\"twelve\","
	    "user_id=\"12\",state=\"reauth_required\"} 1\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_account_state{account=\"twelve\","
	    "user_id=\"12\",state=\"active\"} 0\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_account_token_expiry_timestamp_seconds"
	    "{account=\"twelve\",user_id=\"12\"} 2000000000\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_accounts 2\n") != NULL);
	CHECK(strncmp(text, "# TYPE threadsd_build_info gauge\n", 33) == 0);
	CHECK(strstr(text, "\nthreadsd_build_info{version=\"" THREADSD_VERSION
	    "\"} 1\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_posts{state=\"scheduled\"} 0\n") !=
	    NULL);
	CHECK(len > 6 && strcmp(text + len - 6, "# EOF\n") == 0);
	/* Every line ends; no family is printed twice. */
	CHECK(text[len - 1] == '\n');
	CHECK(strstr(strstr(text, "# TYPE threadsd_account_views ") + 1,
	    "# TYPE threadsd_account_views ") == NULL);
	CHECK(strstr(text, "\nthreadsd_poll_interval_seconds 900\n") != NULL);
	/* Every reason, 0 before the first failure. */
	CHECK(strstr(text, "\n# TYPE threadsd_poll_failures counter\n") !=
	    NULL);
	CHECK(strstr(text, "\nthreadsd_refresh_failures_total"
	    "{reason=\"not_ready\"} 0\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_publish_lateness_seconds_bucket"
	    "{le=\"+Inf\"} 0\n") != NULL);
	free(text);
}

/* The counters, in both formats: only counters' names differ. */
static void
test_counters(void)
{
	struct config cfg = { .poll_interval = 60 };
	char *text;
	size_t len;

	counters_failed(COUNTERS_POLL, GRAPH_THROTTLED);
	counters_failed(COUNTERS_POLL, GRAPH_THROTTLED);
	counters_failed(COUNTERS_PUBLISH, GRAPH_AUTH);
	counters_failed(COUNTERS_REFRESH, GRAPH_OK);	/* not a failure */
	counters_failed(COUNTERS_NOPS, GRAPH_AUTH);	/* out of range */
	counters_published(time(NULL) - 40);	/* 40 s late: <= 60 */
	counters_published(time(NULL) + 3600);	/* early counts as 0 */
	CHECK_INT(openmetrics_render(st, &cfg, OPENMETRICS_TEXT, &text, &len),
	    0);
	CHECK(strstr(text, "\nthreadsd_poll_failures_total"
	    "{reason=\"throttled\"} 2\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_poll_failures_total"
	    "{reason=\"transient\"} 0\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_publish_failures_total"
	    "{reason=\"auth\"} 1\n") != NULL);
	CHECK(strstr(text, "{reason=\"ok\"}") == NULL);
	CHECK(strstr(text, "\nthreadsd_refresh_failures_total"
	    "{reason=\"auth\"} 0\n") != NULL);
	CHECK(strstr(text, "\n# TYPE threadsd_publish_lateness_seconds "
	    "histogram\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_publish_lateness_seconds_bucket"
	    "{le=\"0.05\"} 1\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_publish_lateness_seconds_bucket"
	    "{le=\"30.0\"} 1\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_publish_lateness_seconds_bucket"
	    "{le=\"60.0\"} 2\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_publish_lateness_seconds_bucket"
	    "{le=\"+Inf\"} 2\n") != NULL);
	CHECK(strstr(text, "\nthreadsd_publish_lateness_seconds_count 2\n") !=
	    NULL);
	CHECK(strstr(text, "\nthreadsd_publish_lateness_seconds_sum 40.") !=
	    NULL || strstr(text, "\nthreadsd_publish_lateness_seconds_sum 41.")
	    != NULL);
	CHECK(len > 6 && strcmp(text + len - 6, "# EOF\n") == 0);
	free(text);
	CHECK_INT(openmetrics_render(st, &cfg, OPENMETRICS_PROMETHEUS, &text,
	    &len), 0);
	CHECK(strstr(text, "\n# TYPE threadsd_poll_failures_total counter\n"
	    "# HELP threadsd_poll_failures_total ") != NULL);
	CHECK(strstr(text, "\nthreadsd_poll_failures_total"
	    "{reason=\"throttled\"} 2\n") != NULL);
	CHECK(strstr(text, "# TYPE threadsd_poll_failures counter") == NULL);
	CHECK(strstr(text, "# EOF") == NULL);
	CHECK(strstr(text, "\n# TYPE threadsd_account_followers gauge\n") !=
	    NULL);
	free(text);
}

int
main(void)
{
	char dir[] = "/tmp/test-metrics.XXXXXX", err[256], cmd[128];

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(store_open(dir, 16 << 20, &st, err, sizeof(err)), 0);
	test_roundtrip();
	test_record_bytes();
	test_prefixes();
	test_thinning();
	test_prune();
	test_label();
	test_render();
	test_counters();
	test_strip();
	test_prune_account();
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return check_status();
}
