/*
 * The config reload: reads the file again with the same checks as at
 * start (config.c), keeps what only takes effect at start, and kicks
 * each owner so that it re-arms on the new values.  systemd hears
 * RELOADING=1 and READY=1 around it.  A file with errors changes
 * nothing.
 */
#include <inttypes.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "daemon/store/account.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/owners/forget.h"
#include "daemon/log.h"
#include "daemon/owners/poller.h"
#include "daemon/control/reload.h"
#include "daemon/owners/sched.h"
#include "daemon/owners/tokens.h"

static int
str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

#define SWAP(a, b) do {							\
	__typeof__(a) swap_tmp_ = (a);					\
	(a) = (b);							\
	(b) = swap_tmp_;						\
} while (0)

/*
 * Keys that only take effect at start ([api], [store], the control
 * socket) keep their running values; a change is logged rather than
 * half-applied.
 */
static void
reload_keep_fixed(struct config *new, struct config *old)
{
	if (str_differs(old->base_url, new->base_url) ||
	    str_differs(old->auth_url, new->auth_url) ||
	    str_differs(old->app_id, new->app_id) ||
	    str_differs(old->app_secret_file, new->app_secret_file) ||
	    str_differs(old->redirect_uri, new->redirect_uri) ||
	    old->api_timeout != new->api_timeout ||
	    old->api_max_connections != new->api_max_connections)
		log_warning("reload: [api] changed; restart threadsd to "
		    "apply it");
	if (str_differs(old->store_path, new->store_path) ||
	    old->store_map_size != new->store_map_size ||
	    str_differs(old->tokens_key_file, new->tokens_key_file))
		log_warning("reload: [store] or [tokens] key_file changed; "
		    "restart threadsd to apply it");
	if (str_differs(old->control_socket, new->control_socket) ||
	    old->control_max_clients != new->control_max_clients)
		log_warning("reload: [control] socket or max_clients "
		    "changed; restart threadsd to apply it");
	SWAP(new->base_url, old->base_url);
	SWAP(new->auth_url, old->auth_url);
	SWAP(new->app_id, old->app_id);
	SWAP(new->app_secret_file, old->app_secret_file);
	SWAP(new->redirect_uri, old->redirect_uri);
	SWAP(new->api_timeout, old->api_timeout);
	SWAP(new->api_max_connections, old->api_max_connections);
	SWAP(new->store_path, old->store_path);
	SWAP(new->store_map_size, old->store_map_size);
	SWAP(new->tokens_key_file, old->tokens_key_file);
	SWAP(new->control_socket, old->control_socket);
	SWAP(new->control_max_clients, old->control_max_clients);
}

int
reload_config(struct daemon *d, char *errbuf, size_t errlen)
{
	struct config *cfg;
	int r;

	/* MONOTONIC_USEC: systemd >= 253 wants it with RELOADING=1. */
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
	    daemon_mono_usec());
	r = config_load(d->config_path, &cfg, errbuf, errlen);
	if (r < 0) {
		log_error("reload: %s; keeping the running configuration",
		    errbuf);
		sd_notify(0, "READY=1");
		return r;
	}
	reload_keep_fixed(cfg, d->cfg);
	config_free(d->cfg);
	d->cfg = cfg;
	log_notice("configuration reloaded from %s", d->config_path);
	account_set_forget_after(cfg->accounts_forget_revoked_after);
	forget_kick(d->forget);
	tokens_kick(d->tokens);
	poller_kick(d->poller);
	sched_kick(d->sched);
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	return 0;
}
