/*
 * The scheduler's owner and dispatcher: its timers, the table of jobs in
 * flight, the walk over the `due` index that starts them, the table from
 * step to step function, and what each step's outcome does (job.h).  The
 * publishes held for their due time and paused accounts resuming are
 * here too.  What one due post needs is scan.c's; the steps are
 * sched-stage.c, sched-quota.c, sched-publish.c and sched-check.c; how a
 * stopping step leaves its post, sched-end.c's; how changes reach the
 * store, commit.c's.
 *
 * The timer is a timerfd on CLOCK_REALTIME armed with an absolute time
 * and TFD_TIMER_CANCEL_ON_SET: due times are wall-clock instants, and a
 * clock step (or the jump after a resume from suspend) cancels the wait,
 * which makes the scheduler look at the index again.  So a post is
 * neither early when the clock jumps ahead nor forgotten when it jumps
 * back, without a periodic wake-up.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "common/timefmt.h"
#include "daemon/store/account.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/graph/http.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"
#include "daemon/store/post.h"
#include "daemon/owners/scan.h"
#include "daemon/owners/sched.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"

#define IDLE_WAKE	86400	/* armed this far when nothing is due */
#define SCAN_DELAY_NS	10000000	/* after the second's publishes */
#define WAVES_SAY_EVERY	3600	/* seconds between release_warn()s */
#define RELEASE_EARLY_NS 2000000	/* the release wakes this early */
#define RELEASE_SPIN_MAX_NS 10000000	/* and waits at most this long */

static const struct timeval quiet_max = { 0, QUIET_MAX_MS * 1000 };

static void	sched_run(struct job *);
static void	sched_scan(struct sched *);

static struct job **
job_slot(struct sched *s, uint64_t id)
{
	struct job **jp;

	for (jp = &s->jobs[id % JOB_BUCKETS]; *jp != NULL;
	    jp = &(*jp)->hnext)
		if ((*jp)->p.id == id)
			break;
	return jp;
}

int
sched_busy(const struct sched *s, uint64_t id)
{
	const struct job *j;

	for (j = s->jobs[id % JOB_BUCKETS]; j != NULL; j = j->hnext)
		if (j->p.id == id)
			return 1;
	return 0;
}

static void
sched_job_free(struct job *j)
{
	if (j->publish_out)
		sched_publish_answered(j);
	if (j->held)
		TAILQ_REMOVE(&j->s->held, j, hentry);
	graph_cancel(j->call);
	secret_free(j->token);
	post_clear(&j->p);
	free(j->after);
	free(j);
}

/*
 * The scheduler learns a post's next time when its job ends, not at each
 * commit: a job that goes on needs no wake-up for what it does itself.
 */
static void
sched_job_end(struct job *j)
{
	struct sched *s = j->s;
	struct job **jp = job_slot(s, j->p.id);
	int64_t next = j->p.next_at;

	if (*jp == j)
		*jp = j->hnext;
	s->njobs--;
	sched_job_free(j);
	sched_due(s, next);
	if (s->more)
		sched_kick(s);
}

/*
 * The held publishes.  Their due times are whole seconds; a timerfd of
 * their own fires at the earliest to the microsecond (libevent's timers
 * round to the millisecond and count from the loop's turn), and releases
 * every job whose time has come in one go.  The scan's timer fires
 * SCAN_DELAY later in the same second, so a second's publishes never
 * wait behind the work of that second's scan.
 *
 * Nor behind any other batch: from a release until its publishes are
 * answered (at most QUIET_MAX_MS), and from RELEASE_GUARD_NS before the
 * next one, the scheduler is quiet (sched_batch_waits()): the group
 * commit of the answers and the scan wait, and go on when it ends.  So
 * the answers of a second are committed together after its burst, and
 * a batch that would run into the next second's release stops short of
 * it.  Nothing changes what is on disk before a request: a post's
 * publishing intent is still committed before its publish is sent.
 *
 * The timerfd fires RELEASE_EARLY_NS before the instant, and the release
 * gathers its jobs and then waits for the instant on the clock, without
 * sleeping (release_wait()).  A CPU that has slept for a second takes
 * from a tenth of a millisecond to a few to run the release again, and
 * runs it cold (bench README: the walk of 175 held jobs alone took up
 * to 0.7 ms): that now happens before the instant, not after it.  The
 * cost is at most RELEASE_EARLY_NS of CPU a release.
 */
