/*
 * OpenMetrics text for the `metrics` request.  Only the types both it
 * and the Prometheus text format have are used (gauge, counter,
 * histogram): node_exporter's textfile collector reads the latter, which
 * has no stateset or info type, so the account state is a gauge with a
 * state label (1 for the state it is in, 0 for the other).  The samples
 * of a family must be contiguous, so the accounts are read into rows
 * first and printed family by family.  An unknown number has no sample
 * at all rather than a 0; a counter's every reason is printed, 0 too, so
 * that its series exist before the first failure.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/account.h"
#include "daemon/config.h"
#include "daemon/counters.h"
#include "daemon/store/metrics.h"
#include "daemon/control/openmetrics.h"
#include "daemon/store/status.h"
#include "daemon/store/store.h"

/* The per-account numbers, in the order of families[]. */
enum {
	F_FOLLOWERS, F_VIEWS, F_LIKES, F_REPLIES, F_REPOSTS, F_QUOTES,
	F_CLICKS, F_MEDIA, F_EXPIRY, F_LAST_POLL, F_N
};

static const struct {
	const char	*name;
	const char	*help;
} families[F_N] = {
	{ "threadsd_account_followers", "Followers of the account, from "
	    "insights or, when Meta refuses them, profile_lookup." },
	{ "threadsd_account_views", "Profile views on the latest day "
	    "Meta reported." },
	{ "threadsd_account_likes", "Likes on the account's posts "
	    "(insights' default range)." },
	{ "threadsd_account_replies", "Replies to the account's posts "
	    "(insights' default range)." },
	{ "threadsd_account_reposts", "Reposts of the account's posts "
	    "(insights' default range)." },
	{ "threadsd_account_quotes", "Quotes of the account's posts "
	    "(insights' default range)." },
	{ "threadsd_account_clicks", "Link clicks, summed over the links "
	    "(insights' default range)." },
	{ "threadsd_account_media", "Posts the account has published." },
	{ "threadsd_account_token_expiry_timestamp_seconds", "When the "
	    "account's token expires, as a Unix time." },
	{ "threadsd_account_last_poll_timestamp_seconds", "When the "
	    "account was last polled successfully, as a Unix time." },
};

struct row {
	char			 username[128];
	char			 user_id[GRAPH_ID_LEN];
	enum account_state	 state;
	int64_t			 v[F_N];	/* < 0: no sample */
};

struct rows {
	MDB_txn		*txn;
	struct store	*st;
	struct row	*row;
	size_t		 n;
	size_t		 cap;
};

void
openmetrics_label(char *dst, size_t size, const char *s)
{
	size_t i = 0;
	const char *esc;

	if (size == 0)
		return;
	for (; *s != '\0'; s++) {
		esc = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" :
		    *s == '\n' ? "\\n" : NULL;
		if (i + (esc != NULL ? 2 : 1) >= size)
			break;
		if (esc != NULL) {
			memcpy(dst + i, esc, 2);
			i += 2;
		} else
			dst[i++] = *s;
	}
	dst[i] = '\0';
}

static int
rows_add(const struct account *a, void *arg)
{
	struct rows *rs = arg;
	struct snapshot s;
	struct row *r;
	size_t i;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap > 0 ? rs->cap * 2 : 64;
		if ((r = reallocarray(rs->row, rs->cap, sizeof(*r))) == NULL)
			return -ENOMEM;
		rs->row = r;
	}
	r = &rs->row[rs->n++];
	openmetrics_label(r->username, sizeof(r->username), a->username);
	openmetrics_label(r->user_id, sizeof(r->user_id), a->user_id);
	r->state = a->state;
	for (i = 0; i < F_N; i++)
		r->v[i] = -1;
	if (metrics_at_or_before(rs->txn, rs->st, a->user_id, INT64_MAX,
	    &s) == 0) {
		r->v[F_VIEWS] = s.v[METRIC_VIEWS];
		r->v[F_LIKES] = s.v[METRIC_LIKES];
		r->v[F_REPLIES] = s.v[METRIC_REPLIES];
		r->v[F_REPOSTS] = s.v[METRIC_REPOSTS];
		r->v[F_QUOTES] = s.v[METRIC_QUOTES];
		r->v[F_CLICKS] = s.v[METRIC_CLICKS];
	}
	/* The record holds the current counts, the snapshot what was. */
	r->v[F_FOLLOWERS] = a->followers;
	r->v[F_MEDIA] = a->media;
	r->v[F_EXPIRY] = a->token_expires_at > 0 ? a->token_expires_at : -1;
	r->v[F_LAST_POLL] = a->last_poll_at > 0 ? a->last_poll_at : -1;
	return 0;
}

