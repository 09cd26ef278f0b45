/*
 * store: the fake's users, access tokens and authorization codes.
 *
 * The store owns every user, token and code.  Tokens and codes are found
 * by hash (FNV-1a) on their string, users by username and by id.  Media
 * and containers live in media.c; a user only keeps borrowed pointers to
 * its published posts and the timestamps its quotas count.
 */
#ifndef FG_STORE_H
#define FG_STORE_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#define TOKEN_LEN	50		/* "TH" + 48 */
#define CODE_LEN	42		/* "AQ" + 40 */
#define CODE_TTL	3600		/* codes: one use, one hour */
#define SHORT_TTL	3600		/* short-lived tokens: one hour */
#define LONG_TTL	5183944		/* 60 d - 56 s (2.4) */
#define REFRESH_MIN_AGE	86400		/* refresh at >= 24 h */
#define GRANT_TTL	(90 * 86400)	/* data access (2.5) */
#define USERNAME_MAX	30

enum insights_mode {
	INSIGHTS_ON,
	INSIGHTS_OFF,		/* every threads_insights call refused */
	INSIGHTS_NOFOLLOWERS	/* followers_count, demographics refused */
};

enum tok_kind {
	TOK_SHORT,
	TOK_LONG
};

enum tok_state {
	TOK_VALID,
	TOK_EXPIRED,
	TOK_DEAD		/* revoked, or replaced by a refresh */
};

/* Timestamps of publishes or deletes, for the rolling 24 h quotas. */
struct tlog {
	int64_t		*v;
	size_t		 n, cap;
};

struct fgmedia;
struct fgtoken;

struct fguser {
	TAILQ_ENTRY(fguser)	 entry;
	LIST_HEAD(, fgtoken)	 tokens;
	int64_t			 id;
	char			 idstr[24];
	char			*username;
	char			*name;
	char			*picture;
	char			*biography;
	int			 verified;
	int			 tester;	/* a Threads tester of the app */
	int64_t			 followers;
	int64_t			 views;	/* profile views a day */
	int64_t			 likes, replies, reposts, quotes, clicks;
	enum insights_mode	 insights;
	unsigned		 next_gen;
	struct fgmedia		**posts; /* oldest first, borrowed */
	size_t			 nposts, posts_cap;
	struct tlog		 pub_posts, pub_replies, deletes;
};

TAILQ_HEAD(fguser_list, fguser);

struct fgtoken {
	char			 str[TOKEN_LEN + 1];
	LIST_ENTRY(fgtoken)	 entry;
	struct fguser		*user;
	enum tok_kind		 kind;
	unsigned		 scopes;
	unsigned		 gen;
	int64_t			 issued_at;
	int64_t			 expires_at;
	int64_t			 data_access_expires_at;
	int64_t			 dead_at; /* 0 while not revoked */
	int			 app_removed; /* dead: the user removed the app */
};

struct fgcode {
	char			 str[CODE_LEN + 1];
	struct fguser		*user;
	unsigned		 scopes;
	int64_t			 created_at;
};

int			 store_init(void);
void			 store_free(void);

struct fguser_list	*store_users(void);
struct fguser		*store_user_by_name(const char *);
struct fguser		*store_user_by_id(const char *);
int			 store_user_add(const char *, int64_t,
			    struct fguser **);
int			 store_user_rename(struct fguser *, const char *);
int			 store_set_str(char **, const char *);

int			 store_token_new(struct fguser *, enum tok_kind,
			    unsigned, unsigned, int64_t, int64_t,
			    struct fgtoken **);
struct fgtoken		*store_token_get(const char *);
enum tok_state		 store_token_state(const struct fgtoken *,
			    int64_t);
int64_t			 store_token_end(const struct fgtoken *);
void			 store_revoke(struct fguser *, int64_t);
void			 store_remove_app(struct fguser *, int64_t);

int			 store_code_new(struct fguser *, unsigned,
			    struct fgcode **);
struct fgcode		*store_code_get(const char *);
void			 store_code_del(struct fgcode *);

int			 tlog_add(struct tlog *, int64_t);
size_t			 tlog_count_since(const struct tlog *, int64_t);

#endif
