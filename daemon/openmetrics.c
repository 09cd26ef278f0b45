/*
 * OpenMetrics text for the `metrics` request.  Every family is a gauge:
 * node_exporter's textfile collector reads the Prometheus text format,
 * which has no stateset or info type, so the account state is a gauge
 * with a state label (1 for the state it is in, 0 for the other).  The
 * samples of a family must be contiguous, so the accounts are read into
 * rows first and printed family by family.  An unknown number has no
 * sample at all rather than a 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "metrics.h"
#include "openmetrics.h"
#include "status.h"
#include "store.h"

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
family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# TYPE %s gauge\n# HELP %s %s\n", name, name, help);
}

static void
render(FILE *f, const struct rows *rs, const struct status_counts *sc)
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
	fprintf(f, "# EOF\n");
}

int
openmetrics_render(struct store *st, char **ret_text, size_t *ret_len)
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
		render(f, &rs, &sc);
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
