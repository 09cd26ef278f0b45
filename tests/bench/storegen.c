/*
 * storegen: writes a large threadsd store directly, in seconds, for the
 * scale and compaction benchmarks.  Accounts go through the daemon's own
 * account_put() and account_token_put() (record, name index, sealed token
 * under the token key it leaves in DIR/token.key, as the daemon would);
 * posts, their indexes and metric snapshots are written in the daemon's
 * formats with MDB_APPEND, which is what makes a million of each fast.
 * It links the store and account modules and nothing of the scheduler or
 * the poller, so it works whatever state those are in.
 *
 *   storegen DIR ACCOUNTS POSTS SNAPSHOTS
 *
 * Account i (from 0) has user id 17841400000000001 + 2i and username
 * bench<i>.  Post i (from 1) belongs to account (i - 1) % ACCOUNTS, is a
 * scheduled text post due 30 days from now plus i seconds (so nothing is
 * due while a benchmark runs), and is indexed in `due` and
 * `account_posts`; meta's "posts.scheduled" tally and post id counter
 * match.  Each account gets SNAPSHOTS / ACCOUNTS metric snapshots, 15
 * minutes apart, ending now, with every metric; meta's "metrics.held"
 * says so, as the daemon's commits would have, so a daemon configured to
 * collect every metric has nothing to strip (tests/bench/lib.sh's
 * STORE_METRICS).  Tokens are fresh and last_poll_at is now, so the token
 * keeper and the poller find nothing to do at start.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "daemon/store/account.h"
#include "daemon/store/metrics.h"
#include "daemon/store/seal.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"

#define MAP_SIZE	(16ULL << 30)
#define BATCH		100000		/* puts per transaction */
#define POST_ID_COUNTER	"next.post"	/* as daemon/store/post.c names it */
#define DUE_AHEAD	(30 * 86400)
#define SNAPSHOT_EVERY	900
#define HELD_KEY	"metrics.held"	/* as daemon/store/metrics.c names it */
#define HELD_KNOWN	(1u << 16)	/* ... and marks a recorded set */

struct gen {
	struct store	*st;
	MDB_txn		*txn;
	long		 puts;
};

