/*
 * The request handlers, one file per family (req-status.c, ...), and the
 * field table that checks a request's arguments before a handler uses
 * them.  control.c holds the table that names them.
 */
#ifndef THREADSD_REQ_H
#define THREADSD_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "control.h"

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
