/*
 * The Threads Graph API client: builds requests, sends them through http,
 * and turns responses into C structs plus one classified error.  Ids stay
 * strings; big numbers are int64, never doubles.  It does not log above
 * debug and keeps no state about accounts: callers own that.
 */
#ifndef THREADSD_GRAPH_H
#define THREADSD_GRAPH_H

#include <stddef.h>
#include <stdint.h>

struct http;
struct graph;
struct graph_call;

enum graph_class {
	GRAPH_OK = 0,
	GRAPH_TRANSIENT,	/* network, 5xx, codes 1/2, is_transient */
	GRAPH_THROTTLED,	/* 4/17/32/613: back off */
	GRAPH_AUTH,		/* 190/102: the account needs re-auth */
	GRAPH_NOT_READY,	/* 24/4279009: the container is not ready */
	GRAPH_PERMANENT,	/* everything else */
};

struct graph_error {
	enum graph_class class;
	long		 http_status;	/* 0: no HTTP answer */
	int		 code;		/* Meta's error code; 0: none */
	int		 subcode;
	char		 type[64];	/* OAuthException, THApiException, ... */
	char		 message[256];	/* Meta's text, or what went wrong */
	char		 fbtrace_id[64];
};

const char	*graph_class_name(enum graph_class);

/* Ids are decimal strings of at most this many bytes, NUL included. */
#define GRAPH_ID_LEN	32

/* A token from an exchange or a refresh; access_token is wiped and freed. */
struct graph_token {
	char		*access_token;
	char		 user_id[GRAPH_ID_LEN];	/* code exchange only; else "" */
	int64_t		 expires_in;		/* seconds; -1 when not given */
};
void		 graph_token_clear(struct graph_token *);

/* /me.  Any string may be NULL when Meta did not send it. */
struct graph_profile {
	char		 id[GRAPH_ID_LEN];
	char		*username;
	char		*name;
	char		*picture_url;
};
void		 graph_profile_clear(struct graph_profile *);

/* debug_token.  Times are Unix seconds; 0 when absent. */
struct graph_token_info {
	int		 is_valid;
	int64_t		 issued_at;
	int64_t		 expires_at;
	char		 user_id[GRAPH_ID_LEN];
};

/*
 * Callbacks run once from the loop with err->class GRAPH_OK on success,
 * unless the call was cancelled.  Results are valid during the callback
 * and NULL on failure; a callback that keeps a token must take it (set
 * the pointer to NULL).
 */
typedef void	(*graph_token_cb)(const struct graph_error *,
		    struct graph_token *, void *arg);
typedef void	(*graph_profile_cb)(const struct graph_error *,
		    const struct graph_profile *, void *arg);
typedef void	(*graph_token_info_cb)(const struct graph_error *,
		    const struct graph_token_info *, void *arg);

/*
 * base_url is the API root ("https://graph.threads.net"); the app secret
 * is borrowed and must outlive the graph (NULL: calls that need it fail
 * with GRAPH_PERMANENT "no app secret configured").
 */
struct graph	*graph_new(struct http *, const char *base_url,
		    const char *app_id, const char *redirect_uri,
		    const char *app_secret);
/* Cancels the calls in flight: their callbacks do not run. */
void		 graph_free(struct graph *);

/* Code -> short-lived token (POST /oauth/access_token, form-encoded). */
struct graph_call *graph_exchange_code(struct graph *, const char *code,
		    graph_token_cb, void *arg);
/* Short-lived -> long-lived (GET /access_token, th_exchange_token). */
struct graph_call *graph_exchange_long(struct graph *, const char *short_token,
		    graph_token_cb, void *arg);
/* Long-lived -> a new long-lived (GET /refresh_access_token). */
struct graph_call *graph_refresh(struct graph *, const char *token,
		    graph_token_cb, void *arg);
/* GET /v1.0/me?fields=id,username,name,threads_profile_picture_url */
struct graph_call *graph_me(struct graph *, const char *token,
		    graph_profile_cb, void *arg);
/* GET /v1.0/debug_token (the token inspects itself). */
struct graph_call *graph_debug_token(struct graph *, const char *token,
		    graph_token_info_cb, void *arg);

/* Abandons a call: its callback will not run.  Accepts NULL. */
void		 graph_cancel(struct graph_call *);

/*
 * Pure parsers, exposed for unit tests and fuzzing.  Each takes an HTTP
 * status and body and fills its result or err (class set either way).
 */
void		 graph_parse_error(long status, const char *body, size_t len,
		    struct graph_error *ret_err);
int		 graph_parse_token(long status, const char *body, size_t len,
		    struct graph_token *ret_tok, struct graph_error *ret_err);
int		 graph_parse_profile(long status, const char *body, size_t len,
		    struct graph_profile *ret_prof, struct graph_error *ret_err);
int		 graph_parse_token_info(long status, const char *body,
		    size_t len, struct graph_token_info *ret_info,
		    struct graph_error *ret_err);

#endif