static void
die(const char *what, int r)
{
	fprintf(stderr, "storegen: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

static void
user_id(char buf[GRAPH_ID_LEN], long i)
{
	snprintf(buf, GRAPH_ID_LEN, "%" PRIu64,
	    (uint64_t)17841400000000001ULL + 2 * (uint64_t)i);
}

/* Commits every BATCH puts so no transaction grows without bound. */
static void
gen_tick(struct gen *g)
{
	int r;

	if (++g->puts % BATCH != 0)
		return;
	if ((r = store_txn_commit(g->txn)) < 0)
		die("commit", r);
	if ((r = store_txn_begin(g->st, 0, &g->txn)) < 0)
		die("begin", r);
}

static void
gen_put(struct gen *g, MDB_dbi dbi, const void *key, size_t klen,
    const void *val, size_t vlen, unsigned flags)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	int rc;

	if ((rc = mdb_put(g->txn, dbi, &k, &v, flags)) != 0) {
		fprintf(stderr, "storegen: put: %s\n", mdb_strerror(rc));
		exit(1);
	}
	gen_tick(g);
}

static void
gen_accounts(struct gen *g, const struct seal *seal, long n, int64_t now)
{
	struct account a;
	char name[64], token[64];
	long i;
	int r;

	for (i = 0; i < n; i++) {
		account_init(&a);
		user_id(a.user_id, i);
		snprintf(name, sizeof(name), "bench%ld", i);
		a.username = name;
		a.name = "Bench Account";
		a.followers = 1000 + i;
		a.media = 100;
		a.added_at = now - 86400;
		a.token_issued_at = now;
		a.token_expires_at = now + 60 * 86400;
		a.last_poll_at = now;
		if ((r = account_put(g->txn, g->st, &a)) < 0)
			die("account_put", r);
		/* A token shaped like Meta's; its value does not matter. */
		snprintf(token, sizeof(token), "THbench%041ld", i);
		if ((r = account_token_put(g->txn, g->st, seal, a.user_id,
		    token)) < 0)
			die("account_token_put", r);
		gen_tick(g);
	}
}

static void
gen_posts(struct gen *g, long naccounts, long n, int64_t now)
{
	char uid[GRAPH_ID_LEN], rec[512];
	uint8_t pid[8], due[16], ap[GRAPH_ID_LEN + 8];
	size_t plen;
	int64_t at;
	long i, a;
	int len, r;

	/* Ids and due times both ascend: posts and due are appends. */
	for (i = 1; i <= n; i++) {
		at = now + DUE_AHEAD + i;
		user_id(uid, (i - 1) % naccounts);
		len = snprintf(rec, sizeof(rec), "{\"v\":1,\"id\":\"%ld\","
		    "\"user_id\":\"%s\",\"state\":\"scheduled\","
		    "\"kind\":\"text\",\"due_at\":%" PRId64 ",\"next_at\":%"
		    PRId64 ",\"created_at\":%" PRId64 ",\"text\":\"Benchmark "
		    "post %ld, one of many queued.\",\"media\":[],"
		    "\"replies\":[],\"attempts\":0}", i, uid, at, at, now, i);
		store_be64(pid, (uint64_t)i);
		gen_put(g, g->st->posts, pid, 8, rec, (size_t)len, MDB_APPEND);
		store_be64(due, (uint64_t)at);
		memcpy(due + 8, pid, 8);
		gen_put(g, g->st->due, due, 16, "", 0, MDB_APPEND);
	}
	/* Per account in user id order (all ids are 17 digits). */
	for (a = 0; a < naccounts; a++) {
		user_id(uid, a);
		plen = strlen(uid) + 1;
		memcpy(ap, uid, plen);
		for (i = a + 1; i <= n; i += naccounts) {
			store_be64(ap + plen, (uint64_t)i);
			gen_put(g, g->st->account_posts, ap, plen + 8, "", 0,
			    MDB_APPEND);
		}
	}
	if ((r = store_meta_put_u64(g->txn, g->st, "posts.scheduled",
	    (uint64_t)n)) < 0 ||
	    (r = store_meta_put_u64(g->txn, g->st, POST_ID_COUNTER,
	    (uint64_t)n)) < 0)
		die("meta", r);
}

static void
gen_snapshots(struct gen *g, long naccounts, long n, int64_t now)
{
	char uid[GRAPH_ID_LEN], rec[512];
	uint8_t key[GRAPH_ID_LEN + 8];
	long per = n / naccounts, a, k;
	size_t plen;
	int64_t at;
	int len;

	for (a = 0; a < naccounts; a++) {
		user_id(uid, a);
		plen = strlen(uid) + 1;
		memcpy(key, uid, plen);
		for (k = 0; k < per; k++) {
			at = now - (per - 1 - k) * SNAPSHOT_EVERY;
			store_be64(key + plen, (uint64_t)at);
			len = snprintf(rec, sizeof(rec), "{\"v\":1,\"at\":%"
			    PRId64 ",\"followers_count\":%ld,\"views\":%ld,"
			    "\"likes\":%ld,\"replies\":%ld,\"reposts\":%ld,"
			    "\"quotes\":%ld,\"clicks\":%ld,\"media_count\":100,"
			    "\"followers_source\":\"insights\"}", at,
			    1000 + a + k, 50000 + 37 * k, 900 + k, 120 + k,
			    40 + k, 10 + k, 300 + k);
			gen_put(g, g->st->metrics, key, plen + 8, rec,
			    (size_t)len, MDB_APPEND);
		}
	}
	if (store_meta_put_u64(g->txn, g->st, HELD_KEY,
	    HELD_KNOWN | METRIC_ALL) < 0)
		die("meta", -EIO);
}

int
main(int argc, char *argv[])
{
	uint8_t key[SECRET_KEY_LEN];
	struct gen g = { 0 };
	struct seal *seal;
	struct timespec t0, t1;
	struct stat sb;
	char err[512], path[4096];
	long naccounts, nposts, nsnaps;
	int64_t now = (int64_t)time(NULL);
	int generated, r;

	if (argc != 5) {
		fprintf(stderr, "usage: storegen DIR ACCOUNTS POSTS "
		    "SNAPSHOTS\n");
		return 2;
	}
	naccounts = atol(argv[2]);
	nposts = atol(argv[3]);
	nsnaps = atol(argv[4]);
	if (naccounts < 1 || nposts < 0 || nsnaps < 0) {
		fprintf(stderr, "storegen: need at least one account\n");
		return 2;
	}
	if (sodium_init() < 0)
		die("sodium_init", -EIO);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((r = store_open(argv[1], MAP_SIZE, &g.st, err, sizeof(err))) < 0) {
		fprintf(stderr, "storegen: %s\n", err);
		return 1;
	}
	/* Indexed from the start (empty), as the daemon's own stores are. */
	if ((r = account_due_check(g.st)) < 0)
		die("account_due_check", r);
	if ((r = secret_token_key(NULL, argv[1], key, &generated, err,
	    sizeof(err))) < 0) {
		fprintf(stderr, "storegen: %s\n", err);
		return 1;
	}
	seal = seal_new(key);
	sodium_memzero(key, sizeof(key));
	if (seal == NULL)
		die("seal_new", -ENOMEM);

	if ((r = store_txn_begin(g.st, 0, &g.txn)) < 0)
		die("begin", r);
	gen_accounts(&g, seal, naccounts, now);
	gen_posts(&g, naccounts, nposts, now);
	gen_snapshots(&g, naccounts, nsnaps, now);
	if ((r = store_txn_commit(g.txn)) < 0)
		die("commit", r);

	seal_free(seal);
	store_close(g.st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(path, sizeof(path), "%s/data.mdb", argv[1]);
	if (stat(path, &sb) < 0)
		die(path, -errno);
	printf("%ld accounts, %ld posts, %ld snapshots: %.1f MB in %.1f s\n",
	    naccounts, nposts, nsnaps, sb.st_size / 1048576.0,
	    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
