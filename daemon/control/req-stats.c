/*
 * The statistics requests: account.poll (poll now; answer once the
 * outcome is committed), stats.get (an account, its snapshots since a
 * time, and how its numbers changed over 1, 7 and 30 days) and metrics
 * (the OpenMetrics text).  Reads are one short transaction each; the
 * poll itself is the poller's.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/account.h"
#include "common/duration.h"
#include "common/timefmt.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/store/metrics.h"
#include "daemon/control/openmetrics.h"
#include "daemon/owners/poller.h"
#include "daemon/control/req.h"
#include "daemon/store/store.h"

#define STATS_DEFAULT_SINCE	"30d"
#define STATS_MAX_SNAPSHOTS	5000	/* more are thinned evenly */

static const struct {
	const char	*name;
	int64_t		 secs;
} periods[] = {
	{ "1d", 86400 },
	{ "7d", 7 * 86400 },
	{ "30d", 30 * 86400 },
};

struct poll_args {
	const char	*account;
};

static const struct req_arg poll_table[] = {
	{ "account", ARG_STRING, offsetof(struct poll_args, account), 1 },
	{ NULL, 0, 0, 0 }
};

struct poll_wait {
	struct req	*req;
	char		 user_id[GRAPH_ID_LEN];
};

static void
poll_done(void *arg, int ok, const char *message)
{
	struct poll_wait *w = arg;
	struct req *req = w->req;
	struct json_object *res;
	struct snapshot s;
	struct account a;
	MDB_txn *txn;

	if ((res = req_owner_result(req, ok, message)) == NULL) {
		free(w);
		return;
	}
	/* By id: the poll may have renamed the account. */
	if (store_txn_begin(req->d->store, 1, &txn) == 0) {
		account_init(&a);
		if (account_get_by_id(txn, req->d->store, w->user_id,
		    &a) == 0)
			json_object_object_add(res, "account",
			    account_to_json(&a));
		account_clear(&a);
		if (metrics_at_or_before(txn, req->d->store, w->user_id,
		    INT64_MAX, &s) == 0)
			json_object_object_add(res, "snapshot",
			    snapshot_to_json(&s));
		mdb_txn_abort(txn);
	}
	free(w);
	req_ok(req, res);
}

void
req_account_poll(struct req *req)
{
	struct poll_args args = { 0 };
	struct poll_wait *w;
	struct account a;
	int r;

	if (req_args(req, poll_table, &args) < 0 ||
	    req_find_account(req, NULL, args.account, &a) < 0)
		return;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		account_clear(&a);
		req_fail(req, ERR_INTERNAL, "out of memory");
		return;
	}
	w->req = req;
	memcpy(w->user_id, a.user_id, sizeof(w->user_id));
	r = poller_poll_now(req->d->poller, a.user_id, poll_done, w);
	if (r == -EPERM && a.state == ACCOUNT_REVOKED)
		req_fail(req, ERR_UNAVAILABLE, "'%s' was revoked by its owner "
		    "(the app was removed in Threads' settings): it is not "
		    "polled", a.username);
	else if (r == -EPERM)
		req_fail(req, ERR_UNAVAILABLE, "'%s' needs re-authorization: "
		    "reconnect it with 'threadsctl add-account'", a.username);
	else if (r < 0)
		req_fail(req, ERR_INTERNAL, "cannot poll '%s': %s",
		    a.username, strerror(-r));
	if (r < 0)
		free(w);
	account_clear(&a);
}

struct stats_args {
	const char	*account;
	const char	*since;
};

static const struct req_arg stats_table[] = {
	{ "account", ARG_STRING, offsetof(struct stats_args, account), 1 },
	{ "since", ARG_STRING, offsetof(struct stats_args, since), 0 },
	{ NULL, 0, 0, 0 }
};

static int
add_snapshot(const struct snapshot *s, void *arg)
{
	json_object_array_add(arg, snapshot_to_json(s));
	return 0;
}

/* How the numbers moved from base to now; null where either is unknown. */
static struct json_object *
change_to_json(const struct snapshot *base, const struct snapshot *now)
{
	struct json_object *o = json_object_new_object();
	char when[TIMEFMT_LEN];
	size_t i;

	json_object_object_add(o, "from", json_object_new_string(
	    timefmt_format(base->at, when, sizeof(when))));
	for (i = 0; i < METRIC_N; i++)
		if (now->held & METRIC_BIT(i))
			json_object_object_add(o, metric_names[i],
			    base->v[i] >= 0 && now->v[i] >= 0 ?
			    json_object_new_int64(now->v[i] - base->v[i]) :
			    NULL);
	return o;
}

