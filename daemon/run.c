/*
 * One run of threadsd: builds the daemon context (config, the store, the
 * secrets, the loop, every owner and the control socket) and owns
 * everything in it, watches the signals (SIGHUP reloads, SIGTERM drains
 * what must be saved, then stops), pings the watchdog, and tears it all
 * down.  The owners each hang their own events off the loop.  main.c
 * parses argv and runs the loop between run_open() and run_close().
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>
#include <systemd/sd-daemon.h>

#include "daemon/store/account.h"
#include "daemon/store/compact.h"
#include "daemon/config.h"
#include "daemon/owners/connect.h"
#include "daemon/control/control.h"
#include "daemon/daemon.h"
#include "daemon/store/erase.h"
#include "daemon/owners/forget.h"
#include "daemon/graph/graph.h"
#include "daemon/graph/http.h"
#include "daemon/log.h"
#include "daemon/owners/poller.h"
#include "daemon/graph/probe.h"
#include "daemon/control/reload.h"
#include "daemon/run.h"
#include "daemon/owners/sched.h"
#include "daemon/store/seal.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"
#include "daemon/owners/tokens.h"

/*
 * Seconds between STATUS= checks.  A check is one read transaction and
 * sends only a changed line, so it can be frequent: the scheduler's
 * transitions show within this; control requests that change something
 * update it at once (control.c).
 */
#define STATUS_REFRESH	5

/*
 * Stopping waits at most this long for the answers that must be saved
 * (TimeoutStopSec= is 30 s), looking every DRAIN_TICK.
 */
#define DRAIN_MAX	10
#define DRAIN_TICK_MS	50

/* An account erased (erase.c): its poll stops first, its refresh after. */
static void
erase_before(struct daemon *d, const char *user_id)
{
	poller_forget(d->poller, user_id);
}

static void
erase_after(struct daemon *d, const char *user_id)
{
	sched_forget(d->sched, user_id);
	tokens_forget(d->tokens, user_id);
	tokens_kick(d->tokens);
}

static const struct erase_hooks erase_hooks = { erase_before, erase_after };

/* What stopping still waits for: answers out, and saves of them. */
static size_t
drain_left(struct daemon *d)
{
	return graph_in_flight_durable(d->graph) +
	    (size_t)sched_commits_pending(d->sched) +
	    (size_t)tokens_unsaved(d->tokens) +
	    (size_t)compactor_busy(d->compactor);
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	size_t n;

	(void)fd;
	(void)what;
	if ((n = drain_left(d)) == 0) {
		log_info("stopping: every answer is saved");
		event_base_loopbreak(d->base);
	} else if (daemon_mono_usec() >= d->drain_until) {
		log_warning("stopping: gave up after %d s waiting for %zu "
		    "request%s", DRAIN_MAX, n, n == 1 ? "" : "s");
		event_base_loopbreak(d->base);
	}
}

/*
 * SIGTERM: nothing new starts (graph holds new calls, control refuses
 * changes), polls and other reads are cut off, and the loop goes on
 * until the answers that must be saved are (token refreshes and
 * exchanges, container creates, publishes), DRAIN_MAX at most.  A
 * second signal stops at once.
 */
static void
daemon_stop(struct daemon *d, int sig)
{
	struct timeval tv = { 0, DRAIN_TICK_MS * 1000 };
	size_t cut, n;

	if (d->stopping) {
		log_notice("%s received again, stopping now", strsignal(sig));
		event_base_loopbreak(d->base);
		return;
	}
	d->stopping = 1;
	sd_notify(0, "STOPPING=1");
	cut = graph_drain(d->graph);
	tokens_stop(d->tokens);
	if ((n = drain_left(d)) == 0) {
		log_notice("%s received, stopping", strsignal(sig));
		event_base_loopbreak(d->base);
		return;
	}
	log_notice("%s received, stopping: waiting for %zu request%s "
	    "(at most %d s; %zu others cancelled)", strsignal(sig), n,
	    n == 1 ? "" : "s", DRAIN_MAX, cut);
	d->drain_until = daemon_mono_usec() + DRAIN_MAX * 1000000ULL;
	if ((d->drain = event_new(d->base, -1, EV_PERSIST, drain_cb,
	    d)) == NULL || event_add(d->drain, &tv) < 0) {
		log_error("stopping: cannot wait for the requests: out of "
		    "memory");
		event_base_loopbreak(d->base);
	}
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	char err[512];

	(void)what;
	switch (sig) {
	case SIGHUP:
		reload_config(d, err, sizeof(err));
		break;
	default:
		daemon_stop(d, sig);
		break;
	}
}

/* Pings systemd from the loop: if the loop hangs, the pings stop. */
static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

static void
status_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	daemon_notify_status(arg);
}

/*
 * The secrets: the app secret (optional: without it only --token-stdin
 * connects accounts) and the token key (made on first start if need be).
 */
static void
open_secrets(struct daemon *d)
{
	uint8_t key[SECRET_KEY_LEN];
	char err[512];
	int r, generated = 0;

	r = secret_load("app-secret", d->cfg->app_secret_file, &d->app_secret,
	    err, sizeof(err));
	if (r == -ENOENT && d->cfg->app_secret_file == NULL)
		log_notice("no app secret (no app-secret credential, no [api] "
		    "app_secret_file): accounts can be connected only with "
		    "'threadsctl add-account --token-stdin'");
	else if (r < 0)
		fatal("app secret: %s", err);
	r = secret_token_key(d->cfg->tokens_key_file, d->cfg->store_path, key,
	    &generated, err, sizeof(err));
	if (r < 0)
		fatal("token key: %s", err);
	if (generated)
		log_with(LOG_NOTICE, &(struct log_fields){
		    .msgid = MSGID_KEY_GENERATED },
		    "generated a new token key in %s/token.key; back it up "
		    "with the store, or provide the token-key credential",
		    d->cfg->store_path);
	d->seal = seal_new(key);
	sodium_memzero(key, sizeof(key));
	if (d->seal == NULL)
		fatal("cannot set up token sealing (libsodium)");
}

