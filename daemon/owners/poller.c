/*
 * The poller.  Everything it decides from is in the account records
 * (last poll, retry time, failure count, the post-count bookkeeping), so
 * it holds in memory only the polls in flight, the finished ones not
 * yet committed, and the ids found due by its last scan.
 *
 * The timer scans the due index (account.h: no record is read) when the
 * queue of due ones is empty and something is due (or was kicked), and
 * drives history pruning a step at a time (history.c).  A scan queues,
 * in due order, what falls due within the next LOOKAHEAD seconds (a
 * quarter of the interval at most), so that with thousands of accounts
 * spread over the interval the index is read once a minute, not every
 * second.  At most
 * poller_max() polls run at once; each one that ends frees a slot for
 * the next in the queue at once.  Finished polls are committed together,
 * up to FLUSH_BATCH in one transaction, from their own deferred event at
 * most FLUSH_DELAY_MS after the first of them, or FLUSH_BUSY_MS while
 * polls that are due wait for a slot (a round of thousands); a poll
 * someone waits for, and the last of a round, are committed at once.  A
 * commit is two fsyncs that stop the loop (tens of ms on a busy disk),
 * so a round of 10,000 makes about five, not a hundred; a crash loses at
 * most those polls, which are simply due again.
 *
 * History is pruned as it is written: committing a poll deletes that
 * account's snapshots past the retention, touching only its oldest
 * pages.  Nothing walks every account at startup, which would map a
 * page of the store per account (most of the daemon's memory with
 * 10,000 of them).  The walk over the whole history runs an hour after
 * start and then hourly, for the accounts nobody polls (waiting for
 * re-authorization); the strip walk that removes metrics turned off
 * ([poll] metrics) runs at start when the store may hold such metrics,
 * and after each hourly walk.
 *
 * An account is due at its slot: a multiple of the interval plus its own
 * offset (a hash of its id), the first one at least half an interval
 * after its last successful poll.  Stable, and spread evenly whatever
 * order the accounts came in.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>
#include <sodium.h>

#include "daemon/store/account.h"
#include "common/backoff.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/owners/history.h"
#include "daemon/graph/http.h"
#include "daemon/log.h"
#include "daemon/store/metrics.h"
#include "daemon/owners/poll.h"
#include "daemon/owners/poller.h"
#include "daemon/owners/poller-job.h"
#include "daemon/store/store.h"
#include "daemon/owners/tokens.h"

#define QUEUE_MAX	16384	/* ids taken from one scan */
#define LOOKAHEAD	60	/* seconds a scan looks ahead, at most */
#define FLUSH_BATCH	4096	/* finished polls committed together */
#define FLUSH_DELAY_MS	500
#define FLUSH_BUSY_MS	2000	/* ... while due polls wait for a slot */
#define SCAN_GAP_MS	1000	/* kicks never scan more often */
#define RESCAN		3600	/* look again at least this often */
#define RECOUNT		86400	/* count every post afresh this often */
#define RECHECK		86400	/* ask for refused insights again */
#define RETRY_BASE	60
#define THROTTLE_BASE	900
#define RETRY_MAX	(6 * 3600)
#define ROUND_LOUD	100	/* a round of this many polls is logged */
#define TOKEN_MAX	4096	/* Meta's are a few hundred bytes */
#define JOB_BUCKET(id)	((size_t)backoff_spread((id), JOB_BUCKETS))

struct waiter {
	TAILQ_ENTRY(waiter)	 entry;
	poller_done_cb		 cb;
	void			*arg;
};

static void	poller_pump(struct poller *);
static void	poller_schedule(struct poller *);
static void	poller_timer_cb(evutil_socket_t, short, void *);
static void	poller_flush_cb(evutil_socket_t, short, void *);

/* Its timers, made and freed together (daemon.h). */
#define POLLER_TIMERS(p)	((const struct daemon_timer[]){		\
	{ &(p)->timer, poller_timer_cb }, { &(p)->flush, poller_flush_cb } })

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * When a should next be polled (0: now): its first slot at least half an
 * interval after the last poll.  So a poll that came off its slot (the
 * first one, a retry, a manual one) is not followed by another within
 * seconds, and in the steady state polls are one interval apart.
 */
