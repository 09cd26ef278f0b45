/*
 * The daemon's context as every part sees it: the clocks, the uptime and
 * the one-line STATUS= summary sent to systemd.  It sits below the
 * owners, which call it; it calls none of them.  The wiring that builds
 * the context is run.c's, the config reload reload.c's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "status.h"

int64_t
daemon_now(void)
{
	return (int64_t)time(NULL);
}

uint64_t
daemon_mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int64_t
daemon_uptime(const struct daemon *d)
{
	return (int64_t)(daemon_mono_usec() / 1000000) - d->started_mono;
}

void
daemon_notify_status(struct daemon *d)
{
	static char sent[256];
	struct status_counts sc;
	char line[256];

	if (status_counts(d->store, &sc) < 0)
		return;
	status_line(&sc, line, sizeof(line));
	if (strcmp(line, sent) == 0)
		return;
	if (sd_notifyf(0, "STATUS=%s", line) > 0)
		snprintf(sent, sizeof(sent), "%s", line);
}
