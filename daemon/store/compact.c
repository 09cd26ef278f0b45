/*
 * The background compaction.  One copy at a time: a thread runs
 * store_compact_copy() (mdb_env_copyfd2 with MDB_CP_COMPACT, fsync) and
 * writes a byte to a pipe the loop watches; the loop joins it and, if no
 * write was committed since the copy began, swaps the copy in (close,
 * rename, reopen: no transaction is open between two loop callbacks).
 * A copy that missed writes is made again; after COPY_TRIES of those
 * (a store that is never quiet) the last one is made on the loop.
 * What is owed is the meta key "compact_owed", set by the erase and
 * cleared after a swap, so a restart retries; failures are retried with
 * backoff.  Nothing else may open a transaction in another thread, and
 * nothing may resize the map while a copy runs (compactor_busy()).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/store/compact.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/store/store.h"

#define OWED_KEY	"compact_owed"
#define COPY_TRIES	3	/* copies that missed writes, then on the loop */
#define RETRY_FIRST	2	/* seconds after a failure; doubles */
#define RETRY_MAX	3600

struct waiter {
	struct waiter	*next;
	compact_done_cb	 cb;
	void		*arg;
};

struct compactor {
	struct daemon	*d;
	pthread_t	 thread;
	int		 running;	/* a copy is under way */
	int		 fds[2];	/* the thread's "done" */
	struct event	*done;
	struct event	*retry;
	int64_t		 retry_in;
	int		 misses;	/* copies that missed writes */
	uint64_t	 txnid;		/* last commit when the copy began */
	int		 r;		/* the copy's result */
	char		 err[256];
	struct waiter	*now;		/* told when the copy under way ends */
	struct waiter	*next;		/* ... when the one after it ends */
	int		 again;		/* run again when this one ends */
};

static void	compactor_start(struct compactor *);

