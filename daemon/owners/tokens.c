/*
 * The token keeper.  Everything it needs is in the account records
 * (issue and expiry times, retry time, failure count, last warning), so
 * it holds nothing in memory but the refreshes in flight: each wake-up
 * reads the accounts the due index says it may act on (account.h),
 * starts what is due, and re-arms the one timer on the earliest next
 * thing.  It happens at most once per refresh or warning, plus once an
 * hour, and reads no record it cannot act on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/event.h>
#include <sodium.h>

#include "daemon/store/account.h"
#include "common/backoff.h"
#include "common/duration.h"
#include "common/timefmt.h"
#include "daemon/store/compact.h"
#include "daemon/config.h"
#include "daemon/counters.h"
#include "daemon/daemon.h"
#include "daemon/owners/forget.h"
#include "daemon/graph/graph.h"
#include "daemon/log.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"
#include "daemon/owners/tokens.h"

#define MIN_AGE		86400	/* Meta refuses younger tokens */
#define MAX_IN_FLIGHT	64
#define RESCAN		3600	/* look again at least this often */
#define RETRY_BASE	60
#define RETRY_MAX	(6 * 3600)
#define SAVE_RETRY	5	/* an unsaved token: try again after (s) */

struct refresh {
	TAILQ_ENTRY(refresh)	 entry;
	struct tokens		*t;
	char			 user_id[GRAPH_ID_LEN];
	char			 username[128];
	int64_t			 issued_at;	/* of the token refreshed */
	struct graph_call	*call;
	tokens_done_cb		 cb;
	void			*arg;
	/*
	 * Refreshed, but the store refused the new token (disk or map
	 * full): Meta has already killed the old one, so this copy is the
	 * account's only working token.  Kept, wiped at the end, and saved
	 * again every SAVE_RETRY; the refresh stays "in flight" meanwhile,
	 * so no second one starts.
	 */
	char			*unsaved;
	int64_t			 unsaved_expires_in;
	int64_t			 refreshed_at;
};

struct tokens {
	struct daemon		*d;
	struct event		*timer;
	struct event		*save;		/* retries unsaved tokens */
	TAILQ_HEAD(, refresh)	 inflight;
	int			 ninflight;
	int			 nunsaved;
	int			 stopping;
};

static void	tokens_arm(struct tokens *, int64_t when);
static void	tokens_timer_cb(evutil_socket_t, short, void *);
static void	save_cb(evutil_socket_t, short, void *);

/* Its timers, made and freed together (daemon.h). */
#define TOKENS_TIMERS(t)	((const struct daemon_timer[]){		\
	{ &(t)->timer, tokens_timer_cb }, { &(t)->save, save_cb } })

static int64_t
refresh_age(const struct tokens *t)
{
	int64_t age = t->d->cfg->tokens_refresh_after;

	return age < MIN_AGE ? MIN_AGE : age;
}

/* When the account's token should next be refreshed. */
static int64_t
refresh_due(const struct tokens *t, const struct account *a)
{
	int64_t age = refresh_age(t), span;

	if (a->refresh_retry_at > 0)
		return a->refresh_retry_at;
	span = age / 10 < 3600 ? age / 10 : 3600;
	return a->token_issued_at + age + backoff_spread(a->user_id, span);
}

static struct refresh *
find_inflight(struct tokens *t, const char *user_id)
{
	struct refresh *rf;

	TAILQ_FOREACH(rf, &t->inflight, entry)
		if (strcmp(rf->user_id, user_id) == 0)
			return rf;
	return NULL;
}

static void
refresh_free(struct refresh *rf)
{
	TAILQ_REMOVE(&rf->t->inflight, rf, entry);
	rf->t->ninflight--;
	graph_cancel(rf->call);
	if (rf->unsaved != NULL) {
		rf->t->nunsaved--;
		sodium_memzero(rf->unsaved, strlen(rf->unsaved));
		free(rf->unsaved);
	}
	free(rf);
}