static void
family_typed(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# TYPE %s %s\n# HELP %s %s\n", name, type, name, help);
}

static void
family(FILE *f, const char *name, const char *help)
{
	family_typed(f, name, "gauge", help);
}

/*
 * The failure counters: one family per owner, one sample per reason.
 * The reasons are graph.c's error classes, a fixed set of five; a
 * timeout is transient (the network's), as graph.c classifies it.
 */
static const struct {
	const char	*name;		/* the family; samples add _total */
	const char	*help;
} failures[COUNTERS_NOPS] = {
	[COUNTERS_POLL] = { "threadsd_poll_failures", "Polls of an account "
	    "that failed since threadsd started, by the class of the error "
	    "(reason: transient = network, timeout or 5xx; throttled; auth = "
	    "token rejected; not_ready; permanent)." },
	[COUNTERS_PUBLISH] = { "threadsd_publish_failures", "Publish "
	    "requests (threads_publish, repost) that failed since threadsd "
	    "started, by the class of the error (reason as for "
	    "threadsd_poll_failures); a failed request is retried, so this "
	    "is not the number of failed posts (threadsd_posts)." },
	[COUNTERS_REFRESH] = { "threadsd_refresh_failures", "Token "
	    "refreshes that failed since threadsd started, by the class of "
	    "the error (reason as for threadsd_poll_failures)." },
};

/* A float as a label value: "0.05", "1.0", as OpenMetrics writes it. */
static void
float_label(char *buf, size_t len, double v)
{
	size_t n;

	n = (size_t)snprintf(buf, len, "%g", v);
	if (strpbrk(buf, ".e") == NULL && n + 3 <= len)
		memcpy(buf + n, ".0", 3);
}