static void *
copy_thread(void *arg)
{
	struct compactor *c = arg;
	char b = 1;

	c->r = store_compact_copy(c->d->store, c->err, sizeof(c->err));
	while (write(c->fds[1], &b, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static int
owed_txn(MDB_txn *txn, void *arg)
{
	struct compactor *c = arg;

	return store_meta_put_u64(txn, c->d->store, OWED_KEY, 0);
}

static void
tell(struct waiter *w, int r, const char *err)
{
	struct waiter *next;

	for (; w != NULL; w = next) {
		next = w->next;
		w->cb(w->arg, r, err);
		free(w);
	}
}

/* The attempt ended: its waiters are told; the next ones move up. */
static void
attempt_end(struct compactor *c, int r, const char *err)
{
	struct waiter *w = c->now;
	struct timeval tv = { 0, 0 };

	c->now = c->next;
	c->next = NULL;
	if (r < 0) {
		tv.tv_sec = c->retry_in;
		log_error("store compaction failed: %s; the removed bytes may "
		    "remain in data.mdb until it succeeds; trying again in "
		    "%lld s", err, (long long)c->retry_in);
		if (c->retry_in < RETRY_MAX)
			c->retry_in *= 2;
		if (c->retry_in > RETRY_MAX)
			c->retry_in = RETRY_MAX;
		event_add(c->retry, &tv);
	} else {
		c->retry_in = RETRY_FIRST;
		if (c->now != NULL || c->again)
			event_add(c->retry, &tv);
	}
	c->again = 0;
	tell(w, r, err);
}

static void
swapped(struct compactor *c, int r, const char *err)
{
	if (r < 0 && c->d->store->env == NULL)
		fatal("store lost during compaction: %s", err);
	if (r == 0 && (r = store_write(c->d->store, owed_txn, c)) < 0) {
		/* Compacted all the same: the next start compacts again. */
		log_warning("store compacted, but cannot record it: %s",
		    strerror(-r));
		r = 0;
	}
	if (r == 0) {
		c->misses = 0;
		log_info("store compacted");
	}
	attempt_end(c, r, err);
}

static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct compactor *c = arg;
	char b, err[256], tmp[PATH_MAX];
	int r;

	(void)what;
	while (read(fd, &b, 1) < 0 && errno == EINTR)
		;
	pthread_join(c->thread, NULL);
	c->running = 0;
	if (c->r < 0) {
		attempt_end(c, c->r, c->err);
		return;
	}
	if (store_last_txnid(c->d->store) == c->txnid) {
		r = store_compact_swap(c->d->store, err, sizeof(err));
		swapped(c, r, err);
		return;
	}
	/* Writes went in meanwhile: the copy lacks them. */
	store_compact_path(c->d->store, tmp, sizeof(tmp));
	unlink(tmp);
	if (++c->misses < COPY_TRIES) {
		compactor_start(c);
		return;
	}
	log_info("the store is never quiet for a whole copy: compacting on "
	    "the loop");
	c->misses = 0;
	r = store_compact(c->d->store, err, sizeof(err));
	swapped(c, r, err);
}

static void
compactor_start(struct compactor *c)
{
	int r;

	if (c->running)
		return;
	c->txnid = store_last_txnid(c->d->store);
	c->err[0] = '\0';
	if ((r = pthread_create(&c->thread, NULL, copy_thread, c)) != 0) {
		snprintf(c->err, sizeof(c->err), "cannot start a thread: %s",
		    strerror(r));
		attempt_end(c, -r, c->err);
		return;
	}
	c->running = 1;
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	compactor_start(arg);
}

int
compact_owe(MDB_txn *txn, struct store *st)
{
	return store_meta_put_u64(txn, st, OWED_KEY, 1);
}

struct compactor *
compactor_new(struct daemon *d)
{
	struct compactor *c;
	MDB_txn *txn;
	uint64_t owed = 0;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->d = d;
	c->retry_in = RETRY_FIRST;
	c->fds[0] = c->fds[1] = -1;
	if (pipe2(c->fds, O_CLOEXEC | O_NONBLOCK) < 0 ||
	    (c->done = event_new(d->base, c->fds[0], EV_READ | EV_PERSIST,
	    done_cb, c)) == NULL || event_add(c->done, NULL) < 0 ||
	    (c->retry = evtimer_new(d->base, retry_cb, c)) == NULL) {
		compactor_free(c);
		return NULL;
	}
	if (store_txn_begin(d->store, 1, &txn) == 0) {
		store_meta_get_u64(txn, d->store, OWED_KEY, &owed);
		mdb_txn_abort(txn);
	}
	if (owed) {
		log_notice("a store compaction is owed since an account was "
		    "removed: compacting");
		compactor_start(c);
	}
	return c;
}

void
compactor_free(struct compactor *c)
{
	struct waiter *w, *next;
	char tmp[PATH_MAX];
	int i;

	if (c == NULL)
		return;
	if (c->running) {
		pthread_join(c->thread, NULL);
		store_compact_path(c->d->store, tmp, sizeof(tmp));
		unlink(tmp);
	}
	for (i = 0; i < 2; i++)
		for (w = i == 0 ? c->now : c->next; w != NULL; w = next) {
			next = w->next;
			w->cb(w->arg, -ECANCELED, "threadsd stopped");
			free(w);
		}
	if (c->done != NULL)
		event_free(c->done);
	if (c->retry != NULL)
		event_free(c->retry);
	for (i = 0; i < 2; i++)
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	free(c);
}

/* Starts a copy now, or one more after the one under way. */
static void
compactor_kick(struct compactor *c)
{
	if (c->running)
		c->again = 1;
	else {
		event_del(c->retry);
		compactor_start(c);
	}
}

int
compactor_run(struct compactor *c, compact_done_cb cb, void *arg)
{
	struct waiter *w, **tail;

	if (cb == NULL) {
		/* Nobody waits: start one, or one more after this one. */
		compactor_kick(c);
		return 0;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	w->cb = cb;
	w->arg = arg;
	/* A copy under way may predate the deletion: wait for the next. */
	tail = c->running ? &c->next : &c->now;
	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = w;
	compactor_kick(c);
	return 0;
}

int
compactor_busy(const struct compactor *c)
{
	return c != NULL && c->running;
}
