/*
 * The forgetter.  Like the token keeper it keeps nothing in memory: the
 * revocation time and the warning are in the account records, so each
 * wake-up reads those the due index says may be due (by revocation
 * time), warns or erases what is due, and re-arms one timer on the
 * earliest next thing (at least hourly, so a clock that jumped or a
 * reload that shortened the delay is noticed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "daemon/store/account.h"
#include "common/timefmt.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/store/erase.h"
#include "daemon/owners/forget.h"
#include "daemon/graph/graph.h"
#include "daemon/log.h"
#include "daemon/store/store.h"

#define RESCAN		3600
#define WARN_AHEAD	86400	/* the second notice, a day before */
#define BATCH		16	/* erased or warned in one wake-up */

struct forget {
	struct daemon	*d;
	struct event	*timer;
};

struct due {
	char		 user_id[GRAPH_ID_LEN];
	char		 username[128];
	int64_t		 forget_at;
};

struct scan {
	int64_t		 now;
	int64_t		 next;
	struct due	 erase[BATCH];
	int		 nerase;
	struct due	 warn[BATCH];
	int		 nwarn;
};

static void
forget_arm(struct forget *f, int64_t when)
{
	int64_t now = daemon_now();
	struct timeval tv = { 0, 0 };

	if (when > now)
		tv.tv_sec = when - now;
	event_add(f->timer, &tv);
}

static void
keep(struct due *list, int *n, const struct account *a, int64_t at)
{
	struct due *d = &list[(*n)++];

	memcpy(d->user_id, a->user_id, sizeof(d->user_id));
	snprintf(d->username, sizeof(d->username), "%s", a->username);
	d->forget_at = at;
}

static int
scan_one(const struct account *a, void *arg)
{
	struct scan *s = arg;
	int64_t at = account_forget_at(a), warn_at = at - WARN_AHEAD;

	if (at <= 0)
		return 0;
	if (s->now >= at) {
		/* Never erased unannounced (the daemon was down, say). */
		if (s->nerase < BATCH && s->nwarn < BATCH) {
			if (a->forget_warned_at == 0)
				keep(s->warn, &s->nwarn, a, at);
			keep(s->erase, &s->nerase, a, at);
		} else
			s->next = s->now;
	} else if (a->forget_warned_at == 0 && s->now >= warn_at) {
		if (s->nwarn < BATCH)
			keep(s->warn, &s->nwarn, a, at);
		else
			s->next = s->now;
		if (at < s->next)
			s->next = at;
	} else {
		if (a->forget_warned_at == 0 && warn_at < s->next)
			s->next = warn_at;
		if (at < s->next)
			s->next = at;
	}
	return 0;
}

/*
 * The revoked accounts whose notice or erasure may be due, from the due
 * index (by revocation time), not every record.
 */
static int
scan_index(struct forget *f, struct scan *s)
{
	struct store *st = f->d->store;
	int64_t after = f->d->cfg->accounts_forget_revoked_after;
	struct account_due_range rg = { ACCOUNT_DUE_REVOKED,
	    s->now + WARN_AHEAD - after, NULL, NULL, 0 };
	MDB_txn *txn;
	int r;

	if (after <= 0)
		return 0;	/* never forgotten */
	if ((r = store_txn_begin(st, 1, &txn)) < 0)
		return r;
	r = account_due_read(txn, st, &rg, 1, scan_one, s);
	mdb_txn_abort(txn);
	if (rg.next != INT64_MAX && rg.next + after - WARN_AHEAD < s->next)
		s->next = rg.next + after - WARN_AHEAD;
	return r;
}

struct mark {
	struct store	*st;
	const char	*user_id;
	int64_t		 now;
};

static int
warned_txn(MDB_txn *txn, void *arg)
{
	struct mark *m = arg;
	struct account a;
	int r;

	account_init(&a);
	if ((r = account_get_by_id(txn, m->st, m->user_id, &a)) < 0)
		return r == -ENOENT ? 0 : r;
	if (a.state == ACCOUNT_REVOKED) {
		a.forget_warned_at = m->now;
		r = account_put(txn, m->st, &a);
	}
	account_clear(&a);
	return r;
}

static void
act_warn(struct forget *f, const struct due *d, int64_t now)
{
	struct mark m = { f->d->store, d->user_id, now };
	char when[TIMEFMT_LEN];
	int r;

	if ((r = store_write(f->d->store, warned_txn, &m)) < 0) {
		log_error("revoked account '%s': cannot record the warning: "
		    "%s", d->username, strerror(-r));
		return;
	}
	log_with(LOG_NOTICE, &(struct log_fields){
	    .msgid = MSGID_ACCOUNT_FORGET_SOON, .account = d->username,
	    .user_id = d->user_id },
	    "the revoked account '%s' and everything held about it will be "
	    "erased on %s; run 'threadsctl export %s' before then to keep "
	    "a copy", d->username,
	    timefmt_format(d->forget_at, when, sizeof(when)), d->username);
}