/*
 * The changes are measured from the latest snapshot back: each against
 * the last snapshot taken at least that long before it, or null when
 * the history is shorter.
 */
static int
stats_read(MDB_txn *txn, struct store *st, const char *user_id,
    int64_t since, struct json_object *res)
{
	struct json_object *snaps, *changes;
	struct snapshot last, base;
	size_t i;
	int r;

	snaps = json_object_new_array();
	json_object_object_add(res, "snapshots", snaps);
	changes = json_object_new_object();
	json_object_object_add(res, "changes", changes);
	if ((r = metrics_range(txn, st, user_id, since, STATS_MAX_SNAPSHOTS,
	    add_snapshot, snaps)) < 0)
		return r;
	r = metrics_at_or_before(txn, st, user_id, INT64_MAX, &last);
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		if (r == 0 && metrics_at_or_before(txn, st, user_id,
		    last.at - periods[i].secs, &base) == 0)
			json_object_object_add(changes, periods[i].name,
			    change_to_json(&base, &last));
		else
			json_object_object_add(changes, periods[i].name, NULL);
	}
	return r == -ENOENT ? 0 : r;
}

void
req_stats_get(struct req *req)
{
	struct stats_args args = { 0 };
	struct json_object *res;
	struct account a;
	char when[TIMEFMT_LEN];
	int64_t now = daemon_now(), since, secs;
	MDB_txn *txn;
	int r;

	if (req_args(req, stats_table, &args) < 0)
		return;
	if (args.since == NULL)
		args.since = STATS_DEFAULT_SINCE;
	/* A duration back from now ("30d"), or a time ("2026-11-01T00:00Z"). */
	if (duration_parse(args.since, &secs) == 0)
		since = secs < now ? now - secs : 0;
	else if (timefmt_parse(args.since, now, &since) < 0) {
		req_fail(req, ERR_INVALID_ARGUMENT, "since: '%.64s' is "
		    "neither a duration (30d) nor a time", args.since);
		return;
	}
	if (req_find_account(req, NULL, args.account, &a) < 0)
		return;
	res = json_object_new_object();
	json_object_object_add(res, "account", account_to_json(&a));
	json_object_object_add(res, "since", json_object_new_string(
	    timefmt_format(since, when, sizeof(when))));
	if ((r = store_txn_begin(req->d->store, 1, &txn)) == 0) {
		r = stats_read(txn, req->d->store, a.user_id, since, res);
		mdb_txn_abort(txn);
	}
	account_clear(&a);
	if (r < 0) {
		json_object_put(res);
		log_error("stats: cannot read the history: %s", strerror(-r));
		req_fail(req, ERR_INTERNAL, "cannot read the history: %s",
		    strerror(-r));
		return;
	}
	req_ok(req, res);
}

struct metrics_args {
	const char	*format;
};

static const struct req_arg metrics_table[] = {
	{ "format", ARG_STRING, offsetof(struct metrics_args, format), 0 },
	{ NULL, 0, 0, 0 }
};

void
req_metrics(struct req *req)
{
	struct metrics_args a = { .format = "openmetrics" };
	struct json_object *res;
	enum openmetrics_format fmt;
	char *text;
	size_t len;
	int r;

	if (req_args(req, metrics_table, &a) < 0)
		return;
	/* prometheus: for node_exporter's textfile collector. */
	if (strcmp(a.format, "openmetrics") == 0)
		fmt = OPENMETRICS_TEXT;
	else if (strcmp(a.format, "prometheus") == 0)
		fmt = OPENMETRICS_PROMETHEUS;
	else {
		req_fail(req, ERR_INVALID_ARGUMENT, "format: '%.64s' is "
		    "neither 'openmetrics' nor 'prometheus'", a.format);
		return;
	}
	if ((r = openmetrics_render(req->d->store, req->d->cfg, fmt,
	    &text, &len)) < 0) {
		log_error("metrics: cannot read the store: %s", strerror(-r));
		req_fail(req, ERR_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
		return;
	}
	res = json_object_new_object();
	json_object_object_add(res, "content_type",
	    json_object_new_string(fmt == OPENMETRICS_TEXT ?
	    OPENMETRICS_CONTENT_TYPE : OPENMETRICS_PROMETHEUS_CONTENT_TYPE));
	json_object_object_add(res, "text",
	    json_object_new_string_len(text, (int)len));
	free(text);
	req_ok(req, res);
}
