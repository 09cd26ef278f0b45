/*
 * postgen: queues posts for the lateness benchmark straight into a store
 * (the daemon is not running), through the scheduler's own post_put(),
 * so each is exactly what post.schedule would have written: record,
 * `due` key, `account_posts` key, tally.  Scheduling 10,000 posts one
 * threadsctl call at a time would take longer than the window they are
 * due in.
 *
 *   postgen DIR TEXT VIDEO FIRST_DUE SPREAD PRESTAGE MEDIA_URL
 *
 * Posts go round the accounts already in the store (bench-seed makes
 * them).  Post i of n is due at FIRST_DUE + i * SPREAD / n (whole
 * seconds), texts first then videos interleaved evenly; its text says
 * "bench text|video I due T" so the benchmark can tell lateness from
 * what the fake published.  Its first action is due - PRESTAGE (or now).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/store/account.h"
#include "daemon/store/post.h"
#include "daemon/store/store.h"

#define MAP_SIZE	(8ULL << 30)
#define BATCH		1000

struct ids {
	char	(*v)[GRAPH_ID_LEN];
	size_t	 n;
};

static int
collect(const struct account *a, void *arg)
{
	struct ids *ids = arg;
	char (*v)[GRAPH_ID_LEN];

	if ((v = realloc(ids->v, (ids->n + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	ids->v = v;
	snprintf(v[ids->n++], GRAPH_ID_LEN, "%s", a->user_id);
	return 0;
}

static void
die(const char *what, int r)
{
	fprintf(stderr, "postgen: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct ids ids = { NULL, 0 };
	struct store *st;
	struct post p;
	MDB_txn *txn;
	char err[512], text[128], url[512];
	long ntext, nvideo, n, i, v = 0;
	int64_t first, spread, prestage, now = (int64_t)time(NULL);
	int video, r;

	if (argc != 8) {
		fprintf(stderr, "usage: postgen DIR TEXT VIDEO FIRST_DUE "
		    "SPREAD PRESTAGE MEDIA_URL\n");
		return 2;
	}
	ntext = atol(argv[2]);
	nvideo = atol(argv[3]);
	first = atoll(argv[4]);
	spread = atoll(argv[5]);
	prestage = atoll(argv[6]);
	n = ntext + nvideo;
	if (store_open(argv[1], MAP_SIZE, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "postgen: %s\n", err);
		return 1;
	}
	if ((r = store_txn_begin(st, 1, &txn)) < 0)
		die("begin", r);
	if ((r = account_foreach(txn, st, collect, &ids)) < 0)
		die("accounts", r);
	mdb_txn_abort(txn);
	if (ids.n == 0)
		die("no accounts in the store", EINVAL);
	if ((r = store_txn_begin(st, 0, &txn)) < 0)
		die("begin", r);
	for (i = 0; i < n; i++) {
		/* Videos spread evenly among the texts. */
		video = nvideo > 0 && v < nvideo &&
		    (i + 1) * nvideo / n > v;
		post_init(&p);
		snprintf(p.user_id, sizeof(p.user_id), "%s",
		    ids.v[i % ids.n]);
		p.state = POST_SCHEDULED;
		p.created_at = now;
		p.due_at = first + i * spread / n;
		p.next_at = p.due_at - prestage > now ? p.due_at - prestage :
		    now;
		snprintf(text, sizeof(text), "bench %s %ld due %" PRId64,
		    video ? "video" : "text", i, p.due_at);
		p.text = strdup(text);
		if (video) {
			snprintf(url, sizeof(url), "%s/bench-%ld.mp4",
			    argv[7], v++);
			p.kind = POST_VIDEO;
			p.media[0].video = 1;
			p.media[0].url = strdup(url);
			p.nmedia = 1;
		}
		if ((r = post_put(txn, st, &p)) < 0)
			die("post_put", r);
		post_clear(&p);
		if ((i + 1) % BATCH == 0) {
			if ((r = store_txn_commit(txn)) < 0)
				die("commit", r);
			if ((r = store_txn_begin(st, 0, &txn)) < 0)
				die("begin", r);
		}
	}
	if ((r = store_txn_commit(txn)) < 0)
		die("commit", r);
	printf("%ld text and %ld video posts over %zu accounts, due from %"
	    PRId64 " over %" PRId64 " s\n", ntext, v, ids.n, first, spread);
	free(ids.v);
	store_close(st);
	return 0;
}
