/*
 * Accounts in the store: the record (what threadsd keeps about a Threads
 * account, and nothing more), its sealed token, the username index, and
 * erasing all of it.  The record holds only the user id, username,
 * display name, profile picture URL, follower / following / media counts,
 * and the token's bookkeeping (state, issue and expiry times, retries).
 * Every function works inside a caller's transaction and does not log.
 */
#ifndef THREADSD_ACCOUNT_H
#define THREADSD_ACCOUNT_H

#include <stdint.h>

#include <json-c/json.h>
#include <lmdb.h>

#include "daemon/graph/graph.h"
#include "daemon/store/record.h"

struct store;
struct seal;
struct secret;

enum account_state {
	ACCOUNT_ACTIVE,
	ACCOUNT_REAUTH_REQUIRED,
	ACCOUNT_REVOKED,	/* the owner removed the app: no token */
};
#define ACCOUNT_NSTATES	3

#define ACCOUNT_UNKNOWN	(-1)	/* a count Meta did not give us */

struct account {
	char			 user_id[GRAPH_ID_LEN];
	char			*username;
	char			*name;		/* may be NULL */
	char			*picture_url;	/* may be NULL */
	int64_t			 followers;	/* ACCOUNT_UNKNOWN when unknown */
	int64_t			 following;	/* the API has none: unknown */
	int64_t			 media;
	enum account_state	 state;
	int64_t			 added_at;
	int64_t			 token_issued_at;
	int64_t			 token_expires_at;
	int64_t			 last_poll_at;	/* 0: never */
	/* token keeper's bookkeeping */
	int64_t			 refresh_retry_at;	/* 0: none pending */
	int			 refresh_failures;
	int64_t			 expiry_warned_at;	/* 0: not warned */
	/* poller's bookkeeping */
	int64_t			 poll_retry_at;		/* 0: none pending */
	int			 poll_failures;
	int			 insights_refused;	/* ACCOUNT_REFUSED_* */
	int64_t			 insights_refused_at;
	int64_t			 media_counted_at;	/* last full count */
	int64_t			 media_newest_at;	/* newest post seen */
	int			 media_newest_n;	/* ... in that second */
	/* revocation: when Meta said the owner removed the app */
	int64_t			 revoked_at;		/* 0: not revoked */
	int64_t			 forget_warned_at;	/* 0: not warned */
};

/* What threads_insights refused the account, last time it was asked. */
#define ACCOUNT_REFUSED_NONE		0
#define ACCOUNT_REFUSED_FOLLOWERS	1	/* followers_count only */
#define ACCOUNT_REFUSED_ALL		2

const char	*account_state_name(enum account_state);

/*
 * [accounts] forget_revoked_after, for account_forget_at() and the wire
 * form; set from the configuration at start and on reload.
 */
void		 account_set_forget_after(int64_t secs);
/* When a revoked account is to be erased; 0: never (or not revoked). */
int64_t		 account_forget_at(const struct account *);

void		 account_init(struct account *);
void		 account_clear(struct account *);
/* Replaces *dst with a copy of src (NULL allowed).  0 or -ENOMEM. */
static inline int
account_set_str(char **dst, const char *src)
{
	return record_set_str(dst, src);
}

/*
 * Looks an account up by user id or username.  -ENOENT when there is none,
 * -EBADMSG when its record is damaged.
 */
int		 account_get(MDB_txn *, struct store *, const char *key,
		    struct account *ret_acct);
/* The same, by user id only (never a username that looks like one). */
int		 account_get_by_id(MDB_txn *, struct store *,
		    const char *user_id, struct account *ret_acct);
/* Writes the record and keeps the username index in step. */
int		 account_put(MDB_txn *, struct store *, const struct account *);
/*
 * The same, when the caller has the stored record already: was is what
 * account_get*() read in this transaction (NULL: there was none), and
 * nothing wrote the account since.  Saves reading it again.
 */
int		 account_update(MDB_txn *, struct store *,
		    const struct account *was, const struct account *);
/* A deep copy of src into dst, which holds nothing yet; -ENOMEM. */
int		 account_copy(struct account *dst, const struct account *src);

