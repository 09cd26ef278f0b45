/*
 * The one erase path.  LMDB never overwrites in place: a deleted value
 * stays readable in data.mdb until its page is reused, so the deletion is
 * followed by a compaction (compact.c), and only a compacted file is free
 * of the account.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/store/account.h"
#include "common/buf.h"
#include "daemon/store/compact.h"
#include "daemon/daemon.h"
#include "daemon/store/erase.h"
#include "daemon/log.h"
#include "daemon/store/store.h"

struct erase {
	struct store	*st;
	const char	*user_id;
};

static int
erase_txn(MDB_txn *txn, void *arg)
{
	struct erase *e = arg;
	int r;

	/* Owed in the same commit: a crash before compacting retries it. */
	if ((r = account_erase(txn, e->st, e->user_id)) < 0)
		return r;
	return compact_owe(txn, e->st);
}

int
erase_account(struct daemon *d, const char *user_id, compact_done_cb cb,
    void *arg, char *err, size_t errlen)
{
	struct erase e = { d->store, user_id };
	int r;

	d->erase_hooks->before(d, user_id);
	if ((r = store_write(d->store, erase_txn, &e)) < 0) {
		errbuf_set(err, errlen, "cannot delete: %s", strerror(-r));
		return r;
	}
	d->erase_hooks->after(d, user_id);
	daemon_notify_status(d);
	if (compactor_run(d->compactor, cb, arg) < 0) {
		errbuf_set(err, errlen, "cannot compact the store now: out of "
		    "memory; the next start does");
		return 1;
	}
	return 0;
}