/* Ends rf, telling whoever asked for it. */
static void
refresh_end(struct refresh *rf, int ok, const char *msg)
{
	tokens_done_cb cb = rf->cb;
	void *arg = rf->arg;

	refresh_free(rf);
	if (cb != NULL)
		cb(arg, ok, msg);
}

struct outcome {
	struct tokens		*t;
	const char		*user_id;
	const struct graph_error *e;
	struct graph_token	*tok;
	int64_t			 issued_at;
	int64_t			 now;
	struct account		 acct;	/* as stored afterwards */
	enum { OUT_DONE, OUT_REAUTH, OUT_REVOKED, OUT_TOO_YOUNG, OUT_RETRY,
	    OUT_GONE } what;
};

static int
outcome_txn(MDB_txn *txn, void *arg)
{
	struct outcome *o = arg;
	struct daemon *d = o->t->d;
	struct account *a = &o->acct;
	int r;

	account_init(a);
	if ((r = account_get_by_id(txn, d->store, o->user_id, a)) == -ENOENT) {
		o->what = OUT_GONE;
		return 0;
	}
	if (r < 0)
		return r;
	if (o->e->class == GRAPH_OK) {
		o->what = OUT_DONE;
		a->token_issued_at = o->now;
		a->token_expires_at = o->now + (o->tok->expires_in > 0 ?
		    o->tok->expires_in : 60 * 86400);
		a->refresh_retry_at = 0;
		a->refresh_failures = 0;
		a->expiry_warned_at = 0;
		a->state = ACCOUNT_ACTIVE;
		if ((r = account_token_put(txn, d->store, d->seal,
		    a->user_id, o->tok->access_token)) < 0)
			return r;
	} else if (graph_error_is_revoked(o->e)) {
		o->what = OUT_REVOKED;
		return account_revoke(txn, d->store, a, o->now);
	} else if (o->e->class == GRAPH_AUTH) {
		o->what = OUT_REAUTH;
		a->state = ACCOUNT_REAUTH_REQUIRED;
		a->refresh_retry_at = 0;
	} else if (o->e->class == GRAPH_PERMANENT &&
	    o->now - o->issued_at < MIN_AGE) {
		/* Meta's refusal of a young token: not a failure. */
		o->what = OUT_TOO_YOUNG;
		a->refresh_retry_at = o->issued_at + MIN_AGE + 60;
	} else {
		o->what = OUT_RETRY;
		a->refresh_failures++;
		a->refresh_retry_at = o->now +
		    backoff_delay(RETRY_BASE, RETRY_MAX, a->refresh_failures,
		    a->user_id);
	}
	return account_put(txn, d->store, a);
}

static void
save_arm(struct tokens *t)
{
	struct timeval tv = { t->stopping ? 1 : SAVE_RETRY, 0 };

	event_add(t->save, &tv);
}

/* The store refused a refreshed token: keep it (see struct refresh). */
static void
keep_unsaved(struct refresh *rf, struct graph_token *tok, int64_t now,
    int err)
{
	struct tokens *t = rf->t;
	tokens_done_cb cb = rf->cb;

	rf->unsaved = tok->access_token;	/* taken */
	tok->access_token = NULL;
	rf->unsaved_expires_in = tok->expires_in;
	rf->refreshed_at = now;
	t->nunsaved++;
	log_with(LOG_ERR, &(struct log_fields){ .account = rf->username,
	    .user_id = rf->user_id },
	    "token of '%s' was refreshed but cannot be saved: %s; Meta has "
	    "already replaced the old one, so the new one is kept in memory "
	    "and saved again every %d s, and no refresh starts meanwhile; "
	    "free space in the store (disk, or [store] map_size)",
	    rf->username, strerror(-err), SAVE_RETRY);
	rf->cb = NULL;
	if (cb != NULL)
		cb(rf->arg, 0, "token refreshed, but it cannot be saved "
		    "(the store is full); threadsd keeps it in memory and "
		    "saves it again");
	save_arm(t);
}