static void
release_arm(struct sched *s)
{
	struct itimerspec its;
	struct timeval tv;
	struct job *j;
	int64_t first = 0;

	TAILQ_FOREACH(j, &s->held, hentry)
		if (first == 0 || j->p.due_at < first)
			first = j->p.due_at;
	s->release_at = first;
	memset(&its, 0, sizeof(its));
	if (first > 0) {
		its.it_value.tv_sec = (time_t)first - 1;
		its.it_value.tv_nsec = 1000000000L - RELEASE_EARLY_NS;
	}
	if (s->rfd >= 0 && timerfd_settime(s->rfd, TFD_TIMER_ABSTIME, &its,
	    NULL) == 0)
		return;
	/* No timerfd: a libevent timer, as close as it gets. */
	if (first == 0) {
		evtimer_del(s->release);
		return;
	}
	first = (first - sched_now()) * 1000000;
	tv.tv_sec = first > 0 ? first / 1000000 : 0;
	tv.tv_usec = 0;
	event_base_update_cache_time(s->d->base);
	evtimer_add(s->release, &tv);
}

/*
 * A release of more publishes than connections were free: each of the
 * rest waits for one to come back, a round trip to Meta (one request a
 * connection: threadsd.conf(5), max_connections).  Said at most once an
 * hour; the lateness histogram counts every post.
 */
static void
release_warn(struct sched *s, int64_t due, size_t n, size_t busy)
{
	size_t cap = (size_t)s->d->cfg->api_max_connections;
	size_t avail = busy < cap ? cap - busy : 0;
	char at[TIMEFMT_LEN];

	if (n <= avail || (s->waves_said != 0 &&
	    sched_now() < s->waves_said + WAVES_SAY_EVERY))
		return;
	s->waves_said = sched_now();
	log_warning("scheduler: %zu posts were due at %s and %zu of the %zu "
	    "connections ([api] max_connections) were free: the other %zu "
	    "waited for one, a round trip to Meta each; a larger "
	    "max_connections sends such posts together (said at most once "
	    "an hour)", n, timefmt_format(due, at, sizeof(at)), avail, cap,
	    n - avail);
}

/*
 * Until the clock reads due (Unix seconds), on the CPU: never more than
 * RELEASE_SPIN_MAX_NS, whatever the clock does meanwhile.  A publish
 * still early then is held again by sched_publish_send(): never sent
 * before its time.
 */
static void
release_wait(int64_t due)
{
	struct timespec now, start, mono;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_REALTIME, &now);
		if ((int64_t)now.tv_sec >= due)
			return;
		clock_gettime(CLOCK_MONOTONIC, &mono);
		if ((mono.tv_sec - start.tv_sec) * 1000000000L +
		    (mono.tv_nsec - start.tv_nsec) > RELEASE_SPIN_MAX_NS)
			return;
	}
}

