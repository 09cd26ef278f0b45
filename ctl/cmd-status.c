/*
 * threadsctl status and reload.
 */
#include "client.h"
#include "ctl.h"

static int degraded;

static void
show_status(struct ctl *ctl, struct json_object *result)
{
	struct json_object *v;

	if (json_object_object_get_ex(result, "degraded", &v))
		degraded = json_object_get_boolean(v);
	ctl->out->status(result);
}

/* Like systemctl is-system-running: running, or degraded (EXIT_DEGRADED). */
int
cmd_status(struct ctl *ctl, int argc, char **argv)
{
	int r;

	(void)argc;
	(void)argv;
	if ((r = ctl_call(ctl, "status", NULL, show_status)) != EXIT_OK)
		return r;
	return degraded ? EXIT_DEGRADED : EXIT_OK;
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
