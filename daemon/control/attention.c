/*
 * What needs a person.  Everything here is read in the caller's
 * transaction: the accounts the due index points at (a handful), and,
 * only when the per-state tally says some post failed, a bounded walk
 * back from the newest post.  Each item says what to do about it, so that the first
 * command an operator types points at the next one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/store/account.h"
#include "daemon/control/attention.h"
#include "common/duration.h"
#include "common/timefmt.h"
#include "daemon/config.h"
#include "daemon/store/post.h"
#include "daemon/store/status.h"
#include "daemon/store/store.h"

#define FAILED_SCAN_MAX	5000	/* newest posts looked at for failures */

struct walk {
	const struct config	*cfg;
	int64_t			 now;
	struct json_object	*arr;
};

static void
add_item(struct json_object *arr, const char *kind, const char *account,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
add_item(struct json_object *arr, const char *kind, const char *account,
    const char *fmt, ...)
{
	struct json_object *o;
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "account", account != NULL ?
	    json_object_new_string(account) : NULL);
	json_object_object_add(o, "message", json_object_new_string(msg));
	json_object_array_add(arr, o);
}

static int
account_attention(const struct account *a, void *arg)
{
	struct walk *w = arg;
	char when[TIMEFMT_LEN], rel[48];
	int64_t last, stale;

	if (a->state == ACCOUNT_REAUTH_REQUIRED) {
		add_item(w->arr, "account_state", a->username, "account '%s' "
		    "needs re-authorization: connect it again with "
		    "'threadsctl add-account'", a->username);
		return 0;
	}
	if (a->state == ACCOUNT_REVOKED) {
		add_item(w->arr, "account_state", a->username, "account '%s' "
		    "was disconnected by its owner (the app was removed in "
		    "Threads): connect it again with 'threadsctl add-account', "
		    "or 'threadsctl remove-account %s'", a->username,
		    a->username);
		return 0;
	}
	if (a->state != ACCOUNT_ACTIVE) {
		add_item(w->arr, "account_state", a->username, "account '%s' "
		    "is %s", a->username, account_state_name(a->state));
		return 0;
	}
	if (a->token_expires_at > 0 &&
	    a->token_expires_at - w->now < w->cfg->tokens_warn_before)
		add_item(w->arr, "token_expiring", a->username, "the token of "
		    "'%s' expires %s (%s) and was not refreshed: try "
		    "'threadsctl refresh %s'", a->username,
		    duration_relative(a->token_expires_at, w->now, rel,
		    sizeof(rel)), timefmt_format(a->token_expires_at, when,
		    sizeof(when)), a->username);
	/* Never polled counts from when the account was added. */
	last = a->last_poll_at > 0 ? a->last_poll_at : a->added_at;
	stale = ATTENTION_STALE_POLLS * w->cfg->poll_interval;
	if (last > 0 && w->now - last > stale)
		add_item(w->arr, "poll_stale", a->username, "'%s': no "
		    "successful poll for %s (last: %s): see 'journalctl -u "
		    "threadsd'", a->username, duration_format(w->now - last,
		    rel, sizeof(rel)), a->last_poll_at > 0 ?
		    timefmt_format(a->last_poll_at, when, sizeof(when)) :
		    "never");
	return 0;
}

/* Failed posts due within the window, newest first. */
static int
failed_recently(MDB_txn *txn, struct store *st, int64_t now, size_t *ret_n)
{
	MDB_cursor *cur;
	MDB_val k, v;
	struct json_object *o;
	struct post p;
	size_t seen = 0, n = 0;
	int rc, r = 0;

	if ((rc = mdb_cursor_open(txn, st->posts, &cur)) != 0)
		return store_errno(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_LAST); rc == 0 &&
	    seen < FAILED_SCAN_MAX; rc = mdb_cursor_get(cur, &k, &v,
	    MDB_PREV), seen++) {
		if (store_json_from_val(&v, &o) < 0)
			continue;	/* the scheduler's to report */
		post_init(&p);
		if (post_from_record(o, &p) == 0 && p.state == POST_FAILED &&
		    p.due_at > now - ATTENTION_FAILED_WINDOW)
			n++;
		post_clear(&p);
		json_object_put(o);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_errno(rc);
	*ret_n = n;
	return r;
}

int
attention_list(MDB_txn *txn, struct store *st, const struct config *cfg,
    const struct status_counts *sc, int unsaved_tokens, int64_t now,
    struct json_object *arr)
{
	struct walk w = { .cfg = cfg, .now = now, .arr = arr };
	/*
	 * From the due index, not every record: the accounts not active,
	 * the tokens expiring within warn_before, the polls gone stale.
	 */
	struct account_due_range rg[] = {
		{ ACCOUNT_DUE_STATE, INT64_MAX, NULL, NULL, 0 },
		{ ACCOUNT_DUE_EXPIRES, now + cfg->tokens_warn_before - 1,
		    NULL, NULL, 0 },
		{ ACCOUNT_DUE_STALE, now - ATTENTION_STALE_POLLS *
		    cfg->poll_interval - 1, NULL, NULL, 0 },
	};
	size_t n = 0;
	int r;

	/* First: a stop or a crash now loses these tokens for good. */
	if (unsaved_tokens > 0)
		add_item(arr, "token_unsaved", NULL, "%d refreshed token%s "
		    "held only in memory: the store cannot save %s (is its "
		    "disk or map full? see 'journalctl -u threadsd'); free "
		    "space before stopping threadsd, or %s need%s "
		    "re-authorization", unsaved_tokens, unsaved_tokens == 1 ?
		    " is" : "s are", unsaved_tokens == 1 ? "it" : "them",
		    unsaved_tokens == 1 ? "its account" : "their accounts",
		    unsaved_tokens == 1 ? "s" : "");
	if ((r = account_due_read(txn, st, rg, 3, account_attention, &w)) < 0)
		return r;
	if (sc->posts[POST_FAILED] == 0)
		return 0;
	if ((r = failed_recently(txn, st, now, &n)) < 0)
		return r;
	if (n > 0)
		add_item(arr, "posts_failed", NULL, "%zu post%s failed in the "
		    "last 7 days: see 'threadsctl queue --state failed', then "
		    "'threadsctl retry ID'", n, n == 1 ? "" : "s");
	return 0;
}