static void
release_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;
	TAILQ_HEAD(, job) ready = TAILQ_HEAD_INITIALIZER(ready);
	struct job *j, *next;
	int64_t now = sched_now(), due = s->release_at;
	size_t busy = http_in_flight(s->d->http), sent = s->publishes;
	uint64_t n;

	(void)what;
	if (fd >= 0 && read(fd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return;
	/* The timerfd's is early on purpose: the jobs due at the instant. */
	if (fd >= 0 && due > now)
		now = due;
	/* Unlinked first: a publish may end its job. */
	for (j = TAILQ_FIRST(&s->held); j != NULL; j = next) {
		next = TAILQ_NEXT(j, hentry);
		if (j->p.due_at > now)
			continue;
		TAILQ_REMOVE(&s->held, j, hentry);
		j->held = 0;
		TAILQ_INSERT_TAIL(&ready, j, hentry);
	}
	if (!TAILQ_EMPTY(&ready))
		release_wait(due);
	while ((j = TAILQ_FIRST(&ready)) != NULL) {
		TAILQ_REMOVE(&ready, j, hentry);
		sched_publish_send(j);
	}
	release_warn(s, due, s->publishes - sent, busy);
	release_arm(s);
	if (s->publishes > 0) {
		s->quiet = 1;
		evtimer_add(s->unquiet, &quiet_max);
	} else if (!s->quiet)
		event_active(s->unquiet, EV_TIMEOUT, 1);
}

static void
sched_hold(struct job *j)
{
	struct sched *s = j->s;

	TAILQ_INSERT_TAIL(&s->held, j, hentry);
	j->held = 1;
	/* The timer is armed already when it is not earlier. */
	if (s->release_at == 0 || j->p.due_at < s->release_at)
		release_arm(s);
}

/* The quiet is over: what waited for it goes on, the scan first. */
static void
sched_unquiet_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;

	(void)fd;
	(void)what;
	s->quiet = 0;
	evtimer_del(s->unquiet);
	/* Too close to the next release: after it, then. */
	if (sched_batch_waits(s))
		return;
	if (s->scan_waits) {
		s->scan_waits = 0;
		sched_scan(s);
	}
	if (!TAILQ_EMPTY(&s->pending))
		event_active(s->flush, EV_TIMEOUT, 1);
}

/* Arms the timer for when (Unix seconds); the kernel fires it at once
 * when when has passed. */
static void
sched_arm(struct sched *s, int64_t when)
{
	struct itimerspec its;
	struct timeval tv = { 0, 0 };
	int64_t now;

	if (when <= 0)
		when = sched_now() + IDLE_WAKE;
	s->armed = when;
	if (s->tfd >= 0) {
		memset(&its, 0, sizeof(its));
		its.it_value.tv_sec = (time_t)when;
		its.it_value.tv_nsec = SCAN_DELAY_NS;
		if (timerfd_settime(s->tfd, TFD_TIMER_ABSTIME |
		    TFD_TIMER_CANCEL_ON_SET, &its, NULL) == 0)
			return;
		log_warning("scheduler: timerfd_settime: %s; falling back "
		    "to a plain timer", strerror(errno));
	}
	/* A relative timer cannot see clock steps: wake at least hourly. */
	now = sched_now();
	tv.tv_sec = when > now ? when - now : 0;
	if (tv.tv_sec > 3600)
		tv.tv_sec = 3600;
	evtimer_add(s->kick, &tv);
}

void
sched_due(struct sched *s, int64_t when)
{
	if (s == NULL || when <= 0)
		return;
	if (s->armed == 0 || when < s->armed)
		sched_arm(s, when);
}

void
sched_kick(struct sched *s)
{
	struct timeval now = { 0, 0 };

	if (s != NULL)
		evtimer_add(s->kick, &now);
}

static void
sched_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;
	uint64_t n;

	(void)what;
	if (read(fd, &n, sizeof(n)) < 0) {
		if (errno == EAGAIN)
			return;
		if (errno == ECANCELED)
			log_info("scheduler: the system clock was changed; "
			    "looking at the queue again");
	}
	s->armed = 0;
	sched_scan(s);
}

static void
sched_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;

	(void)fd;
	(void)what;
	sched_scan(s);
}

