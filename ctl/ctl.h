/*
 * What every threadsctl command gets: the socket to talk to, the printer
 * chosen by --json, and the helpers of ctl.c and args.c.  Commands live
 * in cmd-*.c, one family each; threadsctl.c's verb table names them.
 */
#ifndef THREADSCTL_CTL_H
#define THREADSCTL_CTL_H

#include <getopt.h>
#include <stdio.h>

#include <json-c/json.h>

#include "output.h"

struct verb;

struct ctl {
	const struct verb	*verbs;		/* the table, for the help */
	const struct verb	*verb;		/* NULL before it is known */
	const char		*socket;
	const struct output	*out;
	int			 json;
};

struct verb {
	const char	*name;
	int		 min_args;	/* operands after the verb */
	int		 max_args;	/* VERB_ANY: it parses its own */
	int		(*fn)(struct ctl *, int argc, char **argv);
	const char	*usage;		/* operands and options */
	const char	*help;		/* one line */
};
#define VERB_ANY	-1

/* The usage of threadsctl and the list of verbs. */
void	ctl_usage(const struct ctl *, FILE *);

/*
 * Sends cmd with args (taken) and, on success, hands the result to show
 * (borrowed, valid during the call).  Prints the daemon's refusal.
 * Returns an exit code.
 */
int	ctl_call(struct ctl *, const char *cmd, struct json_object *args,
	    void (*show)(struct ctl *, struct json_object *result));
/*
 * ctl_call() for a result the printer shows as it is: print is one of
 * the printer's hooks (ctl->out->posts).
 */
int	ctl_call_print(struct ctl *, const char *cmd,
	    struct json_object *args,
	    void (*print)(struct json_object *result));

/*
 * A request about one account that the daemon answers when its work is
 * done (a refresh, a poll): on a terminal, "DOING 'ACCOUNT'..." first
 * (not with --json); then the daemon's message says how it went.
 */
int	ctl_call_wait(struct ctl *, const char *cmd, const char *account,
	    const char *doing);

/* The arguments {key: value}; none when value is NULL. */
struct json_object *ctl_args(const char *key, const char *value);
/* o[key] = value, unless value is NULL. */
void	ctl_add_str(struct json_object *, const char *key, const char *value);

/*
 * getopt_long over a verb's arguments that also takes the global options
 * (-s, --json, --help, --version) wherever they stand, as systemctl does.
 * Returns the verb's next option, -1 at the end, or '?' after printing
 * what was wrong (then the verb exits EXIT_USAGE).  Reset optind to 0
 * before the first call.
 */
int	ctl_getopt(struct ctl *, int argc, char **argv, const char *shortopts,
	    const struct option *longopts);

/*
 * An argument error: "threadsctl: MESSAGE" and the line that says where
 * help is, on stderr.  Returns EXIT_USAGE.
 */
int	ctl_usage_error(struct ctl *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Exactly n operands after the options (from optind): 0, or the usage
 * error, "missing" when there are fewer (NULL when n is 0), the first
 * one too many when there are more.
 */
int	ctl_operands(struct ctl *, int argc, char **argv, int n,
	    const char *missing);

/*
 * The syntax of a verb that asks first (remove-account, cancel): -y or
 * --yes (*ret_yes), then one operand (argv[optind]).  0 or EXIT_USAGE,
 * as ctl_operands().
 */
int	ctl_yes_operand(struct ctl *, int argc, char **argv,
	    const char *missing, int *ret_yes);

/*
 * Asks on stderr (fmt, then " [y/N] ") and reads the answer from stdin:
 * 0 when it is yes, else EXIT_REFUSED after printing no.
 */
int	ctl_confirm(const char *no, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * args.c: argument syntax, checked before anything is sent.  what names
 * the argument ("--at", "ID").  0, or EXIT_USAGE after saying why.
 */
extern const char *const ctl_post_states[];	/* NULL-terminated */
int	ctl_check_post_id(struct ctl *, const char *what, const char *s);
int	ctl_check_state(struct ctl *, const char *what, const char *s);
int	ctl_check_zone(struct ctl *, const char *what, const char *zone);
int	ctl_check_time(struct ctl *, const char *what, const char *s);
int	ctl_check_since(struct ctl *, const char *what, const char *s);
/* 0 to 1000000 into *ret_n. */
int	ctl_check_count(struct ctl *, const char *what, const char *s,
	    long *ret_n);

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
int	cmd_repost(struct ctl *, int, char **);
int	cmd_edit(struct ctl *, int, char **);
int	cmd_import(struct ctl *, int, char **);
int	cmd_calendar(struct ctl *, int, char **);
int	cmd_queue(struct ctl *, int, char **);
int	cmd_show_post(struct ctl *, int, char **);
int	cmd_cancel(struct ctl *, int, char **);
int	cmd_retry(struct ctl *, int, char **);

#endif