int64_t
poller_next_slot(const char *user_id, int64_t last, int64_t interval)
{
	int64_t base = last + interval / 2;

	if (interval <= 0)
		return last;
	return base + ((backoff_spread(user_id, interval) - base) %
	    interval + interval) % interval;
}

static int64_t
poll_due(const struct poller *p, const struct account *a)
{
	if (a->poll_retry_at > 0)
		return a->poll_retry_at;
	if (a->last_poll_at <= 0)
		return 0;
	return poller_next_slot(a->user_id, a->last_poll_at,
	    p->d->cfg->poll_interval);
}

static int64_t
retry_delay(enum graph_class class, int failures, const char *user_id)
{
	return backoff_delay(class == GRAPH_THROTTLED ? THROTTLE_BASE :
	    RETRY_BASE, RETRY_MAX, failures, user_id);
}

/* Polls at once: a quarter of the connections stay for the others. */
static int
poller_max(const struct poller *p)
{
	int n = p->d->cfg->api_max_connections;

	return n > 4 ? n - n / 4 : n;
}

/* Asked for every account a scan reads and every poll it starts. */
static struct job *
job_find(struct poller *p, const char *user_id)
{
	struct job *j;

	LIST_FOREACH(j, &p->byid[JOB_BUCKET(user_id)], bucket)
		if (strcmp(j->user_id, user_id) == 0)
			return j;
	return NULL;
}

static void
job_unlink(struct job *j)
{
	struct poller *p = j->p;

	LIST_REMOVE(j, bucket);
	if (j->finished) {
		TAILQ_REMOVE(&p->finished, j, entry);
		p->nfinished--;
	} else {
		TAILQ_REMOVE(&p->running, j, entry);
		p->nrunning--;
	}
}

/* Frees an unlinked job, telling whoever waits for it (when msg). */
static void
job_end(struct job *j, int ok, const char *msg)
{
	struct waiter *w;

	poll_free(j->poll);
	while ((w = TAILQ_FIRST(&j->waiters)) != NULL) {
		TAILQ_REMOVE(&j->waiters, w, entry);
		if (msg != NULL)
			w->cb(w->arg, ok, msg);
		free(w);
	}
	free(j);
}

static void
job_done_cb(struct poll *poll, void *arg)
{
	struct job *j = arg;
	struct poller *p = j->p;
	int64_t ms = FLUSH_DELAY_MS;
	struct timeval tv;

	(void)poll;
	TAILQ_REMOVE(&p->running, j, entry);
	p->nrunning--;
	j->finished = 1;
	TAILQ_INSERT_TAIL(&p->finished, j, entry);
	p->nfinished++;
	if (!TAILQ_EMPTY(&j->waiters) || p->nfinished >= FLUSH_BATCH ||
	    (p->nrunning == 0 && p->qhead == p->qlen))
		event_active(p->flush, EV_TIMEOUT, 1);
	else if (!event_pending(p->flush, EV_TIMEOUT, NULL)) {
		if (p->qhead < p->qlen &&
		    p->queue[p->qhead].at <= daemon_now())
			ms = FLUSH_BUSY_MS;
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		event_add(p->flush, &tv);
	}
	poller_pump(p);
	poller_schedule(p);
}

/*
 * Starts polling user_id: reads its record and token, decides what the
 * poll asks for.  -ENOENT: gone; -EPERM: not active; -EALREADY: queued,
 * but no longer due (polled meanwhile), unless forced.
 */
static int
job_start(struct poller *p, const char *user_id, int force,
    struct job **ret_job)
{
	struct daemon *d = p->d;
	struct poll_plan plan;
	struct account a;
	struct job *j;
	MDB_txn *txn;
	int64_t now = daemon_now();
	char tok[TOKEN_MAX];
	size_t toklen = 0;
	int r;

