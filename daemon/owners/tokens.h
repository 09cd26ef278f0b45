/*
 * The token keeper: keeps every account's long-lived token alive.  It
 * refreshes a token once it is older than [tokens] refresh_after (and at
 * least 24 h old, Meta's rule), spread with per-account jitter; retries
 * failures with backoff; warns in the journal from warn_before ahead of
 * expiry; and marks an account reauth_required when Meta rejects its
 * token.  One timer, armed on the earliest thing to do.
 */
#ifndef THREADSD_TOKENS_H
#define THREADSD_TOKENS_H

#include <stddef.h>

struct daemon;
struct tokens;
struct graph_error;
struct log_fields;

/* Called once when a refresh asked for by tokens_refresh_now() ends. */
typedef void	(*tokens_done_cb)(void *arg, int ok, const char *message);

struct tokens	*tokens_new(struct daemon *);
/* Abandons refreshes in flight without calling back; accepts NULL. */
void		 tokens_free(struct tokens *);

/* The accounts changed (added, removed, config reloaded): look again. */
void		 tokens_kick(struct tokens *);

/*
 * Refreshes user_id's token now and calls cb when done.  Returns 0, or
 * -EBUSY when a refresh of it is already under way, -EAGAIN when the
 * token is younger than 24 h (Meta refreshes none younger), -EPERM when
 * the account was revoked by its owner, -ENOENT when there is no such
 * account or token.
 */
int		 tokens_refresh_now(struct tokens *, const char *user_id,
		    tokens_done_cb, void *arg);

/* The account is gone: drop its refresh in flight (its cb is called). */
void		 tokens_forget(struct tokens *, const char *user_id);

/* Refreshed tokens the store refused and that are kept in memory. */
int		 tokens_unsaved(const struct tokens *);
/* Stopping: save what is kept unsaved again soon (every second). */
void		 tokens_stop(struct tokens *);

/*
 * Meta rejected token used (190) for user_id: whether that is because
 * a refresh replaced it (one is out, its new token is kept unsaved, or
 * the stored token is another by now; used NULL: only the first two,
 * without reading the store, so it may be called inside a transaction).
 * Then the caller retries with the stored token instead of asking for
 * re-authorization.
 */
int		 tokens_auth_stale(struct tokens *, const char *user_id,
		    const char *used);

/*
 * Meta rejected the token of lf's account (e) and the account is marked
 * reauth_required: says so in the journal under lf, with the fix, and
 * puts the answer for whoever asked in msg.  The refresh and the poller
 * say it in the same words.
 */
void		 tokens_rejected(const struct log_fields *lf,
		    const struct graph_error *e, char *msg, size_t len);

#endif
