/*
 * Media URL probes for post.schedule: a HEAD request to each image or
 * video URL, because Meta must be able to fetch it at container creation
 * ("We will cURL your image").  What they find is a list of warnings for
 * the operator, never a refusal: a URL may be fine from Meta's side and
 * not from ours.
 */
#ifndef THREADSD_PROBE_H
#define THREADSD_PROBE_H

#include <stddef.h>

#include <json-c/json.h>

struct http;
struct probes;

#define PROBE_TIMEOUT	5	/* seconds per HEAD */

/* Called once with the warnings (an array of strings, borrowed). */
typedef void	(*probe_done_cb)(struct json_object *warnings, void *arg);

/* Owner: run.c.  NULL when out of memory. */
struct probes	*probes_new(struct http *);
/* Abandons the probes in flight: their callbacks do not run. */
void		 probes_free(struct probes *);

/*
 * HEADs the n URLs (video[i]: a video is expected, else an image) and
 * calls cb from the loop when all have answered.  0 or -ENOMEM.
 */
int		 probe_media(struct probes *, const char *const *urls,
		    const int *video, size_t n, probe_done_cb, void *arg);

#endif