/*
 * A full map (or disk: LMDB says ENOSPC for both) would keep the token
 * unsaved until a restart with a larger map_size, which loses it: grow
 * the map for this run instead, by an eighth each time, up to twice the
 * configured size.  On a full disk this changes nothing (the map is
 * sparse) and the retries go on until there is room.
 */
static int
grow_map(struct tokens *t)
{
	struct store *st = t->d->store;
	uint64_t cap = t->d->cfg->store_map_size * 2, by;
	char from[32], to[32];
	int r;

	/* A copy holds a read transaction: no resize then. */
	if (compactor_busy(t->d->compactor))
		return -EBUSY;
	by = st->map_size / 8 > (1 << 20) ? st->map_size / 8 : (1 << 20);
	if (st->map_size + by > cap)
		return -ENOSPC;
	snprintf(from, sizeof(from), "%llu", (unsigned long long)st->map_size);
	if ((r = store_grow(st, by)) < 0)
		return r;
	snprintf(to, sizeof(to), "%llu", (unsigned long long)st->map_size);
	log_warning("the store is full: its map grows from %s to %s bytes "
	    "for this run so that refreshed tokens can be saved; raise "
	    "[store] map_size", from, to);
	return 0;
}

/* Saves the kept tokens again; what still fails stays kept. */
static void
save_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tokens *t = arg;
	struct graph_error ok = { .class = GRAPH_OK };
	struct graph_token tok;
	struct refresh *rf, *next;
	struct outcome o;
	int r;

	(void)fd;
	(void)what;
	for (rf = TAILQ_FIRST(&t->inflight); rf != NULL; rf = next) {
		next = TAILQ_NEXT(rf, entry);
		if (rf->unsaved == NULL)
			continue;
		memset(&tok, 0, sizeof(tok));
		tok.access_token = rf->unsaved;
		tok.expires_in = rf->unsaved_expires_in;
		o = (struct outcome){ .t = t, .user_id = rf->user_id,
		    .e = &ok, .tok = &tok, .issued_at = rf->issued_at,
		    .now = rf->refreshed_at };
		r = store_write(t->d->store, outcome_txn, &o);
		account_clear(&o.acct);
		if (r == -ENOSPC && grow_map(t) == 0) {
			account_init(&o.acct);
			r = store_write(t->d->store, outcome_txn, &o);
			account_clear(&o.acct);
		}
		if (r < 0) {
			log_debug("token of '%s': still cannot save it: %s",
			    rf->username, strerror(-r));
			continue;
		}
		log_with(LOG_NOTICE, &(struct log_fields){
		    .msgid = MSGID_TOKEN_REFRESHED, .account = rf->username,
		    .user_id = rf->user_id },
		    "token of '%s' saved: the refreshed token is no longer "
		    "held only in memory", rf->username);
		refresh_end(rf, 1, NULL);
		tokens_kick(t);
	}
	if (t->nunsaved > 0)
		save_arm(t);
}

void
tokens_rejected(const struct log_fields *lf, const struct graph_error *e,
    char *msg, size_t len)
{
	struct log_fields f = *lf;

	f.msgid = MSGID_REAUTH_REQUIRED;
	log_with(LOG_ERR, &f, "Meta rejected the token of '%s' "
	    "(code %d/%d: %s); the account needs re-authorization: "
	    "run 'threadsctl add-account' and approve it as '%s'",
	    f.account, e->code, e->subcode, e->message, f.account);
	snprintf(msg, len, "Meta rejected the token (%s); reconnect "
	    "the account with 'threadsctl add-account'", e->message);
}

