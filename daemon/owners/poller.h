/*
 * The poller: reads every active account's profile, metrics and post
 * count every [poll] interval, each account at its own stable offset
 * within the interval so that polls spread evenly, and keeps one
 * snapshot per poll in the history ([poll] history_retention, pruned a
 * few keys at a time).  A bounded number of polls run at once; one
 * account's failures and backoff never delay another's; Meta's rejection
 * of a token marks the account reauth_required for the token keeper's
 * user to fix.  One timer for scans and pruning; finished polls are
 * committed in batches.
 */
#ifndef THREADSD_POLLER_H
#define THREADSD_POLLER_H

#include <stdint.h>

struct daemon;
struct poller;

/*
 * Called once when a poll asked for by poller_poll_now() has ended and
 * its outcome is committed: ok, and a sentence saying what happened.
 */
typedef void	(*poller_done_cb)(void *arg, int ok, const char *message);

struct poller	*poller_new(struct daemon *);
/* Abandons polls in flight without calling back; accepts NULL. */
void		 poller_free(struct poller *);

/* The accounts or the config changed: look again soon. */
void		 poller_kick(struct poller *);

/*
 * Polls user_id now (or joins its poll under way) and calls cb when
 * done.  Returns 0, -ENOENT (no such account), -EPERM (it needs
 * re-authorization) or -ENOMEM.
 */
int		 poller_poll_now(struct poller *, const char *user_id,
		    poller_done_cb, void *arg);

/* The account is gone: drop its poll (its callers are told). */
void		 poller_forget(struct poller *, const char *user_id);

/*
 * When an account polled at last is next due: its slot, a multiple of
 * interval plus an offset that is a stable hash of user_id, the first
 * at least interval / 2 after last.  Pure; exposed for tests.
 */
int64_t		 poller_next_slot(const char *user_id, int64_t last,
		    int64_t interval);

#endif