/* A core file would hold every token in memory: make none. */
static void
no_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
		log_warning("cannot disable core dumps: %s", strerror(errno));
}

/* The socket systemd passed us, or -1 to bind our own. */
static int
listen_fd_from_systemd(void)
{
	int n;

	n = sd_listen_fds(1);
	if (n < 0)
		fatal("sd_listen_fds: %s", strerror(-n));
	if (n == 0)
		return -1;
	if (n > 1)
		fatal("systemd passed %d sockets; threadsd takes one", n);
	if (sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, NULL,
	    0) <= 0)
		fatal("the socket systemd passed is not a listening Unix "
		    "stream socket");
	return SD_LISTEN_FDS_START;
}

static struct event *
add_timer(struct daemon *d, event_callback_fn cb, int64_t usec)
{
	struct timeval tv = { usec / 1000000, usec % 1000000 };
	struct event *ev;

	ev = event_new(d->base, -1, EV_PERSIST, cb, d);
	if (ev == NULL || event_add(ev, &tv) < 0)
		fatal("cannot arm a timer: out of memory");
	return ev;
}

static struct event *
add_signal(struct daemon *d, int sig)
{
	struct event *ev;

	ev = evsignal_new(d->base, sig, signal_cb, d);
	if (ev == NULL || event_add(ev, NULL) < 0)
		fatal("cannot watch signal %d", sig);
	return ev;
}

void
run_open(struct daemon *d)
{
	char err[CONFIG_ERRBUF_LEN];
	uint64_t wd_usec;
	int lfd, r;

	signal(SIGPIPE, SIG_IGN);
	no_core_dumps();
	d->started_mono = (int64_t)(daemon_mono_usec() / 1000000);

	if ((r = config_load(d->config_path, &d->cfg, err, sizeof(err))) < 0)
		fatal("%s", err);
	if ((r = store_open(d->cfg->store_path, d->cfg->store_map_size,
	    &d->store, err, sizeof(err))) < 0)
		fatal("%s", err);
	/* A store from before the due index: built once, here. */
	if ((r = account_due_check(d->store)) < 0)
		fatal("cannot index the accounts in %s: %s",
		    d->cfg->store_path, strerror(-r));
	open_secrets(d);
	if ((d->base = event_base_new()) == NULL)
		fatal("cannot create the event loop");
	/* Before any event: see SCHED_PRIORITIES. */
	if (event_base_priority_init(d->base, SCHED_PRIORITIES) < 0)
		fatal("cannot set up the event loop's priorities");
	if ((d->http = http_new(d->base, d->cfg->api_max_connections,
	    d->cfg->api_timeout)) == NULL)
		fatal("cannot set up HTTP (libcurl)");
	if ((d->graph = graph_new(d->http, d->cfg->base_url, d->cfg->app_id,
	    d->cfg->redirect_uri, d->app_secret ? d->app_secret->data :
	    NULL)) == NULL)
		fatal("out of memory");
	if ((d->compactor = compactor_new(d)) == NULL)
		fatal("cannot set up store compaction: out of memory");
	if ((d->tokens = tokens_new(d)) == NULL ||
	    (d->connects = connects_new(d)) == NULL)
		fatal("out of memory");
	if ((d->poller = poller_new(d)) == NULL)
		fatal("out of memory");
	account_set_forget_after(d->cfg->accounts_forget_revoked_after);
	d->erase_hooks = &erase_hooks;
	if ((d->forget = forget_new(d)) == NULL)
		fatal("out of memory");
	if ((d->sched = sched_new(d)) == NULL ||
	    (d->probes = probes_new(d->http)) == NULL)
		fatal("cannot start the scheduler: out of memory");
	lfd = listen_fd_from_systemd();
	if ((d->control = control_new(d, lfd)) == NULL)
		fatal("cannot open the control socket");

	d->signals[0] = add_signal(d, SIGTERM);
	d->signals[1] = add_signal(d, SIGINT);
	d->signals[2] = add_signal(d, SIGHUP);
	if (sd_watchdog_enabled(0, &wd_usec) > 0)
		d->watchdog = add_timer(d, watchdog_cb, wd_usec / 2);
	d->status_timer = add_timer(d, status_cb, STATUS_REFRESH * 1000000LL);

	log_notice("threadsd %s started (store %s, socket %s%s)",
	    THREADSD_VERSION, d->cfg->store_path, d->cfg->control_socket,
	    lfd >= 0 ? ", from systemd" : "");
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
}

void
run_close(struct daemon *d)
{
	size_t i;

	sd_notify(0, "STOPPING=1");
	for (i = 0; i < 3; i++)
		event_free(d->signals[i]);
	if (d->watchdog != NULL)
		event_free(d->watchdog);
	event_free(d->status_timer);
	if (d->drain != NULL)
		event_free(d->drain);
	connects_free(d->connects);
	poller_free(d->poller);
	forget_free(d->forget);
	probes_free(d->probes);
	sched_free(d->sched);
	tokens_free(d->tokens);
	graph_free(d->graph);
	http_free(d->http);
	compactor_free(d->compactor);
	control_free(d->control);
	event_base_free(d->base);
	store_close(d->store);
	seal_free(d->seal);
	secret_free(d->app_secret);
	config_free(d->cfg);
	log_notice("threadsd stopped");
}
