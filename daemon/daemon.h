/*
 * The daemon's one context: what main() builds and hands to every owner.
 * Owned by main.c; everything else borrows it.
 */
#ifndef THREADSD_DAEMON_H
#define THREADSD_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"

struct event_base;
struct event;
struct config;
struct store;
struct control;
struct http;
struct graph;
struct seal;
struct secret;
struct tokens;
struct connects;
struct poller;
struct sched;
struct probes;
struct forget;
struct compactor;

struct daemon {
	struct event_base	*base;
	const char		*config_path;
	struct config		*cfg;
	struct store		*store;
	struct control		*control;
	struct http		*http;
	struct graph		*graph;
	struct seal		*seal;		/* the token key */
	struct secret		*app_secret;	/* NULL: none configured */
	struct tokens		*tokens;	/* the token keeper */
	struct connects		*connects;	/* add-account jobs */
	struct poller		*poller;	/* metrics polling */
	struct sched		*sched;		/* the post scheduler */
	struct probes		*probes;	/* media URL checks */
	struct forget		*forget;	/* erases revoked accounts */
	struct compactor	*compactor;	/* store compaction */
	struct auth_states	 auth;		/* OAuth states handed out */
	int64_t			 started_mono;	/* CLOCK_MONOTONIC seconds */
	int			 stopping;	/* SIGTERM: draining (main.c) */
	struct event		*drain;		/* ... its check */
	uint64_t		 drain_until;	/* ... CLOCK_MONOTONIC usec */
};

/* Wall-clock time in seconds: every due time and expiry is one. */
int64_t	daemon_now(void);

/* Seconds since the daemon started. */
int64_t	daemon_uptime(const struct daemon *);

/* Re-reads the config (SIGHUP, `reload`).  0 or -errno; errbuf says why. */
int	daemon_reload(struct daemon *, char *errbuf, size_t errlen);

/* Refreshes the one-line STATUS= summary sent to systemd. */
void	daemon_notify_status(struct daemon *);

#endif