	if ((r = store_txn_begin(d->store, 1, &txn)) < 0)
		return r;
	account_init(&a);
	r = account_get_by_id(txn, d->store, user_id, &a);
	if (r == 0 && a.state != ACCOUNT_ACTIVE)
		r = -EPERM;
	if (r == 0 && !force && poll_due(p, &a) > now + 1)
		r = -EALREADY;
	if (r == 0 && (r = account_token_read(txn, d->store, d->seal,
	    a.user_id, tok, sizeof(tok))) >= 0) {
		toklen = (size_t)r + 1;
		r = 0;
	}
	mdb_txn_abort(txn);
	if (r < 0 || (j = calloc(1, sizeof(*j))) == NULL) {
		sodium_memzero(tok, toklen);
		account_clear(&a);
		return r < 0 ? r : -ENOMEM;
	}
	j->p = p;
	memcpy(j->user_id, a.user_id, sizeof(j->user_id));
	snprintf(j->username, sizeof(j->username), "%s", a.username);
	j->token_issued_at = a.token_issued_at;
	j->insights_before = a.insights_refused;
	TAILQ_INIT(&j->waiters);
	plan.insights_level = a.insights_refused;
	if (plan.insights_level > ACCOUNT_REFUSED_NONE &&
	    now - a.insights_refused_at >= RECHECK)
		plan.insights_level = ACCOUNT_REFUSED_NONE;
	plan.metrics = d->cfg->poll_metrics;
	plan.full_count = a.media < 0 || a.media_counted_at <= 0 ||
	    now >= a.media_counted_at + RECOUNT +
	    backoff_spread(a.user_id, RECOUNT / 4);
	j->poll = poll_start(d->graph, &a, tok, &plan, job_done_cb, j);
	sodium_memzero(tok, toklen);
	account_clear(&a);
	if (j->poll == NULL) {
		free(j);
		return -ENOMEM;
	}
	TAILQ_INSERT_TAIL(&p->running, j, entry);
	LIST_INSERT_HEAD(&p->byid[JOB_BUCKET(j->user_id)], j, bucket);
	p->nrunning++;
	if (ret_job != NULL)
		*ret_job = j;
	return 0;
}

/* Starts the queued polls that are due while there is room. */
static void
poller_pump(struct poller *p)
{
	int64_t now = daemon_now();
	const char *id;
	int r;

	while (p->nrunning < poller_max(p) && p->qhead < p->qlen &&
	    p->queue[p->qhead].at <= now) {
		id = p->queue[p->qhead++].user_id;
		if (job_find(p, id) != NULL)
			continue;
		r = job_start(p, id, 0, NULL);
		if (r < 0 && r != -ENOENT && r != -EPERM && r != -EALREADY)
			log_with(LOG_ERR, &(struct log_fields){ .user_id = id },
			    "poller: cannot start polling user id %s: %s",
			    id, strerror(-r));
	}
}

