/*
 * The scheduler's owner: one timer on the earliest `due` key, the scan
 * that decides what each due post needs, and the table of jobs in flight.
 *
 * The timer is a timerfd on CLOCK_REALTIME armed with an absolute time
 * and TFD_TIMER_CANCEL_ON_SET: due times are wall-clock instants, and a
 * clock step (or the jump after a resume from suspend) cancels the wait,
 * which makes the scheduler look at the index again.  So a post is
 * neither early when the clock jumps ahead nor forgotten when it jumps
 * back, without a periodic wake-up.
 *
 * A scan walks `due` from the start.  Keys at or before now belong to
 * posts in flight (skipped: a job keeps its key until it commits the next
 * one, so a crash leaves every post of staging or publishing reachable
 * from the start of the index) or to posts whose time has come.  For
 * those it writes, in one transaction, every transition that must be on
 * disk before its request goes out (scheduled -> staging, ready ->
 * publishing), and only after the commit starts the jobs.  The walk stops
 * at the first key in the future: that is the next wake-up.  A scan thus
 * costs the posts in flight plus those due, never the whole queue.
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

#include "account.h"
#include "config.h"
#include "daemon.h"
#include "job.h"
#include "log.h"
#include "post.h"
#include "sched.h"
#include "secret.h"
#include "store.h"

#define MAX_JOBS	1024	/* posts worked on at once */
#define SCAN_BATCH	512	/* posts started per scan */
#define JOB_BUCKETS	1024
#define IDLE_WAKE	86400	/* armed this far ahead when nothing is due */
#define RETRY_CAP	3600
#define ACACHE		16
#define SCAN_DELAY_NS	10000000	/* after the second's publishes */

struct commit;

/* An account's quota as Meta last told it (see sched_quota_room()). */
struct quota {
	struct quota	*next;
	char		 user_id[GRAPH_ID_LEN];
	int64_t		 at;
	int64_t		 used[2];	/* posts, replies */
	int64_t		 total[2];
};
#define QUOTA_BUCKETS	1024

struct sched {
	struct daemon	*d;
	struct quota	*quotas[QUOTA_BUCKETS];
	int		 tfd;		/* -1: plain libevent timer */
	int		 rfd;		/* the release timerfd; -1: none */
	struct event	*timer;
	struct event	*kick;
	int64_t		 armed;		/* 0: not armed */
	struct event	*release;	/* the held publishes' timer */
	struct event	*flush;		/* the group commit */
	TAILQ_HEAD(, commit) pending;
	TAILQ_HEAD(, job) held;
	int		 more;		/* the last scan left due posts */
	size_t		 njobs;
	struct job	*jobs[JOB_BUCKETS];
};

struct daemon *
sched_daemon(const struct sched *s)
{
	return s->d;
}

int64_t
sched_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