/* Up to n due keys not in flight, and the first time beyond now. */
static int
sched_collect(struct sched *s, MDB_txn *txn, int64_t now, int64_t *at,
    uint64_t *ids, size_t n, size_t *ret_n, int64_t *ret_next)
{
	MDB_cursor *cur;
	MDB_val k, v;
	size_t got = 0;
	uint64_t id;
	int64_t t;
	int rc;

	*ret_next = 0;
	if ((rc = mdb_cursor_open(txn, s->d->store->due, &cur)) != 0)
		return store_errno(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 16)
			continue;
		t = (int64_t)store_get_be64(k.mv_data);
		id = store_get_be64((uint8_t *)k.mv_data + 8);
		if (sched_busy(s, id))
			continue;
		if (t > now) {
			*ret_next = t;
			break;
		}
		if (got == n) {
			s->more = 1;
			break;
		}
		at[got] = t;
		ids[got++] = id;
	}
	mdb_cursor_close(cur);
	*ret_n = got;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

/* A pass is committed: its jobs go in the table and start. */
static void
sched_start_jobs(struct sched *s, struct scan *sc, int arm, int64_t next)
{
	struct job *j;
	size_t i;

	for (i = 0; i < sc->nstart; i++) {
		j = sc->start[i];
		j->hnext = s->jobs[j->p.id % JOB_BUCKETS];
		s->jobs[j->p.id % JOB_BUCKETS] = j;
		s->njobs++;
	}
	/* Armed first: what the jobs commit can only bring it closer. */
	if (arm)
		sched_arm(s, next);
	sched_due(s, sc->next);
	for (i = 0; i < sc->nstart; i++)
		sched_run(sc->start[i]);
	sc->nstart = 0;
}

static void
sched_scan(struct sched *s)
{
	struct store *st = s->d->store;
	struct scan sc;
	int64_t at[SCAN_BATCH], next;
	uint64_t ids[SCAN_BATCH];
	char done[SCAN_BATCH];
	size_t n = 0, i, room, left = 0;
	struct job *j;
	MDB_txn *txn;
	int r, pass, skipped;

	if (sched_batch_waits(s)) {
		s->scan_waits = 1;
		return;
	}
	memset(&sc, 0, sizeof(sc));
	memset(done, 0, sizeof(done));
	sc.s = s;
	sc.now = sched_now();
	s->more = 0;
	room = MAX_JOBS - s->njobs;
	if (room > SCAN_BATCH)
		room = SCAN_BATCH;
	if ((r = store_txn_begin(st, 0, &txn)) < 0)
		goto fail;
	r = sched_collect(s, txn, sc.now, at, ids, room, &n, &next);
	if (r == 0 && n == 0) {
		/* Nothing due: nothing to write either. */
		mdb_txn_abort(txn);
		sched_arm(s, next);
		return;
	}
	/*
	 * Two passes, each committed before its requests go out: first the
	 * posts to publish now, which have a deadline, then the rest (the
	 * quota reads, container polls, permalinks of the same second).
	 */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && (r = store_txn_begin(st, 0, &txn)) < 0)
			goto fail;
		sc.nstart = 0;
		for (i = 0; r == 0 && i < n; i++) {
			if (done[i])
				continue;
			/* A release is near: what is done so far, the rest
			 * after it. */
			if (i > 0 && sched_batch_waits(s)) {
				s->scan_waits = 1;
				break;
			}
			r = scan_one(&sc, txn, at[i], ids[i], pass == 0, &j,
			    &skipped);
			done[i] = !skipped;
			left += skipped;
			if (j != NULL)
				sc.start[sc.nstart++] = j;
		}
		if (r < 0) {
			mdb_txn_abort(txn);
			goto fail;
		}
		if ((r = store_txn_commit(txn)) < 0)
			goto fail;
		sched_start_jobs(s, &sc, pass == 0, next);
		if (left == 0 || s->scan_waits)
			break;
		left = 0;
	}
	scan_clear(&sc);
	if (s->more && s->njobs < MAX_JOBS && !s->scan_waits)
		sched_kick(s);
	return;