/* Applies one finished poll to its account record. */
static int
commit_one(MDB_txn *txn, struct poller *p, struct job *j, int64_t now)
{
	struct store *st = p->d->store;
	const struct poll_result *res = poll_result(j->poll);
	const struct account *n = &res->acct;
	struct account was, a;
	int64_t due;
	int r;

	/* a becomes the new record; was is the stored one, for its indexes. */
	account_init(&was);
	account_init(&a);
	if ((r = account_get_by_id(txn, st, j->user_id, &was)) == -ENOENT) {
		j->out = OUT_GONE;
		return 0;
	}
	if (r == 0 && was.state != ACCOUNT_ACTIVE) {
		j->out = OUT_GONE;
		account_clear(&was);
		return 0;
	}
	if (r < 0 || (r = account_copy(&a, &was)) < 0) {
		account_clear(&was);
		return r;
	}
	j->failures = a.poll_failures;
	if (res->err.class == GRAPH_OK) {
		j->out = OUT_OK;
		if ((n->username != NULL &&
		    (r = account_set_str(&a.username, n->username)) < 0) ||
		    (r = account_set_str(&a.name, n->name)) < 0 ||
		    (r = account_set_str(&a.picture_url, n->picture_url)) < 0)
			goto out;
		a.followers = n->followers;
		a.media = n->media;
		a.insights_refused = n->insights_refused;
		a.insights_refused_at = n->insights_refused_at;
		a.media_counted_at = n->media_counted_at;
		a.media_newest_at = n->media_newest_at;
		a.media_newest_n = n->media_newest_n;
		a.last_poll_at = res->snap.at;
		a.poll_retry_at = 0;
		a.poll_failures = 0;
		j->insights_after = a.insights_refused;
		if ((r = metrics_put(txn, st, a.user_id, &res->snap)) < 0 ||
		    (r = metrics_prune_account(txn, st, a.user_id,
		    now - p->d->cfg->poll_history_retention, HISTORY_BUDGET,
		    &p->pruned)) < 0)
			goto out;
	} else if (res->err.class == GRAPH_AUTH &&
	    (a.token_issued_at != j->token_issued_at ||
	    tokens_auth_stale(p->d->tokens, j->user_id, NULL))) {
		/* The token keeper replaced (or is replacing) the token. */
		j->out = OUT_REFRESHED;
		a.poll_retry_at = now + 5;
	} else if (graph_error_is_revoked(&res->err)) {
		j->out = OUT_REVOKED;
		r = account_revoke(txn, st, &a, now);
		goto out;
	} else if (res->err.class == GRAPH_AUTH) {
		j->out = OUT_REAUTH;
		a.state = ACCOUNT_REAUTH_REQUIRED;
		a.refresh_retry_at = 0;
	} else {
		j->out = OUT_FAILED;
		a.poll_failures++;
		j->failures = a.poll_failures;
		a.poll_retry_at = now + retry_delay(res->err.class,
		    a.poll_failures, a.user_id);
		j->retry_at = a.poll_retry_at;
	}
	if ((r = account_update(txn, st, &was, &a)) < 0)
		goto out;
	if (a.state == ACCOUNT_ACTIVE && (due = poll_due(p, &a)) < p->scan_at)
		p->scan_at = due;
out:
	account_clear(&was);
	account_clear(&a);
	return r;
}

static int
commit_txn(MDB_txn *txn, void *arg, int64_t now)
{
	struct poller *p = arg;
	struct job *j;
	int r;

	TAILQ_FOREACH(j, &p->finished, entry)
		if ((r = commit_one(txn, p, j, now)) < 0)
			return r;
	/* So that turning a metric off later strips it from these too. */
	return metrics_held_add(txn, p->d->store, p->d->cfg->poll_metrics);
}

/* Commits every finished poll in one transaction, then reports them. */
static void
poller_flush(struct poller *p)
{
	int64_t now = daemon_now();
	struct job *j;
	char msg[512];
	int ok, r;

	event_del(p->flush);
	if (p->nfinished == 0)
		return;
	p->pruned = 0;
	if ((r = store_write_at(p->d->store, commit_txn, p, now)) < 0) {
		log_error("poller: cannot save %d poll result%s: %s",
		    p->nfinished, p->nfinished == 1 ? "" : "s", strerror(-r));
		snprintf(msg, sizeof(msg), "the poll's result could not be "
		    "saved: %s", strerror(-r));
		while ((j = TAILQ_FIRST(&p->finished)) != NULL) {
			job_unlink(j);
			job_end(j, 0, msg);
		}
		/* Nothing changed, so they are all due: not at once. */
		p->scan_at = now + 60;
		return;
	}
	while ((j = TAILQ_FIRST(&p->finished)) != NULL) {
		job_unlink(j);
		ok = poller_report_job(j, msg, sizeof(msg));
		p->round_n++;
		p->round_failed += !ok;
		job_end(j, ok, msg);
	}
	p->round_pruned += p->pruned;
	if (!p->round)
		poller_report_pruned(p, now);
}

/*
 * A round ends when what its scans found is done: the first one after a
 * start polls every overdue account at once, which an operator (and the
 * benchmark) wants to see.  Small rounds are routine.
 */