static void
refresh_cb(const struct graph_error *e, struct graph_token *tok, void *arg)
{
	struct refresh *rf = arg;
	struct tokens *t = rf->t;
	struct outcome o = { .t = t, .user_id = rf->user_id, .e = e,
	    .tok = tok, .issued_at = rf->issued_at, .now = daemon_now() };
	struct log_fields lf = { .account = rf->username,
	    .user_id = rf->user_id, .meta_code = e->code,
	    .meta_subcode = e->subcode,
	    .fbtrace_id = e->fbtrace_id[0] ? e->fbtrace_id : NULL };
	char when[TIMEFMT_LEN], in[32], msg[512];
	int r;

	rf->call = NULL;
	if ((r = store_write(t->d->store, outcome_txn, &o)) < 0 &&
	    e->class == GRAPH_OK) {
		keep_unsaved(rf, tok, o.now, r);
		account_clear(&o.acct);
		return;
	}
	if (r < 0) {
		log_with(LOG_ERR, &lf, "token of '%s': cannot save the "
		    "refresh outcome: %s", rf->username, strerror(-r));
		snprintf(msg, sizeof(msg), "cannot save: %s", strerror(-r));
		account_clear(&o.acct);
		refresh_end(rf, 0, msg);
		tokens_kick(t);
		return;
	}
	if (o.what == OUT_REAUTH || o.what == OUT_REVOKED ||
	    o.what == OUT_RETRY)
		counters_failed(COUNTERS_REFRESH, e->class);
	switch (o.what) {
	case OUT_DONE:
		lf.msgid = MSGID_TOKEN_REFRESHED;
		timefmt_format(o.acct.token_expires_at, when, sizeof(when));
		log_with(LOG_NOTICE, &lf, "token of '%s' refreshed; valid "
		    "until %s", rf->username, when);
		snprintf(msg, sizeof(msg), "token refreshed; valid until %s",
		    when);
		break;
	case OUT_REAUTH:
		tokens_rejected(&lf, e, msg, sizeof(msg));
		break;
	case OUT_REVOKED:
		forget_revoked(t->d->forget, rf->user_id, e);
		snprintf(msg, sizeof(msg), "the owner of '%s' removed the app "
		    "in Threads' settings: the account is revoked and its token "
		    "deleted", rf->username);
		break;
	case OUT_TOO_YOUNG:
		log_with(LOG_INFO, &lf, "token of '%s' is younger than 24 h "
		    "and Meta will not refresh it yet (%s); trying again "
		    "later", rf->username, e->message);
		snprintf(msg, sizeof(msg), "Meta does not refresh tokens "
		    "younger than 24 hours (%s); threadsd will refresh it "
		    "when it may", e->message);
		break;
	case OUT_RETRY:
		duration_format(o.acct.refresh_retry_at - o.now, in,
		    sizeof(in));
		log_with(LOG_WARNING, &lf, "token refresh of '%s' failed "
		    "(%s: %s); retrying in %s", rf->username,
		    graph_class_name(e->class), e->message, in);
		snprintf(msg, sizeof(msg), "refresh failed (%s: %s); "
		    "threadsd retries in %s", graph_class_name(e->class),
		    e->message, in);
		break;
	case OUT_GONE:
		snprintf(msg, sizeof(msg), "the account was removed");
		break;
	}
	account_clear(&o.acct);
	refresh_end(rf, o.what == OUT_DONE, msg);
	tokens_kick(t);
}

/* Starts refreshing a's token.  Returns 0 or -errno. */
static int
refresh_start(struct tokens *t, const struct account *a, tokens_done_cb cb,
    void *arg)
{
	struct daemon *d = t->d;
	struct secret *tok;
	struct refresh *rf;
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(d->store, 1, &txn)) < 0)
		return r;
	r = account_token_get(txn, d->store, d->seal, a->user_id, &tok);
	mdb_txn_abort(txn);
	if (r < 0)
		return r;
	if ((rf = calloc(1, sizeof(*rf))) == NULL) {
		secret_free(tok);
		return -ENOMEM;
	}
	rf->t = t;
	snprintf(rf->user_id, sizeof(rf->user_id), "%s", a->user_id);
	snprintf(rf->username, sizeof(rf->username), "%s", a->username);
	rf->issued_at = a->token_issued_at;
	rf->cb = cb;
	rf->arg = arg;
	TAILQ_INSERT_TAIL(&t->inflight, rf, entry);
	t->ninflight++;
	rf->call = graph_refresh(d->graph, tok->data, refresh_cb, rf);
	secret_free(tok);
	if (rf->call == NULL) {
		refresh_free(rf);
		return -ENOMEM;
	}
	return 0;
}