static void
render_counters(FILE *f, enum openmetrics_format fmt)
{
	struct counters c;
	char name[64], le[32];
	uint64_t cum = 0;
	size_t i;
	int k;

	counters_read(&c);
	for (i = 0; i < COUNTERS_NOPS; i++) {
		snprintf(name, sizeof(name), "%s%s", failures[i].name,
		    fmt == OPENMETRICS_PROMETHEUS ? "_total" : "");
		family_typed(f, name, "counter", failures[i].help);
		for (k = GRAPH_TRANSIENT; k < COUNTERS_NREASONS; k++)
			fprintf(f, "%s_total{reason=\"%s\"} %" PRIu64 "\n",
			    failures[i].name, graph_class_name(k),
			    c.failed[i][k]);
	}
	family_typed(f, "threadsd_publish_lateness_seconds", "histogram",
	    "Seconds from a post's due time to the answer that showed it "
	    "published: the publish request's answer or, after an answer "
	    "was lost, the status read that found the post on Threads; "
	    "since threadsd started.");
	for (i = 0; i <= COUNTERS_LATE_NBOUNDS; i++) {
		cum += c.late[i];
		if (i < COUNTERS_LATE_NBOUNDS)
			float_label(le, sizeof(le), counters_late_bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		fprintf(f, "threadsd_publish_lateness_seconds_bucket{le=\"%s\"} "
		    "%" PRIu64 "\n", le, cum);
	}
	fprintf(f, "threadsd_publish_lateness_seconds_sum %.3f\n"
	    "threadsd_publish_lateness_seconds_count %" PRIu64 "\n",
	    c.late_sum, c.late_count);
}

static void
render(FILE *f, const struct rows *rs, const struct status_counts *sc,
    const struct config *cfg, enum openmetrics_format fmt)
{
	const struct row *r;
	size_t i, j;
	int k;

	/*
	 * A gauge, not OpenMetrics' info type: node_exporter's textfile
	 * collector reads the Prometheus text format, which has no info.
	 */
	family(f, "threadsd_build_info", "Always 1; the version of the "
	    "threadsd that wrote this.");
	fprintf(f, "threadsd_build_info{version=\"%s\"} 1\n",
	    THREADSD_VERSION);
	for (j = 0; j < F_N; j++) {
		/* A metric no account holds ([poll] metrics) is left out. */
		for (i = 0; j >= F_VIEWS && j <= F_CLICKS && i < rs->n; i++)
			if (rs->row[i].v[j] >= 0)
				break;
		if (j >= F_VIEWS && j <= F_CLICKS && i == rs->n)
			continue;
		family(f, families[j].name, families[j].help);
		for (i = 0; i < rs->n; i++) {
			r = &rs->row[i];
			if (r->v[j] >= 0)
				fprintf(f, "%s{account=\"%s\",user_id=\"%s\"} "
				    "%" PRId64 "\n", families[j].name,
				    r->username, r->user_id, r->v[j]);
		}
	}
	family(f, "threadsd_account_state", "1 for the state the account "
	    "is in: active, reauth_required (reconnect it), or revoked (its "
	    "owner removed the app; it will be erased).");
	for (i = 0; i < rs->n; i++)
		for (k = ACCOUNT_ACTIVE; k < ACCOUNT_NSTATES; k++)
			fprintf(f, "threadsd_account_state{account=\"%s\","
			    "user_id=\"%s\",state=\"%s\"} %d\n",
			    rs->row[i].username, rs->row[i].user_id,
			    account_state_name(k), (int)rs->row[i].state == k);
	family(f, "threadsd_accounts", "Accounts connected.");
	fprintf(f, "threadsd_accounts %zu\n", sc->accounts);
	family(f, "threadsd_posts", "Posts held, by state.");
	for (i = 0; i < POST_NSTATES; i++)
		fprintf(f, "threadsd_posts{state=\"%s\"} %" PRIu64 "\n",
		    post_state_names[i], sc->posts[i]);
	/* Stale polls (status's rule) are three of these without success. */
	family(f, "threadsd_poll_interval_seconds", "[poll] interval: how "
	    "often each account is polled.");
	fprintf(f, "threadsd_poll_interval_seconds %" PRId64 "\n",
	    cfg->poll_interval);
	render_counters(f, fmt);
	if (fmt == OPENMETRICS_TEXT)
		fprintf(f, "# EOF\n");
}

int
openmetrics_render(struct store *st, const struct config *cfg,
    enum openmetrics_format fmt, char **ret_text, size_t *ret_len)
{
	struct rows rs = { .st = st };
	struct status_counts sc;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if ((r = store_txn_begin(st, 1, &rs.txn)) < 0)
		return r;
	r = account_foreach(rs.txn, st, rows_add, &rs);
	mdb_txn_abort(rs.txn);
	if (r == 0)
		r = status_counts(st, &sc);
	if (r == 0 && (f = open_memstream(&text, &len)) == NULL)
		r = -errno;
	if (r == 0) {
		render(f, &rs, &sc, cfg, fmt);
		if (fclose(f) != 0) {
			r = -ENOMEM;
			free(text);
		}
	}
	free(rs.row);
	if (r < 0)
		return r;
	*ret_text = text;
	*ret_len = len;
	return 0;
}