/* The token, sealed under the token key with the user id bound to it. */
int		 account_token_put(MDB_txn *, struct store *,
		    const struct seal *, const char *user_id,
		    const char *token);
int		 account_token_get(MDB_txn *, struct store *,
		    const struct seal *, const char *user_id,
		    struct secret **ret_token);
/*
 * The same into a caller's buffer, which it wipes; returns the token's
 * length (seal_open_buf()).
 */
int		 account_token_read(MDB_txn *, struct store *,
		    const struct seal *, const char *user_id, char *buf,
		    size_t size);

/*
 * Marks a revoked (state, time) and deletes its sealed token at once:
 * a person who withdrew their consent leaves no usable credential.
 * Polling and publishing stop because the account is not active.
 */
int		 account_revoke(MDB_txn *, struct store *, struct account *a,
		    int64_t now);

/*
 * Deletes the account and everything held about it: record, name index,
 * sealed token, metric history, posts and their due entries.
 */
int		 account_erase(MDB_txn *, struct store *, const char *user_id);

/*
 * Calls fn for each account, in user id order, until fn returns non-zero
 * (which is returned).  The account is valid during the call.
 */
int		 account_foreach(MDB_txn *, struct store *,
		    int (*fn)(const struct account *, void *), void *arg);
/* The same in a read transaction of its own: an owner's scan. */
int		 account_scan(struct store *,
		    int (*fn)(const struct account *, void *), void *arg);

/*
 * The due index: for each account, one key for each of these that
 * applies, under the record's own time (0 for none yet), so that an
 * owner reads the accounts it may have to act on by now, not every
 * record.  An owner turns what it needs into a range: the poller's next
 * slot is at least half an interval after ACCOUNT_DUE_POLL_LAST, a
 * refresh at least refresh_after after ACCOUNT_DUE_ISSUED, and so on.
 */
#define ACCOUNT_DUE_POLL_RETRY		'r'	/* active: poll_retry_at */
#define ACCOUNT_DUE_POLL_LAST		'l'	/* active, no retry: last poll */
#define ACCOUNT_DUE_STALE		's'	/* active: last poll, or added */
#define ACCOUNT_DUE_EXPIRES		'x'	/* active: token_expires_at */
#define ACCOUNT_DUE_REFRESH_RETRY	'f'	/* active: refresh_retry_at */
#define ACCOUNT_DUE_ISSUED		'i'	/* active, no retry: issued */
#define ACCOUNT_DUE_STATE		'a'	/* not active: 0 */
#define ACCOUNT_DUE_REVOKED		'v'	/* revoked: revoked_at */
#define ACCOUNT_DUE_NKINDS		8

/*
 * Calls fn(user_id, time) for each key of kind with a time <= until, in
 * time order, until fn returns non-zero (returned).  *ret_next: the
 * first time past until (INT64_MAX: none).
 */
int		 account_due_each(MDB_txn *, struct store *, char kind,
		    int64_t until, int (*fn)(const char *, int64_t, void *),
		    void *arg, int64_t *ret_next);
/*
 * What an owner reads of the index: the keys of kind up to until, each
 * taken when want (NULL: every one) says > 0, skipped at 0; < 0 ends
 * the range there.  next is set to the first time past until.
 */
struct account_due_range {
	char		 kind;
	int64_t		 until;
	int		(*want)(const char *user_id, int64_t at, void *arg);
	void		*arg;
	int64_t		 next;		/* out */
};
/*
 * Reads the accounts the ranges take, each once, in user id order (as
 * account_foreach()), calling fn as account_foreach() does.  A record
 * gone or damaged since is skipped.
 */
int		 account_due_read(MDB_txn *, struct store *,
		    struct account_due_range *, size_t nranges,
		    int (*fn)(const struct account *, void *), void *arg);
/*
 * Builds the due index when the store has none yet (one written before
 * it existed): once, in a write transaction of its own.
 */
int		 account_due_check(struct store *);

/* The wire form (DESIGN.md §3): unknown numbers are null. */
struct json_object *account_to_json(const struct account *);

#endif
