/*
 * A request in flight, the handlers, one file per family (req-status.c,
 * ...), the answers they give (req.c) and the field table that checks a
 * request's arguments before a handler uses them (req-args.c).
 * control.c holds the table that names the handlers; they answer
 * through req->done, which control.c sets, so that no handler calls
 * back into control.c.
 */
#ifndef THREADSD_REQ_H
#define THREADSD_REQ_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <lmdb.h>

#include "common/proto.h"

struct account;
struct daemon;
struct conn;

#define REQ_MUTATING	0x1	/* changes state: logged with the peer */
#define REQ_SECRET	0x2	/* carries a secret: arguments wiped */

/* One request in flight.  Owned by control.c until req_ok()/req_fail(). */
struct req {
	struct daemon		*d;
	struct conn		*conn;	/* outlives the client's socket */
	struct proto_request	 pr;	/* cmd, id, args (always an object) */
	uid_t			 uid;	/* the peer, from SO_PEERCRED */
	pid_t			 pid;
	int			 wipe;	/* REQ_SECRET: wipe args when done */
	/* Sends line (taken), ends the request, frees it (control.c). */
	void			(*done)(struct req *, char *line);
};

typedef void	(*req_handler)(struct req *);

struct req_entry {
	const char	*name;
	req_handler	 handler;
	int		 flags;
};

/* Answers req and frees it.  result is taken (NULL: empty object). */
void	req_ok(struct req *, struct json_object *result);
void	req_fail(struct req *, enum proto_err, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The account called name (an id or a username), read in txn (NULL: in
 * a read transaction of its own) into *ret: 0, or the error once req is
 * answered ("unknown account 'NAME'", or the store's failure) and *ret
 * holds nothing.
 */
int	req_find_account(struct req *, MDB_txn *, const char *name,
	    struct account *ret);
/*
 * What an owner said when it finished a request's work (a refresh, a
 * poll): the result {"message"} to add to, or NULL once req is answered
 * with the failure (ok 0).
 */
struct json_object *req_owner_result(struct req *, int ok,
	    const char *message);
/*
 * A post's write failed (r): unless its transaction said why in err (a
 * refusal, with its *code), logged as the request's and said in err,
 * with *code ERR_INTERNAL.
 */
void	req_save_failed(struct req *, int r, enum proto_err *code, char *err,
	    size_t errlen);

enum req_arg_type {
	ARG_STRING,	/* const char * borrowed from the request */
	ARG_INT,	/* int64_t */
	ARG_BOOL,	/* int */
	ARG_ARRAY,	/* struct json_object * (an array) borrowed */
};

struct req_arg {
	const char		*name;
	enum req_arg_type	 type;
	size_t			 offset;	/* into the handler's struct */
	int			 required;
};

/*
 * Fills out from req's args per table.  Unknown arguments and wrong types
 * are refused: on failure it answers invalid_argument itself and returns
 * -EINVAL, and the handler just returns.
 */
int	req_args(struct req *, const struct req_arg *table, void *out);
/* The same for an object that is not the request's (one row of many). */
int	req_args_obj(struct json_object *args, const struct req_arg *table,
	    void *out, char *err, size_t errlen);

/* req-status.c */
void	req_ping(struct req *);
void	req_status(struct req *);
void	req_reload(struct req *);

/* req-account.c */
void	req_account_auth_url(struct req *);
void	req_account_add(struct req *);
void	req_account_list(struct req *);
void	req_account_show(struct req *);
void	req_account_remove(struct req *);
void	req_account_export(struct req *);
void	req_account_refresh(struct req *);

/* req-post.c */
void	req_post_schedule(struct req *);
void	req_post_list(struct req *);
void	req_post_calendar(struct req *);
void	req_post_show(struct req *);
void	req_post_cancel(struct req *);
void	req_post_retry(struct req *);

/* req-edit.c */
void	req_post_edit(struct req *);

/* req-import.c */
void	req_post_import(struct req *);

/* req-stats.c */
void	req_account_poll(struct req *);
void	req_stats_get(struct req *);
void	req_metrics(struct req *);

#endif
