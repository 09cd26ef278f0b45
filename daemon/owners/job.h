/*
 * The scheduler's jobs, shared by its files and private to them.  sched.c
 * owns the jobs (the table of posts in flight, the timers) and is the
 * dispatcher: it runs a job's step from a table, and each step hands its
 * outcome back through the job_*() helpers below (next step, wait until,
 * fail with a reason, done) instead of calling a sibling.  Below it, and
 * calling only downward: scan.c (what the due posts need), the steps
 * sched-check.c, sched-publish.c, sched-quota.c, sched-stage.c, then
 * sched-end.c (how a stopping step leaves its post), commit.c (how
 * changes reach the store) and sched-base.c (clock, policy, journal).
 *
 * A job works on one post and holds a copy of it as last committed.
 * Every change goes through job_commit(), one transaction that re-reads
 * the post and refuses if it moved under the job (cancelled, removed), so
 * an answer that comes back late never overwrites the operator.
 */
#ifndef THREADSD_JOB_H
#define THREADSD_JOB_H

#include <sys/queue.h>

#include <stdint.h>

#include <event2/util.h>
#include <lmdb.h>

#include "daemon/graph/graph.h"
#include "daemon/store/post.h"

struct sched;
struct secret;
struct store;

enum job_step {
	STEP_STAGE,	/* create the containers (carousel: items) */
	STEP_POLL,	/* container status until FINISHED */
	STEP_QUOTA,	/* threads_publishing_limit before publishing */
	STEP_PUBLISH,	/* threads_publish, once per committed attempt */
	STEP_CHECK,	/* an unknown outcome: read the container */
	STEP_SEARCH,	/* PUBLISHED: the media id from /me/threads */
	STEP_PERMALINK,	/* published: fetch and store the permalink */
	STEP_RECOVER,	/* record an unknown outcome, then STEP_CHECK */
};

struct job {
	struct job	*hnext;		/* sched's table, by post id */
	struct sched	*s;
	struct post	 p;		/* as last committed */
	char		 idstr[POST_ID_LEN];	/* for log fields */
	char		 username[128];
	struct secret	*token;
	/*
	 * The call out, or the publish made and held for its instant.  A
	 * step starts with none: every callback sets it to NULL first, so
	 * that sched_publish_send() makes the publish only once.
	 */
	struct graph_call *call;
	TAILQ_ENTRY(job) hentry;	/* held until its due time */
	int		 held;
	int		 publish_out;	/* its publish is out, unanswered */
	enum job_step	 step;
	size_t		 child;		/* the carousel item */
	char		 made[POST_MAX_MEDIA][GRAPH_ID_LEN];
	int64_t		 wait_at;	/* for a queued commit */
	char		 media[GRAPH_ID_LEN];
	int64_t		 media_at;
	char		 link[512];
	int		 link_retry;
	char		*after;		/* STEP_SEARCH: next page */
	int		 pages;
	char		 found[GRAPH_ID_LEN];	/* best match so far */
	int64_t		 found_at;
};

#define MAX_JOBS	1024	/* posts worked on at once */
#define SCAN_BATCH	512	/* posts started per scan */
#define JOB_BUCKETS	1024

struct commit;
struct job_outcome;

/* An account's quota as Meta last told it (see sched_quota_room()). */
struct quota {
	struct quota	*next;
	char		 user_id[GRAPH_ID_LEN];
	int64_t		 at;
	int64_t		 used[2];	/* posts, replies */
	int64_t		 total[2];
	struct replies	*replies;	/* counted from the store; NULL */
};
#define QUOTA_BUCKETS	1024

/* The owner (sched.c); every scheduler file reads it. */
struct sched {
	struct daemon	*d;
	struct quota	*quotas[QUOTA_BUCKETS];
	int		 tfd;		/* -1: plain libevent timer */
	int		 rfd;		/* release timerfd; -1: none */
	struct event	*timer;
	struct event	*kick;
	int64_t		 armed;		/* 0: not armed */
	struct event	*release;	/* the held publishes' timer */
	int64_t		 release_at;	/* when it fires, 0: nothing held */
	/*
	 * From a release until its publishes are answered (at most
	 * QUIET_MAX), and from RELEASE_GUARD before a release, no batch
	 * starts (sched_batch_waits()): what asked for one waits here.
	 */
	int		 quiet;
	size_t		 publishes;	/* publishes out, unanswered */
	int64_t		 waves_said;	/* release_warn()'s last, 0: never */
	struct event	*unquiet;	/* the last answer, or QUIET_MAX */
	int		 scan_waits;	/* a scan was put off */
	struct event	*flush;		/* the group commit */
	TAILQ_HEAD(, commit) pending;
	TAILQ_HEAD(, job) held;
	int		 more;		/* a scan left due posts */
	size_t		 njobs;
	struct job	*jobs[JOB_BUCKETS];
	/* The dispatcher: a step's outcome (sched.c sets it). */
	void		(*done)(struct job *, const struct job_outcome *);
};

