/*
 * The daemon's context as every part sees it: the clocks, the uptime,
 * the one-line STATUS= summary sent to systemd, and the owners' timers
 * made and freed together.  It sits below the
 * owners, which call it; it calls none of them.  The wiring that builds
 * the context is run.c's, the config reload reload.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "daemon/daemon.h"
#include "daemon/store/status.h"

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

int
daemon_timers_new(struct daemon *d, const struct daemon_timer *t, size_t n,
    void *arg)
{
	size_t i;

	for (i = 0; i < n; i++)
		*t[i].ev = NULL;
	for (i = 0; i < n; i++)
		if ((*t[i].ev = evtimer_new(d->base, t[i].cb, arg)) == NULL) {
			daemon_timers_free(t, i);
			return -ENOMEM;
		}
	return 0;
}

void
daemon_timers_free(const struct daemon_timer *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (*t[i].ev != NULL) {
			event_free(*t[i].ev);
			*t[i].ev = NULL;
		}
}