static void
log_forgotten(const struct due *d, const char *how)
{
	log_with(LOG_NOTICE, &(struct log_fields){
	    .msgid = MSGID_ACCOUNT_FORGOTTEN, .account = d->username,
	    .user_id = d->user_id },
	    "account '%s' forgotten: its owner removed the app and "
	    "[accounts] forget_revoked_after has passed; its metric history "
	    "and posts are erased%s", d->username, how);
}

/* The compaction after the erase ended (compact.c). */
static void
erased_cb(void *arg, int r, const char *err)
{
	struct due *d = arg;

	if (r == 0)
		log_forgotten(d, " and the store compacted");
	else if (r != -ECANCELED) {
		log_error("revoked account '%s': deleted, but the store could "
		    "not be compacted yet (%s); threadsd retries until it can",
		    d->username, err);
		log_forgotten(d, "");
	}
	free(d);
}

static void
act_erase(struct forget *f, const struct due *d)
{
	struct due *w;
	char err[512];
	int r;

	if ((w = malloc(sizeof(*w))) == NULL) {
		log_error("revoked account '%s': out of memory; trying again "
		    "in an hour", d->username);
		return;
	}
	*w = *d;
	if ((r = erase_account(f->d, d->user_id, erased_cb, w, err,
	    sizeof(err))) == 0)
		return;
	free(w);
	if (r < 0) {
		log_error("revoked account '%s': %s; trying again in an hour",
		    d->username, err);
		return;
	}
	log_error("revoked account '%s': deleted, but %s; the removed bytes "
	    "may remain in data.mdb until the next compaction", d->username,
	    err);
	log_forgotten(d, "");
}

static void
forget_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct forget *f = arg;
	struct scan *s;
	int i, r;

	(void)fd;
	(void)what;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		forget_arm(f, daemon_now() + 60);
		return;
	}
	s->now = daemon_now();
	s->next = s->now + RESCAN;
	if ((r = scan_index(f, s)) < 0) {
		log_error("revoked accounts: cannot read accounts: %s",
		    strerror(-r));
		s->next = s->now + 60;
	}
	for (i = 0; i < s->nwarn; i++)
		act_warn(f, &s->warn[i], s->now);
	for (i = 0; i < s->nerase; i++)
		act_erase(f, &s->erase[i]);
	forget_arm(f, s->next);
	free(s);
}

struct forget *
forget_new(struct daemon *d)
{
	struct forget *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->d = d;
	if ((f->timer = evtimer_new(d->base, forget_timer_cb, f)) == NULL) {
		free(f);
		return NULL;
	}
	forget_kick(f);
	return f;
}

void
forget_free(struct forget *f)
{
	if (f == NULL)
		return;
	event_free(f->timer);
	free(f);
}

void
forget_kick(struct forget *f)
{
	struct timeval now = { 0, 0 };

	event_add(f->timer, &now);
}

void
forget_revoked(struct forget *f, const char *user_id,
    const struct graph_error *e)
{
	struct account acct, *a = &acct;
	MDB_txn *txn;
	int64_t at;
	char when[TIMEFMT_LEN], tail[256];
	int r;

	forget_kick(f);
	if ((r = store_txn_begin(f->d->store, 1, &txn)) < 0)
		return;
	account_init(a);
	r = account_get_by_id(txn, f->d->store, user_id, a);
	mdb_txn_abort(txn);
	if (r < 0 || a->state != ACCOUNT_REVOKED) {
		account_clear(a);
		return;
	}
	at = account_forget_at(a);

	if (at > 0)
		snprintf(tail, sizeof(tail), "the account and everything held "
		    "about it will be erased on %s ([accounts] "
		    "forget_revoked_after)", timefmt_format(at, when,
		    sizeof(when)));
	else
		snprintf(tail, sizeof(tail), "the account is kept until "
		    "'threadsctl remove-account %s' ([accounts] "
		    "forget_revoked_after = 0)", a->username);
	log_with(LOG_NOTICE, &(struct log_fields){
	    .msgid = MSGID_ACCOUNT_REVOKED, .account = a->username,
	    .user_id = a->user_id, .meta_code = e->code,
	    .meta_subcode = e->subcode,
	    .fbtrace_id = e->fbtrace_id[0] ? e->fbtrace_id : NULL },
	    "the owner of '%s' removed the app in Threads' settings (Meta "
	    "code %d/%d); its token is deleted, polling and publishing "
	    "stopped, and %s; reconnecting it with 'threadsctl add-account' "
	    "keeps it", a->username, e->code, e->subcode, tail);
	account_clear(a);
}
