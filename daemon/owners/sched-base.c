/*
 * What every part of the scheduler reads: its clock, the retry policy
 * and timings of the configuration, the backoff, and the journal entry
 * about a job's post.  It calls nothing of the scheduler's.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <sodium.h>

#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"

#define RETRY_CAP	3600

const struct graph_error sched_oom = {
	.class = GRAPH_TRANSIENT,
	.message = "out of memory",
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

int
sched_batch_waits(const struct sched *s)
{
	struct timespec ts;
	int64_t ns, at;

	if (s->d->stopping)
		return 0;
	if (s->quiet)
		return 1;
	if (s->release_at == 0)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	at = s->release_at * 1000000000;
	/* Past it, the release is next in the loop (its priority). */
	return ns >= at - RELEASE_GUARD_NS && ns < at + RELEASE_GUARD_NS;
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
sched_container_timeout(const struct sched *s)
{
	return s->d->cfg->sched_container_timeout;
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

void
sched_log(struct job *j, int prio, const char *msgid,
    const struct graph_error *e, const char *fmt, ...)
{
	struct log_fields lf = { .msgid = msgid, .account = j->username,
	    .user_id = j->p.user_id, .post_id = j->idstr };
	char msg[768];
	va_list ap;

	if (e != NULL) {
		lf.meta_code = e->code;
		lf.meta_subcode = e->subcode;
		lf.fbtrace_id = e->fbtrace_id[0] != '\0' ? e->fbtrace_id :
		    NULL;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_with(prio, &lf, "%s", msg);
}
