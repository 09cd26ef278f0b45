/*
 * What the poller says about its commits: for each committed poll, a
 * line for the journal and the answer for whoever waits for it (a
 * renamed account, insights refused or given again, a failure, a
 * rejected or revoked token); and what the commits pruned.
 */
#include <stdio.h>
#include <string.h>

#include "common/duration.h"
#include "common/timefmt.h"
#include "daemon/config.h"
#include "daemon/counters.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/owners/forget.h"
#include "daemon/owners/poll.h"
#include "daemon/owners/poller-job.h"
#include "daemon/owners/tokens.h"

static const char *const insights_said[] = {
	[ACCOUNT_REFUSED_NONE] = "Meta gives insights for '%s' again",
	[ACCOUNT_REFUSED_FOLLOWERS] = "Meta refuses the follower count of "
	    "'%s' in insights; it comes from profile_lookup instead",
	[ACCOUNT_REFUSED_ALL] = "Meta refuses insights for '%s'; only the "
	    "follower count (from profile_lookup) and posts are recorded",
};

/* Says what a committed poll did; fills msg for its waiters. */
int
poller_report_job(struct job *j, char *msg, size_t len)
{
	const struct poll_result *res = poll_result(j->poll);
	const struct graph_error *e = &res->err;
	struct log_fields lf = { .account = j->username,
	    .user_id = j->user_id, .meta_code = e->code,
	    .meta_subcode = e->subcode,
	    .fbtrace_id = e->fbtrace_id[0] ? e->fbtrace_id : NULL };
	char in[32];

	if (j->out == OUT_FAILED || j->out == OUT_REAUTH ||
	    j->out == OUT_REVOKED)
		counters_failed(COUNTERS_POLL, e->class);
	switch (j->out) {
	case OUT_OK:
		poll_summary(j->poll, msg, len);
		if (strcmp(j->username, res->acct.username) != 0)
			log_with(LOG_NOTICE, &lf, "account '%s' is now called "
			    "'%s' on Threads", j->username,
			    res->acct.username);
		if (j->insights_after != j->insights_before &&
		    j->insights_after <= ACCOUNT_REFUSED_ALL)
			log_with(LOG_NOTICE, &lf,
			    insights_said[j->insights_after],
			    res->acct.username);
		if (j->failures > 0)
			log_with(LOG_INFO, &lf, "polling '%s' works again "
			    "after %d failure%s", res->acct.username,
			    j->failures, j->failures == 1 ? "" : "s");
		else
			log_with(LOG_DEBUG, &lf, "%s", msg);
		return 1;
	case OUT_FAILED:
		duration_format(j->retry_at - daemon_now(), in, sizeof(in));
		log_with(j->failures == 1 ? LOG_WARNING : LOG_INFO, &lf,
		    "polling '%s' failed at %s (%s: %s); retrying in %s",
		    j->username, res->failed, graph_class_name(e->class),
		    e->message, in);
		snprintf(msg, len, "poll of '%s' failed at %s (%s: %s); "
		    "threadsd retries in %s", j->username, res->failed,
		    graph_class_name(e->class), e->message, in);
		return 0;
	case OUT_REAUTH:
		tokens_rejected(&lf, e, msg, len);
		return 0;
	case OUT_REVOKED:
		forget_revoked(j->p->d->forget, j->user_id, e);
		snprintf(msg, len, "the owner of '%s' removed the app in "
		    "Threads' settings: the account is revoked and its token "
		    "deleted", j->username);
		return 0;
	case OUT_REFRESHED:
		log_with(LOG_DEBUG, &lf, "the token of '%s' was replaced "
		    "during its poll; polling again", j->username);
		snprintf(msg, len, "the token of '%s' was refreshed during "
		    "the poll; threadsd polls again in a few seconds",
		    j->username);
		return 0;
	case OUT_GONE:
		snprintf(msg, len, "the account was removed or needs "
		    "re-authorization");
		return 0;
	}
	return 0;
}

/* Says what the commits since the last report pruned. */
void
poller_report_pruned(struct poller *p, int64_t now)
{
	char when[TIMEFMT_LEN];

	if (p->round_pruned == 0)
		return;
	log_info("history: pruned %zu snapshot%s taken before %s",
	    p->round_pruned, p->round_pruned == 1 ? "" : "s",
	    timefmt_format(now - p->d->cfg->poll_history_retention, when,
	    sizeof(when)));
	p->round_pruned = 0;
}
