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
};

extern struct fgconf	fgconf;

void	conf_knobs_default(void);

#endif
