/*
 * The one erase path.  LMDB never overwrites in place: a deleted value
 * stays readable in data.mdb until its page is reused, so the deletion is
 * followed by a compaction (store_compact()), and only a compacted file is
 * free of the account.
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "common/buf.h"
#include "daemon.h"
#include "erase.h"
#include "log.h"
#include "poller.h"
#include "store.h"
#include "tokens.h"

struct erase {
	struct store	*st;
	const char	*user_id;
};

static int
erase_txn(MDB_txn *txn, void *arg)
{
	struct erase *e = arg;

	return account_erase(txn, e->st, e->user_id);
}

int
erase_account(struct daemon *d, const char *user_id, char *err,
    size_t errlen)
{
	struct erase e = { d->store, user_id };
	int r;

	poller_forget(d->poller, user_id);
	if ((r = store_write(d->store, erase_txn, &e)) < 0) {
		errbuf_set(err, errlen, "cannot delete: %s", strerror(-r));
		return r;
	}
	tokens_forget(d->tokens, user_id);
	if ((r = store_compact(d->store, err, errlen)) < 0) {
		if (d->store->env == NULL)
			fatal("store lost during compaction: %s", err);
		return 1;
	}
	tokens_kick(d->tokens);
	daemon_notify_status(d);
	return 0;
}