/*
 * A change to the stored post.  fn may also touch other records in txn
 * (the replies of a parent, the account).  It returns 0 or -errno (the
 * transaction is then aborted).
 */
typedef int	(*job_change_fn)(MDB_txn *, struct store *, struct post *,
		    void *arg);
/* What a job does once its change is on disk (r as job_commit() says). */
typedef void	(*job_then_fn)(struct job *, int r);

/* Marks the post failed: why, and what the operator should do. */
enum fail_advice {
	FAIL_CONTENT,		/* Meta refused it: fix it */
	FAIL_LATER,		/* Meta did not answer: retry later */
	FAIL_LOOK,		/* it may be published: look first */
};

/*
 * What a step hands back to the dispatcher when it stops or moves on.
 * The dispatcher acts on it (sched-end.c for the ways a post is left);
 * the job must not be touched after.
 */
enum job_what {
	JOB_END,	/* done: the job ends, the post's key wakes it */
	JOB_NEXT,	/* go on with step */
	JOB_HOLD,	/* the publish, held until the post's due time */
	JOB_WAIT,	/* the post waits where it is until at */
	JOB_FAIL,	/* failed: why, e (may be NULL), advice */
	JOB_TROUBLE,	/* e while doing why: retry in back, pause or fail */
	JOB_PAUSE,	/* Meta refused the token: back, paused */
	JOB_RESTAGE,	/* the containers are gone: new ones (why) */
	JOB_REMAKE,	/* new containers, bounded by max_attempts (why, e) */
};

struct job_outcome {
	enum job_what	 what;
	enum job_step	 step;
	int64_t		 at;
	const struct graph_error *e;
	const char	*why;
	enum fail_advice advice;
	enum post_state	 back;
};

static inline void
job_done(struct job *j, const struct job_outcome *o)
{
	j->s->done(j, o);
}

/* Frees the job; the scheduler may start the next. */
static inline void
job_end(struct job *j)
{
	job_done(j, &(struct job_outcome){ .what = JOB_END });
}

/* A then for job_commit_then() that ends the job. */
static inline void
job_end_then(struct job *j, int r)
{
	(void)r;
	job_end(j);
}

static inline void
job_next(struct job *j, enum job_step step)
{
	job_done(j, &(struct job_outcome){ .what = JOB_NEXT, .step = step });
}

static inline void
job_hold(struct job *j)
{
	job_done(j, &(struct job_outcome){ .what = JOB_HOLD });
}

static inline void
job_wait(struct job *j, int64_t at)
{
	job_done(j, &(struct job_outcome){ .what = JOB_WAIT, .at = at });
}

static inline void
job_fail(struct job *j, const struct graph_error *e, const char *why,
    enum fail_advice advice)
{
	job_done(j, &(struct job_outcome){ .what = JOB_FAIL, .e = e,
	    .why = why, .advice = advice });
}

static inline void
job_trouble(struct job *j, const struct graph_error *e, const char *what,
    enum post_state back)
{
	job_done(j, &(struct job_outcome){ .what = JOB_TROUBLE, .e = e,
	    .why = what, .back = back });
}

static inline void
job_pause(struct job *j, const struct graph_error *e, enum post_state back)
{
	job_done(j, &(struct job_outcome){ .what = JOB_PAUSE, .e = e,
	    .back = back });
}

static inline void
job_restage(struct job *j, const char *why)
{
	job_done(j, &(struct job_outcome){ .what = JOB_RESTAGE, .why = why });
}

static inline void
job_remake(struct job *j, const struct graph_error *e, const char *why)
{
	job_done(j, &(struct job_outcome){ .what = JOB_REMAKE, .e = e,
	    .why = why });
}

