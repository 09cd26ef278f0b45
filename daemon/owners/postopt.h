/*
 * The newer post options as Meta wants them at container creation
 * (Create Posts: Polls, Spoilers, Text Attachments, GIFs, Ghost posts):
 * JSON objects for poll_attachment, text_entities, text_attachment and
 * gif_attachment, and the two flags.  The strings live in the postopt
 * until postopt_clear(), long enough for graph_create_container(), which
 * copies them into its form.
 */
#ifndef THREADSD_POSTOPT_H
#define THREADSD_POSTOPT_H

#include <json-c/json.h>

struct graph_container_spec;
struct post;

struct postopt {
	struct json_object	*poll;
	struct json_object	*entities;
	struct json_object	*attachment;
	struct json_object	*gif;
};

/*
 * Fills spec's option fields from p.  Items of a carousel take none of
 * them: the carousel container carries them.  0 or -ENOMEM.
 */
int	postopt_fill(struct postopt *, const struct post *p,
	    struct graph_container_spec *spec);
void	postopt_clear(struct postopt *);

#endif
