/*
 * conf: the command line settings and the knobs /__admin/config turns.
 */
#ifndef FG_CONF_H
#define FG_CONF_H

#include <stdint.h>

struct fgconf {
	char		*app_id;
	char		*app_secret;	/* wiped before free */
	char		*redirect_uri;
	int		 verbose;
	int		 demo;

	/* Runtime knobs, reset by /__admin/reset. */
	/* Seconds a new container stays IN_PROGRESS. */
	int64_t		 text_delay;
	int64_t		 image_delay;
	int64_t		 video_delay;
	int64_t		 post_quota;	/* per rolling 24 h */
	int64_t		 reply_quota;
	int64_t		 delete_quota;
	int64_t		 live;		/* 0: Development mode, testers only */
	/*
	 * Fault knobs, off by default; no ordinary test turns them on.  A
	 * FINISHED container younger than notready_age (seconds, fake
	 * clock) answers threads_publish with 24/4279009 in notready_percent
	 * of the tries (100: always), as Meta does right after FINISHED.
	 */
	int64_t		 notready_age;
	int64_t		 notready_percent;
	/* Carousel items read back PUBLISHED once FINISHED (a lie). */
	int64_t		 items_published;
	/* 0: /{user}/threads leaves replies out (Meta does not say). */
	int64_t		 replies_listed;
};

extern struct fgconf	fgconf;

void	conf_knobs_default(void);

#endif