/* What one scan decided; acted on after the read transaction. */
struct scan {
	struct tokens	*t;
	int64_t		 now;
	int64_t		 next;
	struct account	 due[MAX_IN_FLIGHT];
	int		 ndue;
	struct account	 warn[16];
	int		 nwarn;
	struct account	 expired[16];
	int		 nexpired;
	int		 nwant;		/* refreshes the index gave */
};

static void
scan_min(struct scan *s, int64_t when)
{
	if (when < s->next)
		s->next = when;
}

static int
keep(struct account *dst, int *n, int max, const struct account *a)
{
	if (*n >= max)
		return 0;
	account_init(&dst[*n]);
	memcpy(dst[*n].user_id, a->user_id, sizeof(a->user_id));
	if (account_set_str(&dst[*n].username, a->username) < 0)
		return 0;
	dst[*n].token_issued_at = a->token_issued_at;
	dst[*n].token_expires_at = a->token_expires_at;
	(*n)++;
	return 1;
}

static int
scan_one(const struct account *a, void *arg)
{
	struct scan *s = arg;
	struct tokens *t = s->t;
	int64_t due, warn_at;

	if (a->state != ACCOUNT_ACTIVE || find_inflight(t, a->user_id))
		return 0;
	if (a->token_expires_at > 0 && s->now >= a->token_expires_at) {
		if (!keep(s->expired, &s->nexpired, 16, a))
			scan_min(s, s->now + 1);
		return 0;
	}
	due = refresh_due(t, a);
	if (s->now >= due) {
		if (t->ninflight + s->ndue >= MAX_IN_FLIGHT ||
		    !keep(s->due, &s->ndue, MAX_IN_FLIGHT, a))
			scan_min(s, s->now + 1);	/* after these */
	} else
		scan_min(s, due);
	warn_at = a->token_expires_at - t->d->cfg->tokens_warn_before;
	if (a->expiry_warned_at > 0 && warn_at < a->expiry_warned_at + 86400)
		warn_at = a->expiry_warned_at + 86400;	/* once a day */
	if (a->token_expires_at > 0 && s->now >= warn_at) {
		if (!keep(s->warn, &s->nwarn, 16, a))
			scan_min(s, s->now + 1);
	} else if (a->token_expires_at > 0)
		scan_min(s, warn_at);
	if (a->token_expires_at > 0)
		scan_min(s, a->token_expires_at);
	return 0;
}

/*
 * A refresh due by its issue time (the index gives it: no record read
 * for one that is not), while there is room to start it; the rest wait
 * for the next scan, which the end of a refresh starts.  So a scan
 * reads what it can act on, not every due account again.
 */
static int
want_issued(const char *user_id, int64_t issued, void *arg)
{
	struct scan *s = arg;
	struct tokens *t = s->t;
	int64_t age = refresh_age(t), span = age / 10 < 3600 ? age / 10 : 3600;
	int64_t due = issued + age + backoff_spread(user_id, span);

	if (find_inflight(t, user_id) != NULL)
		return 0;
	if (due > s->now) {
		scan_min(s, due);
		return 0;
	}
	if (t->ninflight + s->nwant >= MAX_IN_FLIGHT) {
		scan_min(s, s->now + 1);	/* after these */
		return -1;
	}
	s->nwant++;
	return 1;
}

static int
want_other(const char *user_id, int64_t at, void *arg)
{
	struct scan *s = arg;

	(void)at;
	return find_inflight(s->t, user_id) == NULL;
}

/*
 * The accounts the keeper may act on by now, from the due index: the
 * tokens that expire within warn_before (or have: a warning or an
 * expiry), the retries that are due, and the refreshes that are.
 */
