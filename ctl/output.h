/*
 * threadsctl's two printers behind one interface: tables for people, and
 * the daemon's result unchanged for --json.  Commands call the printer's
 * hook for what they got; they never format output themselves.
 */
#ifndef THREADSCTL_OUTPUT_H
#define THREADSCTL_OUTPUT_H

#include <json-c/json.h>

struct output {
	void	(*status)(struct json_object *result);
	void	(*accounts)(struct json_object *result);
	void	(*account)(struct json_object *result);
	void	(*added)(struct json_object *result);
	void	(*stats)(struct json_object *result);
	void	(*metrics)(struct json_object *result);
	void	(*posts)(struct json_object *result);
	void	(*post)(struct json_object *result);
	void	(*scheduled)(struct json_object *result);
	void	(*calendar)(struct json_object *result);
	/* A command that only succeeded: what says what happened. */
	void	(*done)(struct json_object *result, const char *what);
};

/* For the human printers: a field as a string (NULL when absent or
 * null), and "-" for NULL. */
const char	*output_field(struct json_object *, const char *key);
const char	*output_dash(const char *);

/*
 * The width tables fit in: the terminal's, else $COLUMNS, else 80 (so a
 * pipe gets what an 80-column terminal gets).
 */
size_t		 output_width(void);

extern const struct output output_human;
extern const struct output output_json;

/*
 * Colour for the human printers: the SGR sequence that says how a state
 * (of an account or a post) is going, or "" when stdout is not a
 * terminal, NO_COLOR is set and not empty, or TERM is dumb; and the
 * sequence that ends what `on` started ("" after "").
 */
const char	*output_state_color(const char *state);
const char	*output_color_off(const char *on);

/* output-stats.c: the human forms of stats and metrics */
void	output_human_stats(struct json_object *result);
void	output_human_metrics(struct json_object *result);
/* stats --metric NAME (followers, views, ..., posts; "all") and --csv. */
void	output_stats_options(const char *metric, int csv);
int	output_stats_metric_known(const char *name);

/* output-post.c: the human forms of posts */
void	output_human_posts(struct json_object *result);
void	output_human_post(struct json_object *result);
void	output_human_scheduled(struct json_object *result);
void	output_human_calendar(struct json_object *result);

#endif
