/*
 * The post scheduler: the owner of the post state machine (DESIGN.md §5).
 * One timer, armed on the earliest key of the `due` index; when it fires
 * the scheduler reads the posts due, commits the transition each one
 * announces, and only then sends the request.  Nothing about the queue is
 * held in memory but the jobs in flight: a restart finds everything,
 * including posts caught in staging or publishing, through `due`.
 */
#ifndef THREADSD_SCHED_H
#define THREADSD_SCHED_H

#include <stdint.h>

struct daemon;
struct sched;

/*
 * The loop's event priorities, set by run_open() before any event exists:
 * publishes held for their due time go first when it comes (0), before
 * everything else, which has the default (1).
 */
#define SCHED_PRIORITIES	2
#define SCHED_PRIO_RELEASE	0

/* NULL on failure (logged). */
struct sched	*sched_new(struct daemon *);
/* Abandons the requests in flight; their posts resume at the next start. */
void		 sched_free(struct sched *);

/* Looks at the `due` index now (a reload, a clock step). */
void		 sched_kick(struct sched *);
/* A `due` key was written at when: wake by then. */
void		 sched_due(struct sched *, int64_t when);
/* The account was reconnected: its paused posts go on now. */
void		 sched_account_active(struct sched *, const char *user_id);
/*
 * The account is removed: the jobs of its posts end now, their requests
 * abandoned (a publish held for its instant is never sent) and their
 * changes not saved, and what is kept of its quota is freed.
 */
void		 sched_forget(struct sched *, const char *user_id);
/* Whether a job works on post id right now. */
int		 sched_busy(const struct sched *, uint64_t id);
/* Whether answers wait for the group commit (stopping waits for it). */
int		 sched_commits_pending(const struct sched *);

#endif