static int
scan_index(struct scan *s)
{
	struct tokens *t = s->t;
	struct store *st = t->d->store;
	int64_t warn = t->d->cfg->tokens_warn_before, age = refresh_age(t);
	struct account_due_range rg[] = {
		{ ACCOUNT_DUE_EXPIRES, s->now + warn, want_other, s, 0 },
		{ ACCOUNT_DUE_REFRESH_RETRY, s->now, want_other, s, 0 },
		{ ACCOUNT_DUE_ISSUED, s->now - age, want_issued, s, 0 },
	};
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(st, 1, &txn)) < 0)
		return r;
	r = account_due_read(txn, st, rg, 3, scan_one, s);
	mdb_txn_abort(txn);
	if (rg[0].next != INT64_MAX)
		scan_min(s, rg[0].next - warn);
	if (rg[1].next != INT64_MAX)
		scan_min(s, rg[1].next);
	if (rg[2].next != INT64_MAX)
		scan_min(s, rg[2].next + age);
	return r;
}

struct mark {
	struct tokens		*t;
	const struct account	*a;
	int			 expired;
	int64_t			 now;
};

static int
mark_txn(MDB_txn *txn, void *arg)
{
	struct mark *m = arg;
	struct account a;
	int r;

	account_init(&a);
	r = account_get_by_id(txn, m->t->d->store, m->a->user_id, &a);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	if (m->expired)
		a.state = ACCOUNT_REAUTH_REQUIRED;
	else
		a.expiry_warned_at = m->now;
	r = account_put(txn, m->t->d->store, &a);
	account_clear(&a);
	return r;
}

static void
act_expired(struct tokens *t, const struct account *a, int64_t now)
{
	struct mark m = { t, a, 1, now };
	int r;

	if ((r = store_write(t->d->store, mark_txn, &m)) < 0) {
		log_error("token of '%s': cannot mark it expired: %s",
		    a->username, strerror(-r));
		return;
	}
	log_with(LOG_ERR, &(struct log_fields){
	    .msgid = MSGID_REAUTH_REQUIRED, .account = a->username,
	    .user_id = a->user_id },
	    "the token of '%s' has expired and cannot be refreshed; the "
	    "account needs re-authorization: run 'threadsctl add-account' "
	    "and approve it as '%s'", a->username, a->username);
}

static void
act_warn(struct tokens *t, const struct account *a, int64_t now)
{
	struct mark m = { t, a, 0, now };
	char left[32], when[TIMEFMT_LEN];
	int r;

	if ((r = store_write(t->d->store, mark_txn, &m)) < 0) {
		log_error("token of '%s': cannot record the warning: %s",
		    a->username, strerror(-r));
		return;
	}
	log_with(LOG_WARNING, &(struct log_fields){
	    .msgid = MSGID_TOKEN_EXPIRING, .account = a->username,
	    .user_id = a->user_id },
	    "the token of '%s' expires in %s (%s) and has not been "
	    "refreshed; run 'threadsctl refresh %s', or reconnect it with "
	    "'threadsctl add-account' if that fails", a->username,
	    duration_format(a->token_expires_at - now, left, sizeof(left)),
	    timefmt_format(a->token_expires_at, when, sizeof(when)),
	    a->username);
}

static void
tokens_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tokens *t = arg;
	struct scan *s;
	int i, r;

	(void)fd;
	(void)what;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		tokens_arm(t, daemon_now() + 60);
		return;
	}
	s->t = t;
	s->now = daemon_now();
	s->next = s->now + RESCAN;
	if ((r = scan_index(s)) < 0) {
		log_error("token keeper: cannot read accounts: %s",
		    strerror(-r));
		s->next = s->now + 60;
	}
	for (i = 0; i < s->nexpired; i++)
		act_expired(t, &s->expired[i], s->now);
	for (i = 0; i < s->nwarn; i++)
		act_warn(t, &s->warn[i], s->now);
	for (i = 0; i < s->ndue; i++) {
		if ((r = refresh_start(t, &s->due[i], NULL, NULL)) < 0)
			log_with(LOG_ERR, &(struct log_fields){
			    .account = s->due[i].username,
			    .user_id = s->due[i].user_id },
			    "token of '%s': cannot start a refresh: %s",
			    s->due[i].username, strerror(-r));
	}
	for (i = 0; i < s->nexpired; i++)
		account_clear(&s->expired[i]);
	for (i = 0; i < s->nwarn; i++)
		account_clear(&s->warn[i]);
	for (i = 0; i < s->ndue; i++)
		account_clear(&s->due[i]);
	tokens_arm(t, s->next);
	free(s);
}

