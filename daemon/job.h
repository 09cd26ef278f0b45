/*
 * The scheduler's jobs, shared by sched.c (which owns them: the table of
 * posts in flight, the scan that starts them, the commit that records
 * what they did) and publish.c (what each step asks Meta and how each
 * answer moves the post).  Private to those two files.
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

#include "graph.h"
#include "post.h"

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
};

struct job {
	struct job	*hnext;		/* sched's table, by post id */
	struct sched	*s;
	struct post	 p;		/* as last committed */
	char		 idstr[POST_ID_LEN];	/* for log fields */
	char		 username[128];
	struct secret	*token;
	struct graph_call *call;
	TAILQ_ENTRY(job) hentry;	/* held until its due time */
	int		 held;
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

/* An account's quota as Meta last told it (see sched_quota_room()). */
struct quota {
	struct quota	*next;
	char		 user_id[GRAPH_ID_LEN];
	int64_t		 at;
	int64_t		 used[2];	/* posts, replies */
	int64_t		 total[2];
};
#define QUOTA_BUCKETS	1024

/* The owner (sched.c); its parts are used by scan.c, commit.c, quota.c. */
struct sched {
	struct daemon	*d;
	struct quota	*quotas[QUOTA_BUCKETS];
	int		 tfd;		/* -1: plain libevent timer */
	int		 rfd;		/* release timerfd; -1: none */
	struct event	*timer;
	struct event	*kick;
	int64_t		 armed;		/* 0: not armed */
	struct event	*release;	/* the held publishes' timer */
	struct event	*flush;		/* the group commit */
	TAILQ_HEAD(, commit) pending;
	TAILQ_HEAD(, job) held;
	int		 more;		/* a scan left due posts */
	size_t		 njobs;
	struct job	*jobs[JOB_BUCKETS];
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

/* sched.c, for publish.c */
struct daemon	*sched_daemon(const struct sched *);
/*
 * Wall-clock seconds from CLOCK_REALTIME itself: time(2) reads a coarse
 * clock that lags by up to a tick, and the timer fires on the fine one.
 */
int64_t		 sched_now(void);
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
 * (Meta's reply quota fields need a scope threadsd does not ask for).
 * 0 or -errno.
 */
int		 sched_quota_replies(struct sched *, const char *user_id,
		    int64_t now, int64_t *ret_n);
#define REPLY_QUOTA	1000	/* replies per 24 h (D-ov) */
/* One more published (or refused for the quota: full). */
void		 sched_quota_used(struct sched *, const char *user_id,
		    int reply, int full);
void		 quota_free_all(struct sched *);
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
/* Frees the job; the scheduler may start the next. */
void		 job_end(struct job *);
/* Frees a job that never ran or is abandoned (no wake-up). */
void		 job_free(struct job *);
/* Arms the scan's timer for when (0: nothing due). */
void		 sched_arm(struct sched *, int64_t when);
/* Seconds to wait before retrying after tries failures, with jitter. */
int64_t		 sched_backoff(const struct sched *, int tries);
/* Retry policy and timings from the configuration. */
int		 sched_max_attempts(const struct sched *);
int64_t		 sched_quota_retry(const struct sched *);
int64_t		 sched_container_timeout(const struct sched *);
/*
 * Holds the job until its post's due time, then calls step_publish():
 * one timer for all, so that the publishes of one second leave together.
 */
void		 sched_hold(struct job *);
/* Moves the queued replies of parent to now so they notice it (txn). */
int		 sched_wake_replies(MDB_txn *, struct store *,
		    const struct post *parent, int64_t now);

/* scan.c: what the due posts need; started from the timers. */
void		 sched_scan(struct sched *);

/* commit.c: the group commit's event (sched_new() makes it), shutdown */
void		 commit_flush_cb(evutil_socket_t, short, void *);
void		 commit_drop_all(struct sched *);

/* publish.c: the dispatch, and what every step does with trouble */
void		 job_run(struct job *);
extern const struct graph_error step_oom;	/* a call that did not start */
/*
 * A step failed with e: auth pauses the post; a passing failure retries
 * with backoff in state back (up to max_attempts, then failed); anything
 * else fails it.  what says what was being done, for the journal.
 */
void		 step_trouble(struct job *, const struct graph_error *e,
		    const char *what, enum post_state back);
/* Marks the post failed: why, and what the operator should do. */
enum fail_advice {
	FAIL_CONTENT,		/* Meta refused it: fix it */
	FAIL_LATER,		/* Meta did not answer: retry later */
	FAIL_LOOK,		/* it may be published: look first */
};
void		 step_fail(struct job *, const struct graph_error *e,
		    const char *why, enum fail_advice);
/* Meta refused the token: the account needs re-auth, its posts wait. */
void		 step_pause(struct job *, const struct graph_error *e,
		    enum post_state back);
/* An outcome that must be read from the container before going on. */
void		 step_recover(struct job *);
/* The publish request, now, or held until the due time. */
void		 step_publish(struct job *);

/* stage.c */
void		 step_stage(struct job *);
void		 step_poll(struct job *);
void		 step_quota(struct job *);
void		 step_wait(struct job *, int64_t at);
void		 step_restage(struct job *, const char *why);
/*
 * New containers because Meta refused these for a reason that may pass
 * (an item already claimed, not ready too often, stuck): bounded by
 * max_attempts through the post's remakes, then failed.
 */
void		 step_remake(struct job *, const struct graph_error *e,
		    const char *why);
void		 step_defer_quota(struct job *, const char *what);
/*
 * When to read an IN_PROGRESS container again: POLL_INTERVAL doubling up
 * to POLL_CAP from the post's staged_at, never past container_timeout.
 */
int64_t		 step_poll_at(const struct job *);

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