static struct quota **
quota_slot(struct sched *s, const char *user_id)
{
	uint64_t h = 1469598103934665603ULL;
	struct quota **qp;
	const char *c;

	for (c = user_id; *c != '\0'; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	for (qp = &s->quotas[h % QUOTA_BUCKETS]; *qp != NULL;
	    qp = &(*qp)->next)
		if (strcmp((*qp)->user_id, user_id) == 0)
			break;
	return qp;
}

int
sched_quota_room(struct sched *s, const char *user_id, int reply)
{
	struct quota *q = *quota_slot(s, user_id);

	if (q == NULL || q->at + QUOTA_FRESH < sched_now() ||
	    q->total[reply] <= 0 || q->used[reply] < 0)
		return 0;
	return q->used[reply] < q->total[reply];
}

void
sched_quota_note(struct sched *s, const char *user_id,
    const struct graph_quota *gq)
{
	struct quota **qp = quota_slot(s, user_id), *q = *qp;

	if (q == NULL) {
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return;
		snprintf(q->user_id, sizeof(q->user_id), "%s", user_id);
		*qp = q;
	}
	q->at = sched_now();
	q->used[0] = gq->posts_used;
	q->total[0] = gq->posts_total;
	q->used[1] = gq->replies_used;
	q->total[1] = gq->replies_total;
}

void
sched_quota_used(struct sched *s, const char *user_id, int reply, int full)
{
	struct quota *q = *quota_slot(s, user_id);

	if (q == NULL || q->used[reply] < 0)
		return;
	if (full)
		q->used[reply] = q->total[reply];
	else
		q->used[reply]++;
}

int
sched_max_attempts(const struct sched *s)
{
	return s->d->cfg->sched_max_attempts;
}

int64_t
sched_quota_retry(const struct sched *s)
{
	return s->d->cfg->sched_quota_retry;
}

int64_t
sched_backoff(const struct sched *s, int tries)
{
	int64_t d = s->d->cfg->sched_retry_delay;
	int i;

	for (i = 1; i < tries && d < RETRY_CAP; i++)
		d *= 2;
	if (d > RETRY_CAP)
		d = RETRY_CAP;
	/* Up to a quarter more, so that posts failing together spread. */
	return d + (int64_t)randombytes_uniform((uint32_t)(d / 4 + 1));
}

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
job_free(struct job *j)
{
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
void
job_end(struct job *j)
{
	struct sched *s = j->s;
	struct job **jp = job_slot(s, j->p.id);
	int64_t next = j->p.next_at;

	if (*jp == j)
		*jp = j->hnext;
	s->njobs--;
	job_free(j);
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
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)first;
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

static void
release_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;
	TAILQ_HEAD(, job) ready = TAILQ_HEAD_INITIALIZER(ready);
	struct job *j, *next;
	int64_t now = sched_now();
	uint64_t n;

	(void)what;
	if (fd >= 0 && read(fd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return;
	/* Unlinked first: a publish may end its job. */
	for (j = TAILQ_FIRST(&s->held); j != NULL; j = next) {
		next = TAILQ_NEXT(j, hentry);
		if (j->p.due_at > now)
			continue;
		TAILQ_REMOVE(&s->held, j, hentry);
		j->held = 0;
		TAILQ_INSERT_TAIL(&ready, j, hentry);
	}
	while ((j = TAILQ_FIRST(&ready)) != NULL) {
		TAILQ_REMOVE(&ready, j, hentry);
		step_publish(j);
	}
	release_arm(s);
}

void
sched_hold(struct job *j)
{
	TAILQ_INSERT_TAIL(&j->s->held, j, hentry);
	j->held = 1;
	release_arm(j->s);
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

/* Accounts met during one scan, so that a burst costs one read each. */
struct acache {
	struct account	 a[ACACHE];
	int		 found[ACACHE];
	size_t		 n, next;
};

static const struct account *
acache_get(struct acache *ac, MDB_txn *txn, struct store *st,
    const char *user_id)
{
	size_t i;

	for (i = 0; i < ac->n; i++)
		if (strcmp(ac->a[i].user_id, user_id) == 0)
			return ac->found[i] ? &ac->a[i] : NULL;
	if (ac->n < ACACHE)
		i = ac->n++;
	else {
		i = ac->next++ % ACACHE;
		account_clear(&ac->a[i]);
	}
	account_init(&ac->a[i]);
	ac->found[i] = account_get(txn, st, user_id, &ac->a[i]) == 0 &&
	    strcmp(ac->a[i].user_id, user_id) == 0;
	if (!ac->found[i])
		snprintf(ac->a[i].user_id, sizeof(ac->a[i].user_id), "%s",
		    user_id);
	return ac->found[i] ? &ac->a[i] : NULL;
}

static void
acache_clear(struct acache *ac)
{
	size_t i;

	for (i = 0; i < ac->n; i++)
		account_clear(&ac->a[i]);
}

/* One scan's work: the jobs to start once the transaction commits. */
struct scan {
	struct sched	*s;
	int64_t		 now;
	int64_t		 next;		/* earliest new next_at in future */
	struct acache	 ac;
	struct job	*start[SCAN_BATCH];
	size_t		 nstart;
};

static void
scan_next(struct scan *sc, int64_t at)
{
	if (at > sc->now && (sc->next == 0 || at < sc->next))
		sc->next = at;
}

static int
drop_due_key(MDB_txn *txn, struct store *st, int64_t at, uint64_t id)
{
	uint8_t key[16];
	MDB_val k = { sizeof(key), key };
	int rc;

	store_be64(key, (uint64_t)at);
	store_be64(key + 8, id);
	rc = mdb_del(txn, st->due, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

static struct job *
job_new(struct sched *s, MDB_txn *txn, const struct post *p,
    const struct account *a, enum job_step step)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->s = s;
	j->step = step;
	post_init(&j->p);
	snprintf(j->username, sizeof(j->username), "%s", a->username);
	post_id_str(p->id, j->idstr);
	if (post_copy(&j->p, p) < 0 ||
	    account_token_get(txn, s->d->store, s->d->seal, p->user_id,
	    &j->token) < 0) {
		post_clear(&j->p);
		free(j);
		return NULL;
	}
	return j;
}

/* The parent a reply waits for.  1: go on, 0: wait or failed (written). */
static int
reply_ready(struct scan *sc, MDB_txn *txn, struct post *p)
{
	struct store *st = sc->s->d->store;
	struct post parent;
	char why[160];
	int r;

	if (p->reply_to_post == 0 || p->reply_to[0] != '\0')
		return 1;
	post_init(&parent);
	r = post_get(txn, st, p->reply_to_post, &parent);
	if (r == 0 && parent.state == POST_PUBLISHED &&
	    parent.media_id[0] != '\0') {
		strcpy(p->reply_to, parent.media_id);
		post_clear(&parent);
		return 1;
	}
	why[0] = '\0';
	if (r == -ENOENT)
		snprintf(why, sizeof(why), "the post it replies to (%" PRIu64
		    ") no longer exists", p->reply_to_post);
	else if (r == 0 && (parent.state == POST_FAILED ||
	    parent.state == POST_CANCELLED))
		snprintf(why, sizeof(why), "the post it replies to (%" PRIu64
		    ") was %s", p->reply_to_post,
		    post_state_names[parent.state]);
	else if (r == 0 && parent.state == POST_PUBLISHED)
		snprintf(why, sizeof(why), "the post it replies to (%" PRIu64
		    ") was published but its media id is unknown; schedule "
		    "the reply again with --reply-to MEDIA_ID",
		    p->reply_to_post);
	post_clear(&parent);
	if (why[0] != '\0') {
		p->state = POST_FAILED;
		p->next_at = 0;
		post_set_str(&p->error, why);
		log_with(LOG_ERR, &(struct log_fields){
		    .msgid = MSGID_POST_FAILED, .user_id = p->user_id },
		    "post %" PRIu64 " failed: %s", p->id, why);
	} else
		p->next_at = sc->now + PARENT_RECHECK;
	return 0;
}

/* Whether a ready post is to be published now (not failed, deferred). */
static int
publishable(struct scan *sc, const struct post *p)
{
	return p->state == POST_READY && sc->now >= p->due_at - PUBLISH_LEAD &&
	    p->attempts < sched_max_attempts(sc->s) &&
	    ((p->quota_ok_at != 0 &&
	    p->quota_ok_at >= sc->now - QUOTA_LEAD - 30) ||
	    sched_quota_room(sc->s, p->user_id, p->reply_to[0] != '\0'));
}

/*
 * What a due post needs.  Writes what must be on disk first and returns
 * the job to start, or NULL when the post only needed a write (or
 * nothing).  With only_publish, a post that is not to be published now
 * is left alone (*ret_skipped set): the publishes go first.
 */
static int
scan_one(struct scan *sc, MDB_txn *txn, int64_t at, uint64_t id,
    int only_publish, struct job **ret_job, int *ret_skipped)
{
	struct sched *s = sc->s;
	struct store *st = s->d->store;
	const struct account *a;
	struct post p;
	enum job_step step;
	int r, go = 1;

	*ret_job = NULL;
	*ret_skipped = 0;
	post_init(&p);
	if ((r = post_get(txn, st, id, &p)) == 0 && only_publish) {
		a = acache_get(&sc->ac, txn, st, p.user_id);
		if (p.next_at != at || a == NULL ||
		    a->state != ACCOUNT_ACTIVE || !publishable(sc, &p)) {
			post_clear(&p);
			*ret_skipped = 1;
			return 0;
		}
	} else if (only_publish) {
		*ret_skipped = 1;
		return 0;
	}
	if (r < 0) {
		if (r != -ENOENT)
			log_error("post %" PRIu64 ": damaged record (%s); "
			    "dropped from the schedule", id, strerror(-r));
		return drop_due_key(txn, st, at, id);
	}
	if (p.next_at != at) {
		/* A key the record does not name: a leftover. */
		post_clear(&p);
		return drop_due_key(txn, st, at, id);
	}
	a = acache_get(&sc->ac, txn, st, p.user_id);
	if (post_state_final(p.state)) {
		if (p.state == POST_PUBLISHED && a != NULL) {
			step = STEP_PERMALINK;
			go = 0;
			goto start;
		}
		p.next_at = 0;
		goto write;
	}
	if (a == NULL || a->state == ACCOUNT_REAUTH_REQUIRED) {
		/* Re-checked hourly, and at once when reconnected. */
		p.paused = 1;
		p.next_at = sc->now + PAUSE_RECHECK;
		goto write;
	}
	p.paused = 0;
	switch (p.state) {
	case POST_SCHEDULED:
		if (!reply_ready(sc, txn, &p))
			goto write;
		p.state = POST_STAGING;
		p.next_at = sc->now;
		step = STEP_STAGE;
		break;
	case POST_STAGING:
		/* Only a crash leaves one here: its containers are lost. */
		log_info("post %" PRIu64 ": was staging when threadsd "
		    "stopped; creating its containers again", p.id);
		p.nchildren = 0;
		p.container[0] = '\0';
		go = 0;
		step = STEP_STAGE;
		break;
	case POST_STAGED:
		step = STEP_POLL;
		go = 0;
		break;
	case POST_READY:
		if (p.attempts >= sched_max_attempts(s)) {
			p.state = POST_FAILED;
			p.next_at = 0;
			log_with(LOG_ERR, &(struct log_fields){
			    .msgid = MSGID_POST_FAILED, .account = a->username,
			    .user_id = p.user_id },
			    "post %" PRIu64 " of '%s' failed after %d publish "
			    "attempts (%s); run 'threadsctl retry %" PRIu64 "' "
			    "to try again", p.id, a->username, p.attempts,
			    p.error != NULL ? p.error : "no reason given",
			    p.id);
			goto write;
		}
		if ((p.quota_ok_at == 0 ||
		    p.quota_ok_at < sc->now - QUOTA_LEAD - 30) &&
		    !sched_quota_room(s, p.user_id, p.reply_to[0] != '\0')) {
			step = STEP_QUOTA;
			go = 0;
			break;
		}
		if (p.quota_ok_at < sc->now - QUOTA_LEAD - 30)
			p.quota_ok_at = sc->now;	/* known to have room */
		if (sc->now < p.due_at - PUBLISH_LEAD) {
			p.next_at = p.due_at - PUBLISH_LEAD;
			goto write;
		}
		/* The announcement of the publish, before it is sent. */
		p.state = POST_PUBLISHING;
		p.attempts++;
		p.publish_at = sc->now > p.due_at ? sc->now : p.due_at;
		p.check = 0;
		p.next_at = sc->now;
		step = STEP_PUBLISH;
		break;
	case POST_PUBLISHING:
		/* Not in flight: its outcome is unknown (crash, timeout). */
		if (!p.check)
			log_notice("post %" PRIu64 ": its publish request was "
			    "in flight when threadsd stopped; reading the "
			    "container's status before anything else", p.id);
		step = STEP_CHECK;
		go = 0;
		break;
	default:
		p.next_at = 0;
		goto write;
	}
start:
	if ((*ret_job = job_new(s, txn, &p, a, step)) == NULL) {
		/* No token or no memory: look again later. */
		log_warning("post %" PRIu64 ": cannot start (%s); trying "
		    "again in a minute", p.id, a == NULL ? "no account" :
		    "no token or out of memory");
		p.next_at = sc->now + 60;
		go = 1;
	}
	if (!go) {
		post_clear(&p);
		return 0;
	}
write:
	scan_next(sc, p.next_at);
	r = post_put(txn, st, &p);
	if (r == 0 && p.state == POST_FAILED && p.nreplies > 0) {
		r = sched_wake_replies(txn, st, &p, sc->now);
		s->more = 1;	/* look at them after this commit */
	}
	if (r == 0 && *ret_job != NULL)
		r = post_copy(&(*ret_job)->p, &p);
	post_clear(&p);
	return r;
}

/* Up to n due keys not in flight, and the first time beyond now. */
static int
scan_collect(struct sched *s, MDB_txn *txn, int64_t now, int64_t *at,
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
scan_start(struct sched *s, struct scan *sc, int arm, int64_t next)
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
		job_run(sc->start[i]);
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
	r = scan_collect(s, txn, sc.now, at, ids, room, &n, &next);
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
		scan_start(s, &sc, pass == 0, next);
		if (left == 0)
			break;
		left = 0;
	}
	acache_clear(&sc.ac);
	if (s->more && s->njobs < MAX_JOBS)
		sched_kick(s);
	return;
fail:
	acache_clear(&sc.ac);
	for (i = 0; i < sc.nstart; i++)
		job_free(sc.start[i]);
	log_error("scheduler: cannot read or write the queue: %s; trying "
	    "again in 5 s", strerror(-r));
	sched_arm(s, sc.now + 5);
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

/* One change to one post, now or at the next group commit. */
struct commit {
	TAILQ_ENTRY(commit) entry;
	struct job	*j;
	job_change_fn	 fn;
	void		*arg;
	job_then_fn	 then;
	struct post	 p;
	int		 r;
};

static int
commit_txn(MDB_txn *txn, void *arg)
{
	struct commit *c = arg;
	struct store *st = c->j->s->d->store;
	int r;

	if ((r = post_get(txn, st, c->j->p.id, &c->p)) < 0)
		return r == -ENOENT ? -ESTALE : r;
	if (c->p.state != c->j->p.state)
		return -ESTALE;
	if ((r = c->fn(txn, st, &c->p, c->arg)) < 0)
		return r;
	return post_put(txn, st, &c->p);
}

/* The job's copy becomes what was committed; r as job_commit() says. */
static int
commit_done(struct commit *c, int r)
{
	struct job *j = c->j;

	if (r < 0) {
		if (r != -ESTALE)
			log_error("post %" PRIu64 ": cannot save its state: "
			    "%s; it is looked at again in a minute", j->p.id,
			    strerror(-r));
		else
			log_debug("post %" PRIu64 ": changed while a request "
			    "was out; dropping the answer", j->p.id);
		post_clear(&c->p);
		/* The stored post is as it was: look at it in a minute. */
		if (r != -ESTALE)
			j->p.next_at = sched_now() + 60;
		return r == -ESTALE ? r : -EIO;
	}
	post_clear(&j->p);
	j->p = c->p;
	post_init(&c->p);
	/* Its replies were moved to now (sched_wake_replies()). */
	if (j->p.nreplies > 0 && (j->p.state == POST_PUBLISHED ||
	    j->p.state == POST_FAILED))
		sched_kick(j->s);
	return 0;
}

int
job_commit(struct job *j, job_change_fn fn, void *arg)
{
	struct commit c = { .j = j, .fn = fn, .arg = arg };

	post_init(&c.p);
	return commit_done(&c, store_write(j->s->d->store, commit_txn, &c));
}

void
job_commit_then(struct job *j, job_change_fn fn, void *arg,
    job_then_fn then)
{
	struct sched *s = j->s;
	struct commit *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		then(j, job_commit(j, fn, arg));
		return;
	}
	c->j = j;
	c->fn = fn;
	c->arg = arg;
	c->then = then;
	post_init(&c->p);
	if (TAILQ_EMPTY(&s->pending))
		event_active(s->flush, EV_TIMEOUT, 1);
	TAILQ_INSERT_TAIL(&s->pending, c, entry);
}

/*
 * The group commit: the changes the answers of one turn of the loop
 * asked for, each in a nested transaction of its own (one that fails
 * leaves the others), in one commit, so one fsync instead of one per
 * answer.  Then each job goes on.
 */
static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;
	TAILQ_HEAD(, commit) done = TAILQ_HEAD_INITIALIZER(done);
	struct commit *c;
	MDB_txn *txn, *child;
	int r, rc;

	(void)fd;
	(void)what;
	TAILQ_CONCAT(&done, &s->pending, entry);
	if ((r = store_txn_begin(s->d->store, 0, &txn)) == 0) {
		TAILQ_FOREACH(c, &done, entry) {
			if ((rc = mdb_txn_begin(s->d->store->env, txn, 0,
			    &child)) != 0) {
				c->r = store_errno(rc);
				continue;
			}
			if ((c->r = commit_txn(child, c)) == 0)
				c->r = store_errno(mdb_txn_commit(child));
			else
				mdb_txn_abort(child);
		}
		r = store_txn_commit(txn);
	}
	while ((c = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, c, entry);
		rc = commit_done(c, r < 0 && c->r == 0 ? r : c->r);
		c->then(c->j, rc);
		post_clear(&c->p);
		free(c);
	}
}

int
sched_wake_replies(MDB_txn *txn, struct store *st, const struct post *parent,
    int64_t now)
{
	struct post c;
	size_t i;
	int r;

	for (i = 0; i < parent->nreplies; i++) {
		post_init(&c);
		r = post_get(txn, st, parent->replies[i], &c);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (c.state == POST_SCHEDULED && c.reply_to[0] == '\0' &&
		    c.next_at > now) {
			c.next_at = now;
			r = post_put(txn, st, &c);
		}
		post_clear(&c);
		if (r < 0)
			return r;
	}
	return 0;
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

struct sched *
sched_new(struct daemon *d)
{
	struct sched *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->d = d;
	s->tfd = s->rfd = -1;
	/*
	 * Two priorities: publishes held for their due time go first when
	 * that time comes, before the scan the same instant wakes and before
	 * any other work.  Events made before now keep the highest one;
	 * later ones get the default, the lower.  Without it (an owner set
	 * priorities already) the order is only less exact.
	 */
	if (event_base_priority_init(d->base, SCHED_PRIOS) < 0)
		log_debug("scheduler: cannot set event priorities");
	s->tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->tfd < 0)
		log_warning("scheduler: timerfd_create: %s; clock steps are "
		    "noticed within an hour only", strerror(errno));
	TAILQ_INIT(&s->held);
	TAILQ_INIT(&s->pending);
	s->rfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if ((s->flush = event_new(d->base, -1, 0, flush_cb, s)) == NULL ||
	    (s->release = s->rfd >= 0 ? event_new(d->base, s->rfd,
	    EV_READ | EV_PERSIST, release_cb, s) : evtimer_new(d->base,
	    release_cb, s)) == NULL ||
	    event_priority_set(s->release, SCHED_PRIO_HIGH) < 0 ||
	    (s->rfd >= 0 && event_add(s->release, NULL) < 0) ||
	    (s->kick = evtimer_new(d->base, sched_kick_cb, s)) == NULL ||
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

void
sched_free(struct sched *s)
{
	struct job *j;
	size_t i;

	struct quota *q;
	struct commit *c;

	if (s == NULL)
		return;
	/* Not yet on disk: as if the answers had never come. */
	while ((c = TAILQ_FIRST(&s->pending)) != NULL) {
		TAILQ_REMOVE(&s->pending, c, entry);
		post_clear(&c->p);
		free(c);
	}
	if (s->flush != NULL)
		event_free(s->flush);
	for (i = 0; i < QUOTA_BUCKETS; i++)
		while ((q = s->quotas[i]) != NULL) {
			s->quotas[i] = q->next;
			free(q);
		}
	for (i = 0; i < JOB_BUCKETS; i++)
		while ((j = s->jobs[i]) != NULL) {
			s->jobs[i] = j->hnext;
			job_free(j);
		}
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->release != NULL)
		event_free(s->release);
	if (s->kick != NULL)
		event_free(s->kick);
	if (s->tfd >= 0)
		close(s->tfd);
	if (s->rfd >= 0)
		close(s->rfd);
	free(s);
}
