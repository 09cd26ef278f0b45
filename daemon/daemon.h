/*
 * The daemon's one context: what run_open() builds and hands to every
 * owner, and the clocks and STATUS= line any of them may use
 * (daemon.c).  Owned by run.c; everything else borrows it.
 */
#ifndef THREADSD_DAEMON_H
#define THREADSD_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/graph/auth.h"

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
struct erase_hooks;
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
	const struct erase_hooks *erase_hooks;	/* the owners' part (run.c) */
	struct compactor	*compactor;	/* store compaction */
	struct auth_states	 auth;		/* OAuth states handed out */
	int64_t			 started_mono;	/* CLOCK_MONOTONIC seconds */
	int			 stopping;	/* SIGTERM: draining (run.c) */
	struct event		*drain;		/* ... its check */
	uint64_t		 drain_until;	/* ... CLOCK_MONOTONIC usec */
	struct event		*signals[3];	/* TERM, INT, HUP (run.c) */
	struct event		*watchdog;	/* NULL: no WatchdogSec= */
	struct event		*status_timer;	/* STATUS= refresh */
};

/* Wall-clock time in seconds: every due time and expiry is one. */
int64_t	daemon_now(void);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t daemon_mono_usec(void);

/* Seconds since the daemon started. */
int64_t	daemon_uptime(const struct daemon *);

/* Refreshes the one-line STATUS= summary sent to systemd. */
void	daemon_notify_status(struct daemon *);

/* An owner's timer on the loop: where it goes and what it runs. */
struct daemon_timer {
	struct event	**ev;
	void		(*cb)(int, short, void *);
};
/*
 * Makes an owner's n timers, each running its cb with arg: all of them
 * (0), or none (-ENOMEM, and every *ev is NULL).
 */
int	daemon_timers_new(struct daemon *, const struct daemon_timer *,
	    size_t n, void *arg);
/* Frees the timers of the table (NULL ones too) and clears them. */
void	daemon_timers_free(const struct daemon_timer *, size_t n);

#endif