/* sched-base.c: what every part reads */
struct daemon	*sched_daemon(const struct sched *);
/*
 * Wall-clock seconds from CLOCK_REALTIME itself: time(2) reads a coarse
 * clock that lags by up to a tick, and the timer fires on the fine one.
 */
int64_t		 sched_now(void);
/*
 * Whether a batch (a scan, a group commit) must wait rather than start
 * or go on now: a release's publishes are still out (s->quiet), or a
 * release is due within RELEASE_GUARD_NS.  What waits is taken up when
 * the quiet ends (sched.c), so that at the due instant the loop has
 * nothing but the publishes in hand.  Cheap: one clock read.
 */
int		 sched_batch_waits(const struct sched *);
/* Seconds to wait before retrying after tries failures, with jitter. */
int64_t		 sched_backoff(const struct sched *, int tries);
/* Retry policy and timings from the configuration. */
int		 sched_max_attempts(const struct sched *);
int64_t		 sched_quota_retry(const struct sched *);
int64_t		 sched_container_timeout(const struct sched *);
extern const struct graph_error sched_oom;	/* a call that did not start */
/* One journal entry about the job's post, with Meta's codes if any. */
void		 sched_log(struct job *, int prio, const char *msgid,
		    const struct graph_error *e, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));

/* commit.c: how changes reach the store */
/*
 * Runs fn on the stored post in one transaction and commits it; the job's
 * copy becomes the result and the scheduler learns its next_at.  Returns
 * 0, -ESTALE when the post is gone or in another state than the job's
 * copy (the job must end), or another -errno (logged here).
 */
int		 job_commit(struct job *, job_change_fn, void *arg);
/*
 * The same at the next group commit, with the answers of the same turn
 * of the loop: then runs once it is on disk.  arg must live until then
 * (the job is a good place).  Nothing may be sent meanwhile.
 */
void		 job_commit_then(struct job *, job_change_fn, void *arg,
		    job_then_fn then);
/* Moves the queued replies of parent to now so they notice it (txn). */
int		 sched_wake_replies(MDB_txn *, struct store *,
		    const struct post *parent, int64_t now);
/* The group commit's event (sched_new() makes it), and shutdown. */
void		 commit_flush_cb(evutil_socket_t, short, void *);
void		 commit_drop_all(struct sched *);
/* The job ends without its changes (its account was removed). */
void		 commit_drop_job(struct sched *, const struct job *);

/* sched-end.c: how a stopping step leaves its post (the dispatcher's) */
/* A change of state, retry count, error, pause (sched_end_change()). */
struct sched_change {
	enum post_state	 state;
	int64_t		 next_at;
	int		 tries;
	const char	*error;
	int		 check;
	int		 paused;
	int		 newly_reauth;	/* out: account was active */
	int		 newly_revoked;	/* out: ... and is now revoked */
	const struct graph_error *e;	/* why the post pauses */
};
int		 sched_end_change(MDB_txn *, struct store *, struct post *,
		    void *change);
/* Back to scheduled without containers (for a job_change_fn). */
int		 sched_end_restage_fn(MDB_txn *, struct store *, struct post *,
		    void *);
void		 sched_end_wait(struct job *, int64_t at);
void		 sched_end_fail(struct job *, const struct graph_error *e,
		    const char *why, enum fail_advice);
/*
 * A step failed with e: auth pauses the post; a passing failure retries
 * with backoff in state back (up to max_attempts, then failed); anything
 * else fails it.  what says what was being done, for the journal.
 */
void		 sched_end_trouble(struct job *, const struct graph_error *e,
		    const char *what, enum post_state back);
/* Meta refused the token: the account needs re-auth, its posts wait. */
void		 sched_end_pause(struct job *, const struct graph_error *e,
		    enum post_state back);
/* The container is gone or expired: new ones, as if never staged. */
void		 sched_end_restage(struct job *, const char *why);
/*
 * New containers because Meta refused these for a reason that may pass
 * (an item already claimed, not ready too often, stuck): bounded by
 * max_attempts through the post's remakes, then failed.
 */
void		 sched_end_remake(struct job *, const struct graph_error *e,
		    const char *why);

/* sched-quota.c: the quota remembered per account, and its step */
/*
 * What is known of an account's publishing quota, fetched at most
 * QUOTA_FRESH seconds ago and counting our publishes since: 1 there is
 * room, 0 not known (ask Meta).  A full quota is never taken from memory:
 * a deferral always rests on Meta's own answer.
 */