static void
tokens_arm(struct tokens *t, int64_t when)
{
	int64_t now = daemon_now();
	struct timeval tv = { 0, 0 };

	if (when > now)
		tv.tv_sec = when - now;
	event_add(t->timer, &tv);
}

struct tokens *
tokens_new(struct daemon *d)
{
	struct tokens *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->d = d;
	TAILQ_INIT(&t->inflight);
	if (daemon_timers_new(d, TOKENS_TIMERS(t), 2, t) < 0) {
		free(t);
		return NULL;
	}
	tokens_kick(t);
	return t;
}

void
tokens_free(struct tokens *t)
{
	struct refresh *rf;

	if (t == NULL)
		return;
	while ((rf = TAILQ_FIRST(&t->inflight)) != NULL) {
		if (rf->unsaved != NULL)
			log_with(LOG_ERR, &(struct log_fields){
			    .msgid = MSGID_REAUTH_REQUIRED,
			    .account = rf->username, .user_id = rf->user_id },
			    "token of '%s' was refreshed but never saved, and "
			    "is lost now that threadsd stops; the account will "
			    "need re-authorization: run 'threadsctl "
			    "add-account' and approve it as '%s'",
			    rf->username, rf->username);
		refresh_free(rf);
	}
	daemon_timers_free(TOKENS_TIMERS(t), 2);
	free(t);
}

int
tokens_unsaved(const struct tokens *t)
{
	return t != NULL ? t->nunsaved : 0;
}

void
tokens_stop(struct tokens *t)
{
	t->stopping = 1;
	if (t->nunsaved > 0)
		save_arm(t);
}

int
tokens_auth_stale(struct tokens *t, const char *user_id, const char *used)
{
	struct secret *tok;
	MDB_txn *txn;
	int r, stale;

	if (t == NULL)
		return 0;
	/* Out, or kept unsaved: Meta may have killed the old token. */
	if (find_inflight(t, user_id) != NULL)
		return 1;
	if (used == NULL || store_txn_begin(t->d->store, 1, &txn) < 0)
		return 0;
	r = account_token_get(txn, t->d->store, t->d->seal, user_id, &tok);
	mdb_txn_abort(txn);
	if (r < 0)
		return 0;
	stale = strcmp(tok->data, used) != 0;
	secret_free(tok);
	return stale;
}

void
tokens_kick(struct tokens *t)
{
	struct timeval now = { 0, 0 };

	event_add(t->timer, &now);
}

int
tokens_refresh_now(struct tokens *t, const char *user_id, tokens_done_cb cb,
    void *arg)
{
	struct account a;
	MDB_txn *txn;
	int r;

	if (find_inflight(t, user_id) != NULL)
		return -EBUSY;
	if ((r = store_txn_begin(t->d->store, 1, &txn)) < 0)
		return r;
	account_init(&a);
	r = account_get_by_id(txn, t->d->store, user_id, &a);
	mdb_txn_abort(txn);
	if (r == 0 && a.state == ACCOUNT_REVOKED)
		r = -EPERM;	/* no token left to refresh */
	/* Meta's answer to a young token is undocumented: do not ask. */
	if (r == 0 && daemon_now() - a.token_issued_at < MIN_AGE)
		r = -EAGAIN;
	if (r == 0)
		r = refresh_start(t, &a, cb, arg);
	account_clear(&a);
	return r;
}

void
tokens_forget(struct tokens *t, const char *user_id)
{
	struct refresh *rf;

	if ((rf = find_inflight(t, user_id)) != NULL)
		refresh_end(rf, 0, "the account was removed");
}
