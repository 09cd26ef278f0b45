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

/*
 * Stopping (SIGTERM).  The calls whose answer must be recorded (token
 * exchange, refresh and debug_token, container create, publish, and any
 * call started from the callback of one of those, which continues its
 * work) go on; every other call in flight is cut off, and every call
 * started from now on except those continuations is held: it is never
 * sent and never answers, and its owner cancels it as usual.  So is a
 * publish made held and not yet released (graph_publish_held()), even
 * a durable one: it was never out.  Returns the number of calls cut
 * off, which does not count those.
 */
size_t		 graph_drain(struct graph *);
/* Calls whose answer must be recorded that are out and not answered. */
size_t		 graph_in_flight_durable(const struct graph *);

/* Code -> short-lived token (POST /oauth/access_token, form-encoded). */
struct graph_call *graph_exchange_code(struct graph *, const char *code,
		    graph_token_cb, void *arg);
/*
 * Short-lived -> long-lived: GET /access_token?grant_type=th_exchange_token
 * &client_secret=&access_token= (D-ll).
 */
struct graph_call *graph_exchange_long(struct graph *, const char *short_token,
		    graph_token_cb, void *arg);
/*
 * Long-lived -> a new long-lived: GET /refresh_access_token
 * ?grant_type=th_refresh_token&access_token= (D-ll; no secret).
 */
struct graph_call *graph_refresh(struct graph *, const char *token,
		    graph_token_cb, void *arg);
/* GET /v1.0/me?fields=id,username,name,threads_profile_picture_url */
struct graph_call *graph_me(struct graph *, const char *token,
		    graph_profile_cb, void *arg);
/*
 * GET /v1.0/debug_token?access_token=&input_token= (D-dbg), the token
 * inspecting itself.
 */
struct graph_call *graph_debug_token(struct graph *, const char *token,
		    graph_token_info_cb, void *arg);

/*
 * What the poller reads.  A number Meta did not send is GRAPH_UNKNOWN,
 * never 0.
 */
#define GRAPH_UNKNOWN	(-1)

/* threads_insights, one value per metric whatever its shape. */
struct graph_insights {
	int64_t		 views;		/* values[]: the latest day */
	int64_t		 likes;		/* total_value.value */
	int64_t		 replies;
	int64_t		 reposts;
	int64_t		 quotes;
	int64_t		 clicks;	/* link_total_values summed */
	int64_t		 followers;	/* followers_count */
};

/* profile_lookup: a public profile (Meta sends no id). */
struct graph_lookup {
	int64_t		 followers;	/* follower_count */
};

/* One page of /me/threads, newest first. */
struct graph_page {
	size_t		 n;		/* posts on the page */
	int64_t		*at;		/* their timestamps; 0 when absent */
	char		*after;		/* the next page's cursor; NULL: last */
};
void		 graph_page_clear(struct graph_page *);

typedef void	(*graph_insights_cb)(const struct graph_error *,
		    const struct graph_insights *, void *arg);
typedef void	(*graph_lookup_cb)(const struct graph_error *,
		    const struct graph_lookup *, void *arg);
typedef void	(*graph_page_cb)(const struct graph_error *,
		    const struct graph_page *, void *arg);

/* GET /v1.0/{user_id}/threads_insights?metric=metrics (comma-separated) */
struct graph_call *graph_insights(struct graph *, const char *token,
		    const char *user_id, const char *metrics,
		    graph_insights_cb, void *arg);
/* GET /v1.0/profile_lookup?username=&fields=username,follower_count */
struct graph_call *graph_profile_lookup(struct graph *, const char *token,
		    const char *username, graph_lookup_cb, void *arg);
/*
 * GET /v1.0/me/threads?fields=id,timestamp&limit=GRAPH_PAGE_LIMIT, with
 * since (Unix seconds; 0: none) and after (a cursor; NULL: none).
 */
#define GRAPH_PAGE_LIMIT	100
struct graph_call *graph_threads_page(struct graph *, const char *token,
		    int64_t since, const char *after, graph_page_cb,
		    void *arg);

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
int		 graph_parse_insights(long status, const char *body,
		    size_t len, struct graph_insights *ret_ins,
		    struct graph_error *ret_err);
int		 graph_parse_lookup(long status, const char *body, size_t len,
		    struct graph_lookup *ret_lookup,
		    struct graph_error *ret_err);
int		 graph_parse_page(long status, const char *body, size_t len,
		    struct graph_page *ret_page, struct graph_error *ret_err);

/*
 * Publishing (threads-api.md §6): containers, their status, the publish
 * call, the quota, a media's permalink, and the listing that finds a post
 * whose publish answer was lost.  Ids are digit strings.
 */
enum graph_media_type {
	GRAPH_MEDIA_TEXT,
	GRAPH_MEDIA_IMAGE,
	GRAPH_MEDIA_VIDEO,
	GRAPH_MEDIA_CAROUSEL,
};

/* One container to create; any string may be NULL (not sent). */
struct graph_container_spec {
	enum graph_media_type	 type;
	const char		*text;
	const char		*media_url;	/* image_url or video_url */
	const char		*alt_text;
	int			 is_carousel_item;
	const char		*children;	/* "id1,id2,..." */
	const char		*reply_to_id;
	const char		*reply_control;
	const char		*quote_post_id;
	const char		*link_attachment;
	const char		*topic_tag;
	/* The newer options (Create Posts), JSON where Meta wants JSON. */
	int			 is_ghost_post;
	const char		*poll_attachment;
	const char		*text_entities;
	int			 is_spoiler_media;
	const char		*text_attachment;
	const char		*gif_attachment;
};

