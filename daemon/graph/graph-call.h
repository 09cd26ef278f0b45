/*
 * What graph.c, the call core, shares with the family files
 * (graph-token.c, graph-user.c, graph-media.c): the client itself, a
 * row of a family's call table, and the helpers their parsers use.
 * Nothing outside daemon/graph*.c includes it; graph.h is the client's
 * surface.
 */
#ifndef THREADSD_GRAPH_CALL_H
#define THREADSD_GRAPH_CALL_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Below graph.h (which graph.c and the family files include too). */
struct http;
struct graph_call;
struct graph_error;

struct graph {
	struct http		*http;
	char			*base_url;	/* no trailing '/' */
	char			*app_id;
	char			*redirect_uri;
	const char		*app_secret;	/* borrowed */
	TAILQ_HEAD(, graph_call) calls;
	int			 draining;	/* graph_drain() was called */
	int			 in_durable;	/* in a durable call's callback */
	size_t			 ndurable;	/* durable calls out */
};

/*
 * A caller's callback (graph_token_cb, graph_profile_cb, ...), held as
 * this and turned back into its own type by the reader of its call.
 */
typedef void	(*graph_cb)(void);

/* How one kind of answer is read and handed to its callback. */
struct graph_reader {
	size_t	 size;		/* of the result */
	/* A graph_parse_*() of the result type: 0, or -1 with err set. */
	int	(*parse)(long status, const char *body, size_t len,
		    void *ret, struct graph_error *err);
	/* Calls cb, turned back into its type; res NULL: it failed. */
	void	(*deliver)(graph_cb cb, const struct graph_error *err,
		    void *res, void *arg);
	/* Frees what a parsed result holds; NULL: nothing. */
	void	(*clear)(void *res);
};

/*
 * A reader for results of type type: parse is the graph_parse_*() and
 * cbtype the callback type of its calls.  GRAPH_READER_CLEAR adds the
 * graph_*_clear() of a result that holds memory.
 */
#define GRAPH_READER_FNS(name, type, parse_fn, cbtype)			\
static int								\
name##_parse(long status, const char *body, size_t len, void *ret,	\
    struct graph_error *err)						\
{									\
	return parse_fn(status, body, len, ret, err);			\
}									\
static void								\
name##_deliver(graph_cb cb, const struct graph_error *err, void *res,	\
    void *arg)								\
{									\
	((cbtype)cb)(err, res, arg);					\
}
#define GRAPH_READER(name, type, parse_fn, cbtype)			\
GRAPH_READER_FNS(name, type, parse_fn, cbtype)				\
static const struct graph_reader name = {				\
	sizeof(type), name##_parse, name##_deliver, NULL		\
}
#define GRAPH_READER_CLEAR(name, type, parse_fn, cbtype, clear_fn)	\
GRAPH_READER_FNS(name, type, parse_fn, cbtype)				\
static void								\
name##_clear(void *res)							\
{									\
	clear_fn(res);							\
}									\
static const struct graph_reader name = {				\
	sizeof(type), name##_parse, name##_deliver, name##_clear	\
}

#define GRAPH_BEARER	0x1	/* the token goes as a Bearer header */
#define GRAPH_SECRET	0x2	/* needs the app secret */
#define GRAPH_DURABLE	0x4	/* its answer changes what we store */
#define GRAPH_ID	0x8	/* arg1 is an id: digits, or refused */

/* One Graph API call: a row of a family's table. */
struct graph_def {
	const char		*method;	/* "GET" or "POST" */
	/* printf format; each %s takes arg1, arg2 (URL-escaped). */
	const char		*path;
	const char		*fields;	/* ?fields= or &fields=; NULL */
	int			 flags;
	const struct graph_reader *reader;
};

/* What one call sends besides its row; unused members NULL. */
struct graph_req {
	const char		*token;		/* GRAPH_BEARER */
	const char		*arg1;		/* the path's %s, in order */
	const char		*arg2;
	/*
	 * A listing's page: &limit= when > 0, &since= when since_set; a
	 * since before 0 refuses the call.
	 */
	int			 limit;
	int			 since_set;
	int64_t			 since;
	const char		*after;		/* a cursor: "&after=" */
	/* The query of a GET, the form body of a POST (key, value, ...). */
	const char *const	*kv;
	int			 held;	/* made now, graph_release() sends it */
};

/*
 * Starts def with rq; cb is the caller's typed callback.  NULL when an
 * argument is missing or bad, or out of memory.
 */
struct graph_call *graph_send(struct graph *, const struct graph_def *def,
		    const struct graph_req *rq, graph_cb cb, void *arg);

/* Ids go into paths and bodies: digits only, or the call is refused. */
int		 graph_id_ok(const char *);

/* For the parsers of the family files. */
struct json_object *graph_response(long status, const char *body,
		    size_t len, struct graph_error *err);
struct json_object *graph_get(struct json_object *, const char *key,
		    enum json_type);
/*
 * graph_response() of an answer with "data" of type (every listing's,
 * and a few more): the data, borrowed from *ret_root, which the caller
 * puts; or NULL with err set ("missing data") and nothing to put.
 */
struct json_object *graph_response_data(long status, const char *body,
		    size_t len, enum json_type type,
		    struct json_object **ret_root, struct graph_error *err);
/* A listing's paging.cursors.after; NULL when absent. */
const char	*graph_cursor_after(struct json_object *root);
const char	*graph_get_string(struct json_object *, const char *key);
int		 graph_id(struct json_object *, char *ret_id);
int		 graph_get_id(struct json_object *, const char *key,
		    char *ret_id);
void		 graph_copy_text(char *dst, size_t size, const char *src,
		    size_t len);
void		 graph_set_message(struct graph_error *, const char *msg);
void		 graph_malformed(struct graph_error *, const char *what);
/* "out of memory", transient. */
void		 graph_nomem(struct graph_error *);

#endif
