/*
 * The history walk: an hour after start and then hourly, a step of
 * HISTORY_BUDGET keys per transaction, PRUNE_GAP_MS apart so that the
 * loop stays free.  After the pruning walk, the strip walk when a metric
 * turned off is still in the history; at start the strip comes first
 * when it is owed, since the config changed while the daemon was down.
 */
#include <string.h>

#include "common/timefmt.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/owners/history.h"
#include "daemon/log.h"
#include "daemon/store/store.h"

#define PRUNE_EVERY	3600
#define PRUNE_GAP_MS	10

static int
prune_txn(MDB_txn *txn, void *arg, int64_t cutoff)
{
	struct history *h = arg;

	if (h->stripping)
		return metrics_strip_step(txn, h->d->store, &h->prune,
		    h->d->cfg->poll_metrics, HISTORY_BUDGET);
	return metrics_prune_step(txn, h->d->store, &h->prune, cutoff,
	    HISTORY_BUDGET);
}

/* After pruning: whether a metric turned off is still in the history. */
static int
strip_needed(struct history *h)
{
	MDB_txn *txn;
	int r, needed = 0;

	if ((r = store_txn_begin(h->d->store, 1, &txn)) < 0)
		return 0;
	r = metrics_strip_needed(txn, h->d->store, h->d->cfg->poll_metrics,
	    &needed);
	mdb_txn_abort(txn);
	return r == 0 && needed;
}

static void
history_prune(struct history *h, int64_t now)
{
	int64_t cutoff = now - h->d->cfg->poll_history_retention;
	char when[TIMEFMT_LEN];
	int r;

	if (!h->pruning) {
		metrics_prune_begin(&h->prune);
		h->pruning = 1;
		h->stripping = 0;
	}
	if ((r = store_write_at(h->d->store, prune_txn, h, cutoff)) < 0) {
		log_error("history: cannot prune old snapshots: %s",
		    strerror(-r));
		h->pruning = h->stripping = 0;
		h->prune_at = now + PRUNE_EVERY;
		return;
	}
	if (!h->prune.done)
		return;
	if (h->stripping && h->prune.deleted > 0)
		log_info("history: removed the metrics no longer collected "
		    "([poll] metrics) from %zu snapshot%s", h->prune.deleted,
		    h->prune.deleted == 1 ? "" : "s");
	else if (h->prune.deleted > 0)
		log_info("history: pruned %zu snapshot%s taken before %s",
		    h->prune.deleted, h->prune.deleted == 1 ? "" : "s",
		    timefmt_format(cutoff, when, sizeof(when)));
	if (!h->stripping && strip_needed(h)) {
		metrics_prune_begin(&h->prune);
		h->stripping = 1;
		return;
	}
	h->pruning = h->stripping = 0;
	h->prune_at = now + PRUNE_EVERY;
}

void
history_init(struct history *h, struct daemon *d, int64_t now)
{
	memset(h, 0, sizeof(*h));
	h->d = d;
	h->prune_at = now + PRUNE_EVERY;
	h->strip_check = 1;
}

void
history_step(struct history *h, int64_t now)
{
	if (h->strip_check) {
		/* Pruning waits an hour; a strip owed to the config does not. */
		h->strip_check = 0;
		if (strip_needed(h)) {
			metrics_prune_begin(&h->prune);
			h->pruning = h->stripping = 1;
		}
	}
	if (h->pruning || now >= h->prune_at)
		history_prune(h, now);
}

int64_t
history_next_ms(const struct history *h, int64_t now)
{
	if (h->pruning)
		return PRUNE_GAP_MS;
	return (h->prune_at - now) * 1000;
}
