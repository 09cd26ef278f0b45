/*
 * ping, status and reload: what the daemon is, how long it has run, what
 * it holds, what needs a person (attention.c), and re-reading its
 * config.  Counts come from the store (the per-state post tallies the
 * scheduler keeps in meta), never from a scan.
 */
#include <errno.h>
#include <string.h>

#include "daemon/control/attention.h"
#include "common/timefmt.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/control/reload.h"
#include "daemon/control/req.h"
#include "daemon/store/status.h"
#include "daemon/store/store.h"
#include "daemon/owners/tokens.h"

void
req_ping(struct req *req)
{
	if (req_args(req, NULL, NULL) < 0)
		return;
	req_ok(req, NULL);
}

static struct json_object *
status_to_json(const struct daemon *d, const struct status_counts *sc,
    struct json_object *attention)
{
	struct json_object *o, *posts;
	char when[TIMEFMT_LEN];
	size_t i;

	o = json_object_new_object();
	json_object_object_add(o, "version",
	    json_object_new_string(THREADSD_VERSION));
	json_object_object_add(o, "uptime",
	    json_object_new_int64(daemon_uptime(d)));
	json_object_object_add(o, "accounts",
	    json_object_new_int64((int64_t)sc->accounts));
	/* Refreshed tokens only in memory: the store refused them. */
	json_object_object_add(o, "unsaved_tokens",
	    json_object_new_int64(tokens_unsaved(d->tokens)));
	posts = json_object_new_object();
	for (i = 0; i < POST_NSTATES; i++)
		json_object_object_add(posts, post_state_names[i],
		    json_object_new_int64((int64_t)sc->posts[i]));
	json_object_object_add(o, "posts", posts);
	if (sc->next_due > 0) {
		json_object_object_add(o, "next_due", json_object_new_string(
		    timefmt_format(sc->next_due, when, sizeof(when))));
		json_object_object_add(o, "next_due_post",
		    json_object_new_string(sc->next_due_post));
	} else {
		json_object_object_add(o, "next_due", NULL);
		json_object_object_add(o, "next_due_post", NULL);
	}
	json_object_object_add(o, "degraded", json_object_new_boolean(
	    json_object_array_length(attention) > 0));
	json_object_object_add(o, "attention", attention);
	return o;
}

void
req_status(struct req *req)
{
	struct status_counts sc;
	struct json_object *attention;
	MDB_txn *txn;
	int r;

	if (req_args(req, NULL, NULL) < 0)
		return;
	attention = json_object_new_array();
	if ((r = status_counts(req->d->store, &sc)) == 0 &&
	    (r = store_txn_begin(req->d->store, 1, &txn)) == 0) {
		r = attention_list(txn, req->d->store, req->d->cfg, &sc,
		    tokens_unsaved(req->d->tokens), daemon_now(), attention);
		mdb_txn_abort(txn);
	}
	if (r < 0) {
		json_object_put(attention);
		log_error("status: cannot read the store: %s", strerror(-r));
		req_fail(req, ERR_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
		return;
	}
	req_ok(req, status_to_json(req->d, &sc, attention));
}

void
req_reload(struct req *req)
{
	char err[CONFIG_ERRBUF_LEN];

	if (req_args(req, NULL, NULL) < 0)
		return;
	if (reload_config(req->d, err, sizeof(err)) < 0) {
		req_fail(req, ERR_INVALID_ARGUMENT, "%s", err);
		return;
	}
	req_ok(req, NULL);
}