int		 sched_quota_room(struct sched *, const char *user_id,
		    int reply);
void		 sched_quota_note(struct sched *, const char *user_id,
		    const struct graph_quota *);
/*
 * The replies of user_id published in the 24 h up to now, from the store
 * (Meta's reply quota fields need a scope threadsd does not ask for):
 * counted once and kept while the store's post_replies_gen() says none
 * changed.  0 or -errno.
 */
int		 sched_quota_replies(struct sched *, const char *user_id,
		    int64_t now, int64_t *ret_n);
#define REPLY_QUOTA	1000	/* replies per 24 h (D-ov) */
/* One more published (or refused for the quota: full). */
void		 sched_quota_used(struct sched *, const char *user_id,
		    int reply, int full);
void		 sched_quota_free_all(struct sched *);
/* What is kept of user_id's quota, freed (its account was removed). */
void		 sched_quota_forget(struct sched *, const char *user_id);
/* STEP_QUOTA: threads_publishing_limit, then the publishing commit. */
void		 sched_quota_step(struct job *);
/* The quota is used up: the post waits (quota_retry), it does not fail. */
void		 sched_quota_defer(struct job *, const char *what);

/* sched-stage.c: STEP_STAGE and STEP_POLL */
void		 sched_stage_start(struct job *);
void		 sched_stage_poll(struct job *);
/*
 * When to read an IN_PROGRESS container again, after a read at now:
 * POLL_INTERVAL doubling up to POLL_CAP from staged_at, and never past
 * due_at - QUOTA_LEAD, due_at or staged_at + timeout while they are
 * ahead.  sched_stage_poll_at() asks it for the job's post.
 */
int64_t		 sched_stage_poll_next(int64_t now, int64_t staged_at,
		    int64_t due_at, int64_t timeout);
int64_t		 sched_stage_poll_at(const struct job *, int64_t now);

/* sched-publish.c: STEP_PUBLISH and STEP_PERMALINK */
/* The publish request, now, or held until the due time. */
void		 sched_publish_send(struct job *);
void		 sched_publish_permalink(struct job *);
/* Its publish is answered or dropped: no longer out (see s->quiet). */
void		 sched_publish_answered(struct job *);
/* The post is on Threads (media_id NULL: not known): store it first. */
void		 sched_publish_done(struct job *, const char *media_id,
		    int64_t at);

/* sched-check.c: STEP_RECOVER, STEP_CHECK and STEP_SEARCH */
/* An outcome that must be read from the container before going on. */
void		 sched_check_recover(struct job *);
void		 sched_check_start(struct job *);
void		 sched_check_search(struct job *);

#define QUOTA_LEAD	2	/* check the quota this long before due */
#define QUOTA_FRESH	10	/* trust a quota read this long */
/*
 * The transition to publishing is committed this long before the due
 * time, with the other posts due in the same second, and the request is
 * then held in memory until the due time itself: at the due time only
 * the requests remain to be sent.  A crash in between leaves a post in
 * publishing whose container is FINISHED: recovery publishes it, at its
 * due time.
 */
#define PUBLISH_LEAD	1
/*
 * No batch starts this close before a release (a commit's fsync is 2 ms,
 * up to 14 on a busy disk), nor after one until its publishes are
 * answered, at most QUIET_MAX: a straggler does not hold the commits.
 */
#define RELEASE_GUARD_NS	20000000
#define QUIET_MAX_MS		250
#define POLL_INTERVAL	2	/* container status while IN_PROGRESS: */
#define POLL_CAP	60	/* ... doubling up to this */
/*
 * Meta's 24/4279009 to the publish of a FINISHED container ("media not
 * found", seconds after FINISHED): not published, so no attempt spent;
 * again after NOTREADY_DELAY doubling up to NOTREADY_CAP, and a new
 * container after NOTREADY_MAX such answers.
 */
#define NOTREADY_DELAY	5
#define NOTREADY_CAP	30
#define NOTREADY_MAX	3
#define CHECK_DELAY	1	/* an unknown outcome: look again after */
#define PAUSE_RECHECK	3600	/* paused account: look again after */
#define PARENT_RECHECK	60	/* a reply waiting for its parent */

#endif
