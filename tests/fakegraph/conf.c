/*
 * conf: the one global settings struct and the knobs' defaults.
 *
 * main.c fills the command line part; admin.c turns the knobs.
 */
#include "conf.h"

struct fgconf	fgconf;

void
conf_knobs_default(void)
{
	/* Text is ready at once; video takes a few (fake clock) seconds. */
	fgconf.text_delay = 0;
	fgconf.image_delay = 0;
	fgconf.video_delay = 3;
	/* threads-api.md 6.4 */
	fgconf.post_quota = 250;
	fgconf.reply_quota = 1000;
	fgconf.delete_quota = 100;
	fgconf.live = 1;
	fgconf.notready_age = 0;
	fgconf.notready_percent = 0;
	fgconf.items_published = 0;
	fgconf.replies_listed = 1;
}