static void
round_check(struct poller *p)
{
	int64_t ms;

	if (!p->round || p->capped || p->qhead < p->qlen ||
	    p->nrunning > 0 || p->nfinished > 0)
		return;
	ms = mono_ms() - p->round_ms;
	/* Connections are TLS handshakes with Meta: few, or a cost. */
	log_msg(p->round_overdue >= ROUND_LOUD ? LOG_INFO : LOG_DEBUG,
	    "poller: polled %d account%s in %" PRId64 ".%03d s "
	    "(%d failed), %" PRIu64 " new connection%s", p->round_n,
	    p->round_n == 1 ? "" : "s", ms / 1000, (int)(ms % 1000),
	    p->round_failed, http_connections(p->d->http) - p->round_conns,
	    http_connections(p->d->http) - p->round_conns == 1 ? "" : "s");
	poller_report_pruned(p, daemon_now());
	p->round = 0;
}

static void
poller_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct poller *p = arg;

	(void)fd;
	(void)what;
	poller_flush(p);
	poller_pump(p);
	round_check(p);
	poller_schedule(p);
}

struct scan {
	struct poller	*p;
	int64_t		 now;
	int64_t		 until;		/* queue what is due by then */
	int64_t		 next;		/* the first due after that */
	int		 overdue;
};

/* One account found in the due index: queued if due by s->until. */
static int
scan_one(struct scan *s, const char *user_id, int64_t due)
{
	struct poller *p = s->p;
	struct due *q;

	if (job_find(p, user_id) != NULL)
		return 0;
	if (due > s->until) {
		if (due < s->next)
			s->next = due;
		return 0;
	}
	if (p->qlen == QUEUE_MAX) {
		s->next = s->now;	/* look again once these are done */
		p->capped = 1;
		return 1;
	}
	q = &p->queue[p->qlen++];
	q->at = due;
	snprintf(q->user_id, sizeof(q->user_id), "%s", user_id);
	s->overdue += due <= s->now;
	return 0;
}

static int
scan_retry(const char *user_id, int64_t at, void *arg)
{
	return scan_one(arg, user_id, at);
}

static int
scan_last(const char *user_id, int64_t last, void *arg)
{
	struct scan *s = arg;

	return scan_one(s, user_id, last <= 0 ? 0 : poller_next_slot(user_id,
	    last, s->p->d->cfg->poll_interval));
}

/*
 * The due index, not the records: retries by their time, the others by
 * their last poll, of which the next slot is at least half an interval
 * later (poller_next_slot()).
 */
static int
scan_index(struct scan *s)
{
	struct store *st = s->p->d->store;
	int64_t half = s->p->d->cfg->poll_interval / 2, next;
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(st, 1, &txn)) < 0)
		return r;
	r = account_due_each(txn, st, ACCOUNT_DUE_POLL_RETRY, s->until,
	    scan_retry, s, &next);
	if (r == 0 && next < s->next)
		s->next = next;
	if (r == 0)
		r = account_due_each(txn, st, ACCOUNT_DUE_POLL_LAST,
		    s->until - half, scan_last, s, &next);
	if (r == 0 && next != INT64_MAX && next + half < s->next)
		s->next = next + half;
	mdb_txn_abort(txn);
	return r < 0 ? r : 0;
}

