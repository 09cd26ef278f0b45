/*
 * threadsctl status and reload.
 */
#include "threadsctl.h"

static void
show_status(struct ctl *ctl, struct json_object *result)
{
	ctl->out->status(result);
}

int
cmd_status(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return ctl_call(ctl, "status", NULL, show_status);
}

static void
show_reloaded(struct ctl *ctl, struct json_object *result)
{
	ctl->out->done(result, "configuration reloaded");
}

int
cmd_reload(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return ctl_call(ctl, "reload", NULL, show_reloaded);
}