fail:
	scan_clear(&sc);
	for (i = 0; i < sc.nstart; i++)
		sched_job_free(sc.start[i]);
	log_error("scheduler: cannot read or write the queue: %s; trying "
	    "again in 5 s", strerror(-r));
	sched_arm(s, sc.now + 5);
}

/*
 * The step of each job, by the step the scan picked for its post's state
 * (scan.c: scheduled -> STEP_STAGE, staging -> STEP_STAGE, staged ->
 * STEP_POLL, ready -> STEP_QUOTA or STEP_PUBLISH, publishing ->
 * STEP_CHECK, published -> STEP_PERMALINK), or that a step handed on.
 */
static void (*const steps[])(struct job *) = {
	[STEP_STAGE] = sched_stage_start,
	[STEP_POLL] = sched_stage_poll,
	[STEP_QUOTA] = sched_quota_step,
	[STEP_PUBLISH] = sched_publish_send,
	[STEP_CHECK] = sched_check_start,
	[STEP_SEARCH] = sched_check_search,
	[STEP_PERMALINK] = sched_publish_permalink,
	[STEP_RECOVER] = sched_check_recover,
};

static void
sched_run(struct job *j)
{
	steps[j->step](j);
}

/* What a step handed back (job.h): the dispatcher acts on it. */
static void
sched_done(struct job *j, const struct job_outcome *o)
{
	switch (o->what) {
	case JOB_END:
		sched_job_end(j);
		break;
	case JOB_NEXT:
		j->step = o->step;
		sched_run(j);
		break;
	case JOB_HOLD:
		sched_hold(j);
		break;
	case JOB_WAIT:
		sched_end_wait(j, o->at);
		break;
	case JOB_FAIL:
		sched_end_fail(j, o->e, o->why, o->advice);
		break;
	case JOB_TROUBLE:
		sched_end_trouble(j, o->e, o->why, o->back);
		break;
	case JOB_PAUSE:
		sched_end_pause(j, o->e, o->back);
		break;
	case JOB_RESTAGE:
		sched_end_restage(j, o->why);
		break;
	case JOB_REMAKE:
		sched_end_remake(j, o->e, o->why);
		break;
	}
}

struct resume {
	struct store	*st;
	const char	*user_id;
	int64_t		 now;
	int		 n;
};

static int
resume_txn(MDB_txn *txn, void *arg)
{
	struct resume *rs = arg;
	struct store *st = rs->st;
	struct post p;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t plen = strlen(rs->user_id) + 1;
	uint64_t *ids = NULL, *nids;
	size_t n = 0, i;
	int rc, r = 0;

	if ((rc = mdb_cursor_open(txn, st->account_posts, &cur)) != 0)
		return store_errno(rc);
	k.mv_size = plen;
	k.mv_data = (void *)rs->user_id;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != plen + 8 ||
		    memcmp(k.mv_data, rs->user_id, plen) != 0)
			break;
		post_init(&p);
		if (post_get(txn, st, store_get_be64((uint8_t *)k.mv_data +
		    plen), &p) == 0 && p.paused &&
		    !post_state_final(p.state)) {
			if ((nids = reallocarray(ids, n + 1,
			    sizeof(*ids))) == NULL)
				r = -ENOMEM;
			else {
				ids = nids;
				ids[n++] = p.id;
			}
		}
		post_clear(&p);
		if (r < 0)
			break;
	}
	mdb_cursor_close(cur);
	/* Written after the walk, which then needs no care for the writes. */
	for (i = 0; r == 0 && i < n; i++) {
		post_init(&p);
		if ((r = post_get(txn, st, ids[i], &p)) == 0) {
			p.paused = 0;
			p.next_at = rs->now;
			r = post_put(txn, st, &p);
			rs->n++;
		}
		post_clear(&p);
	}
	free(ids);
	return r;
}

