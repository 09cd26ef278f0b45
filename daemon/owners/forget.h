/*
 * Forgetting revoked accounts.  When an account's owner removes the app
 * in Threads' settings (Meta answers 190/458), the account is marked
 * revoked and its token deleted at once (account_revoke()); this owner
 * then erases it, as remove-account does, [accounts]
 * forget_revoked_after later, with a journal notice when it is revoked
 * and another a day before.  One timer, armed on the earliest of those.
 */
#ifndef THREADSD_FORGET_H
#define THREADSD_FORGET_H

struct daemon;
struct forget;
struct account;
struct graph_error;

struct forget	*forget_new(struct daemon *);
void		 forget_free(struct forget *);

/* Accounts or the configuration changed: look again. */
void		 forget_kick(struct forget *);

/*
 * user_id has just been revoked (its record committed) because of e:
 * says so in the journal, with when it will be erased, and re-arms the
 * timer.
 */
void		 forget_revoked(struct forget *, const char *user_id,
		    const struct graph_error *e);

#endif