enum graph_container_state {
	GRAPH_CONTAINER_IN_PROGRESS,
	GRAPH_CONTAINER_FINISHED,
	GRAPH_CONTAINER_PUBLISHED,
	GRAPH_CONTAINER_ERROR,
	GRAPH_CONTAINER_EXPIRED,
};

struct graph_container {
	char			 id[GRAPH_ID_LEN];
	enum graph_container_state state;
	char			 error_message[128];	/* "" when none */
};

/* threads_publishing_limit; -1 for what Meta did not send. */
struct graph_quota {
	int64_t		 posts_used;
	int64_t		 posts_total;
	int64_t		 replies_used;
	int64_t		 replies_total;
	int64_t		 duration;	/* seconds */
};

/* GET /{media-id}?fields=id,permalink; permalink "" when withheld. */
struct graph_media {
	char		 id[GRAPH_ID_LEN];
	char		 permalink[512];
};

/* One page of /me/threads with what recovery matches on. */
struct graph_thread {
	char		 id[GRAPH_ID_LEN];
	char		*text;		/* NULL: none */
	int64_t		 timestamp;	/* 0: absent */
	char		 media_type[24];	/* TEXT_POST, IMAGE, ... */
	char		 reposted[GRAPH_ID_LEN];	/* REPOST_FACADE: of */
};
struct graph_threads {
	struct graph_thread *items;
	size_t		 n;
	char		*after;		/* the next page's cursor; NULL: last */
};
void		 graph_threads_clear(struct graph_threads *);

typedef void	(*graph_id_cb)(const struct graph_error *, const char *id,
		    void *arg);
typedef void	(*graph_container_cb)(const struct graph_error *,
		    const struct graph_container *, void *arg);
typedef void	(*graph_quota_cb)(const struct graph_error *,
		    const struct graph_quota *, void *arg);
typedef void	(*graph_media_cb)(const struct graph_error *,
		    const struct graph_media *, void *arg);
typedef void	(*graph_threads_cb)(const struct graph_error *,
		    const struct graph_threads *, void *arg);

/* POST /v1.0/me/threads (form-encoded): the container id. */
struct graph_call *graph_create_container(struct graph *, const char *token,
		    const struct graph_container_spec *, graph_id_cb,
		    void *arg);
/* GET /v1.0/{container-id}?fields=id,status,error_message */
struct graph_call *graph_container_status(struct graph *, const char *token,
		    const char *container_id, graph_container_cb, void *arg);
/* POST /v1.0/me/threads_publish, creation_id in the body: the media id. */
struct graph_call *graph_publish(struct graph *, const char *token,
		    const char *container_id, graph_id_cb, void *arg);
/* POST /v1.0/{media-id}/repost: the repost's media id. */
struct graph_call *graph_repost(struct graph *, const char *token,
		    const char *media_id, graph_id_cb, void *arg);
/*
 * The same two, made now and sent by graph_release(): a publish held for
 * its due instant is built before it, so that at the instant only its
 * request is sent.  Not out (graph_drain(), http_in_flight()) until
 * then; cancelled as any call.
 */
struct graph_call *graph_publish_held(struct graph *, const char *token,
		    const char *container_id, graph_id_cb, void *arg);
struct graph_call *graph_repost_held(struct graph *, const char *token,
		    const char *media_id, graph_id_cb, void *arg);
/*
 * Sends a held call; a no-op for one that is not (or was held by
 * graph_drain(): it never answers).  0, or -ENOMEM: then the call is
 * cancelled and its handle gone.
 */
int		 graph_release(struct graph_call *);
/*
 * GET /v1.0/me/threads_publishing_limit?fields=quota_usage,config: the
 * posts' quota only (replies_* stay -1 unless Meta sends them).
 */
struct graph_call *graph_publishing_limit(struct graph *, const char *token,
		    graph_quota_cb, void *arg);
/* GET /v1.0/{media-id}?fields=id,permalink */
struct graph_call *graph_media_permalink(struct graph *, const char *token,
		    const char *media_id, graph_media_cb, void *arg);
/*
 * GET /v1.0/me/threads?fields=id,text,timestamp,media_type,reposted_post
 * &limit=100,
 * since (Unix seconds) and after (a cursor; NULL: the first page).
 */
struct graph_call *graph_threads_since(struct graph *, const char *token,
		    int64_t since, const char *after, graph_threads_cb,
		    void *arg);

/* The refusal of a publish over the 24 h quota (code 9, §6.4). */
int		 graph_error_is_quota(const struct graph_error *);
/* 190/458: the user removed the app (a GRAPH_AUTH error). */
int		 graph_error_is_revoked(const struct graph_error *);
/* "TEXT_POST" etc., the read-side name of a created type. */
const char	*graph_media_read_name(enum graph_media_type);

int		 graph_parse_id(long status, const char *body, size_t len,
		    char ret_id[GRAPH_ID_LEN], struct graph_error *ret_err);
int		 graph_parse_container(long status, const char *body,
		    size_t len, struct graph_container *ret_c,
		    struct graph_error *ret_err);
int		 graph_parse_quota(long status, const char *body, size_t len,
		    struct graph_quota *ret_q, struct graph_error *ret_err);
int		 graph_parse_media(long status, const char *body, size_t len,
		    struct graph_media *ret_m, struct graph_error *ret_err);
int		 graph_parse_threads(long status, const char *body, size_t len,
		    struct graph_threads *ret_t, struct graph_error *ret_err);

#endif