void
sched_account_active(struct sched *s, const char *user_id)
{
	struct resume rs = { s->d->store, user_id, sched_now(), 0 };
	int r;

	if ((r = store_write(s->d->store, resume_txn, &rs)) < 0) {
		log_error("scheduler: cannot resume the posts of %s: %s",
		    user_id, strerror(-r));
		return;
	}
	if (rs.n > 0) {
		log_info("scheduler: %d paused post%s of %s resume", rs.n,
		    rs.n == 1 ? "" : "s", user_id);
		sched_kick(s);
	}
}

void
sched_forget(struct sched *s, const char *user_id)
{
	struct job **jp, *j;
	size_t i, n = 0, held = 0;

	for (i = 0; i < JOB_BUCKETS; i++)
		for (jp = &s->jobs[i]; (j = *jp) != NULL;) {
			if (strcmp(j->p.user_id, user_id) != 0) {
				jp = &j->hnext;
				continue;
			}
			*jp = j->hnext;
			s->njobs--;
			n++;
			held += j->held;
			commit_drop_job(s, j);
			sched_job_free(j);
		}
	sched_quota_forget(s, user_id);
	if (n == 0)
		return;
	log_info("scheduler: the account %s is removed: the work on %zu of "
	    "its posts ended, %zu held for their due time and never sent",
	    user_id, n, held);
	/*
	 * Their release may have been the one a waiting scan or commit is
	 * quiet for: that ends with the release, so end it here too (it
	 * waits again if another release is near).
	 */
	if (held > 0) {
		release_arm(s);
		if (!s->quiet)
			event_active(s->unquiet, EV_TIMEOUT, 1);
	}
	if (s->more)
		sched_kick(s);
}

struct sched *
sched_new(struct daemon *d)
{
	struct sched *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->d = d;
	s->done = sched_done;
	s->tfd = s->rfd = -1;
	s->tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->tfd < 0)
		log_warning("scheduler: timerfd_create: %s; clock steps are "
		    "noticed within an hour only", strerror(errno));
	TAILQ_INIT(&s->held);
	TAILQ_INIT(&s->pending);
	s->rfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if ((s->flush = event_new(d->base, -1, 0, commit_flush_cb,
	    s)) == NULL ||
	    (s->release = s->rfd >= 0 ? event_new(d->base, s->rfd,
	    EV_READ | EV_PERSIST, release_cb, s) : evtimer_new(d->base,
	    release_cb, s)) == NULL ||
	    event_priority_set(s->release, SCHED_PRIO_RELEASE) < 0 ||
	    (s->rfd >= 0 && event_add(s->release, NULL) < 0) ||
	    (s->kick = evtimer_new(d->base, sched_kick_cb, s)) == NULL ||
	    (s->unquiet = evtimer_new(d->base, sched_unquiet_cb,
	    s)) == NULL ||
	    (s->tfd >= 0 && ((s->timer = event_new(d->base, s->tfd,
	    EV_READ | EV_PERSIST, sched_timer_cb, s)) == NULL ||
	    event_add(s->timer, NULL) < 0))) {
		sched_free(s);
		return NULL;
	}
	/* The first scan finds what a crash left in staging or publishing. */
	sched_kick(s);
	return s;
}

int
sched_commits_pending(const struct sched *s)
{
	return !TAILQ_EMPTY(&s->pending);
}

void
sched_free(struct sched *s)
{
	struct job *j;
	size_t i;

	if (s == NULL)
		return;
	commit_drop_all(s);
	if (s->flush != NULL)
		event_free(s->flush);
	sched_quota_free_all(s);
	for (i = 0; i < JOB_BUCKETS; i++)
		while ((j = s->jobs[i]) != NULL) {
			s->jobs[i] = j->hnext;
			sched_job_free(j);
		}
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->release != NULL)
		event_free(s->release);
	if (s->kick != NULL)
		event_free(s->kick);
	if (s->unquiet != NULL)
		event_free(s->unquiet);
	if (s->tfd >= 0)
		close(s->tfd);
	if (s->rfd >= 0)
		close(s->rfd);
	free(s);
}
