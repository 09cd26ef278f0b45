/*
 * What every threadsctl command gets: the socket to talk to and the
 * printer chosen by --json.  Commands live in cmd-*.c, one family each.
 */
#ifndef THREADSCTL_H
#define THREADSCTL_H

#include <json-c/json.h>

#include "output.h"

struct ctl {
	const char		*socket;
	const struct output	*out;
	int			 json;
};

struct verb {
	const char	*name;
	int		 min_args;	/* operands after the verb */
	int		 max_args;	/* VERB_ANY: no limit */
	int		(*fn)(struct ctl *, int argc, char **argv);
	const char	*usage;		/* operands and options */
	const char	*help;		/* one line */
};
#define VERB_ANY	-1

/*
 * Sends cmd with args (taken) and, on success, hands the result to show
 * (borrowed, valid during the call).  Prints the daemon's refusal.
 * Returns an exit code.
 */
int	ctl_call(struct ctl *, const char *cmd, struct json_object *args,
	    void (*show)(struct ctl *, struct json_object *result));

/* cmd-status.c */
int	cmd_status(struct ctl *, int, char **);
int	cmd_reload(struct ctl *, int, char **);

/* cmd-account.c */
int	cmd_add_account(struct ctl *, int, char **);
int	cmd_accounts(struct ctl *, int, char **);
int	cmd_show(struct ctl *, int, char **);
int	cmd_remove_account(struct ctl *, int, char **);
int	cmd_export(struct ctl *, int, char **);
int	cmd_refresh(struct ctl *, int, char **);

/* cmd-stats.c */
int	cmd_stats(struct ctl *, int, char **);
int	cmd_poll(struct ctl *, int, char **);
int	cmd_metrics(struct ctl *, int, char **);

/* cmd-post.c */
int	cmd_post(struct ctl *, int, char **);
int	cmd_queue(struct ctl *, int, char **);
int	cmd_show_post(struct ctl *, int, char **);
int	cmd_cancel(struct ctl *, int, char **);
int	cmd_retry(struct ctl *, int, char **);

#endif