static int
due_cmp(const void *a, const void *b)
{
	const struct due *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

static void
poller_scan(struct poller *p, int64_t now)
{
	int64_t ahead = p->d->cfg->poll_interval / 4;
	struct scan s = { p, now, now + (ahead < LOOKAHEAD ? ahead :
	    LOOKAHEAD), now + RESCAN, 0 };
	int r;

	/* Polls done but not committed would look due. */
	poller_flush(p);
	round_check(p);
	p->qhead = p->qlen = 0;
	p->capped = 0;
	p->last_scan_ms = mono_ms();
	if ((r = scan_index(&s)) < 0) {
		log_error("poller: cannot read accounts: %s", strerror(-r));
		s.next = now + 60;
	}
	qsort(p->queue, p->qlen, sizeof(*p->queue), due_cmp);
	p->scan_at = s.next;
	if (p->qlen > 0 && !p->round) {
		p->round = 1;
		p->round_n = p->round_failed = p->round_overdue = 0;
		p->round_ms = p->last_scan_ms;
		p->round_conns = http_connections(p->d->http);
	}
	p->round_overdue += s.overdue;
}

/* Arms the timer ms from now, unless it is armed to fire sooner. */
static void
poller_arm_ms(struct poller *p, int64_t ms)
{
	int64_t target = mono_ms() + (ms > 0 ? ms : 0);
	struct timeval tv;

	if (p->armed && p->armed_ms <= target)
		return;
	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_add(p->timer, &tv);
	p->armed = 1;
	p->armed_ms = target;
}

/* Arms the timer on the earliest of: a pruning step, a scan. */
static void
poller_schedule(struct poller *p)
{
	int64_t now = daemon_now(), ms, gap;

	poller_arm_ms(p, history_next_ms(&p->hist, now));
	if (p->qhead < p->qlen) {
		/* When full, polls ending start the queued ones. */
		if (p->nrunning < poller_max(p))
			poller_arm_ms(p, (p->queue[p->qhead].at - now) * 1000);
		return;
	}
	ms = (p->scan_at - now) * 1000;
	gap = p->last_scan_ms + SCAN_GAP_MS - mono_ms();
	poller_arm_ms(p, ms > gap ? ms : gap);
}

static void
poller_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct poller *p = arg;
	int64_t now = daemon_now();

	(void)fd;
	(void)what;
	p->armed = 0;
	history_step(&p->hist, now);
	if (p->qhead == p->qlen && now >= p->scan_at &&
	    mono_ms() - p->last_scan_ms >= SCAN_GAP_MS)
		poller_scan(p, now);
	poller_pump(p);
	round_check(p);
	poller_schedule(p);
}

struct poller *
poller_new(struct daemon *d)
{
	struct poller *p;
	size_t i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->d = d;
	TAILQ_INIT(&p->running);
	TAILQ_INIT(&p->finished);
	for (i = 0; i < JOB_BUCKETS; i++)
		LIST_INIT(&p->byid[i]);
	p->last_scan_ms = mono_ms() - SCAN_GAP_MS;
	p->scan_at = daemon_now();
	history_init(&p->hist, d, p->scan_at);
	if ((p->queue = calloc(QUEUE_MAX, sizeof(*p->queue))) == NULL ||
	    daemon_timers_new(d, POLLER_TIMERS(p), 2, p) < 0) {
		poller_free(p);
		return NULL;
	}
	poller_arm_ms(p, 0);
	return p;
}

void
poller_free(struct poller *p)
{
	struct job *j;

	if (p == NULL)
		return;
	while ((j = TAILQ_FIRST(&p->running)) != NULL) {
		job_unlink(j);
		job_end(j, 0, NULL);
	}
	while ((j = TAILQ_FIRST(&p->finished)) != NULL) {
		job_unlink(j);
		job_end(j, 0, NULL);
	}
	daemon_timers_free(POLLER_TIMERS(p), 2);
	free(p->queue);
	free(p);
}

/* The queue may be stale now: the next scan makes a new one. */
void
poller_kick(struct poller *p)
{
	p->qhead = p->qlen = 0;
	p->scan_at = daemon_now();
	poller_schedule(p);
}

int
poller_poll_now(struct poller *p, const char *user_id, poller_done_cb cb,
    void *arg)
{
	struct waiter *w;
	struct job *j;
	int r;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	w->cb = cb;
	w->arg = arg;
	if ((j = job_find(p, user_id)) == NULL &&
	    (r = job_start(p, user_id, 1, &j)) < 0) {
		free(w);
		return r;
	}
	TAILQ_INSERT_TAIL(&j->waiters, w, entry);
	if (j->finished)
		event_active(p->flush, EV_TIMEOUT, 1);
	return 0;
}

void
poller_forget(struct poller *p, const char *user_id)
{
	struct job *j;

	if ((j = job_find(p, user_id)) == NULL)
		return;
	job_unlink(j);
	job_end(j, 0, "the account was removed");
	poller_schedule(p);
}
