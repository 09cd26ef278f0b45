/*
 * sched-quota.c's count of an account's replies published in the last
 * 24 h (sched_quota_replies()), which it keeps between quota answers:
 * after every change that can move it (a reply published, its time
 * rewritten, a post created, an account erased, the window moving on,
 * the clock going back) it is what a walk of the store counts, and
 * another account's posts do not move it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "daemon/store/account.h"
#include "daemon/store/post.h"
#include "daemon/store/store.h"
#include "check.h"

#define NOW	1796000000

static struct store *st;
static struct daemon d;
static struct sched s;

static uint64_t
put(const char *user, enum post_state state, const char *reply_to,
    int64_t published_at)
{
	struct post p;
	MDB_txn *txn;
	uint64_t id;

	post_init(&p);
	snprintf(p.user_id, sizeof(p.user_id), "%s", user);
	p.state = state;
	snprintf(p.reply_to, sizeof(p.reply_to), "%s", reply_to);
	p.published_at = published_at;
	p.text = strdup("a reply");
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(post_put(txn, st, &p), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	id = p.id;
	post_clear(&p);
	return id;
}

/* A post rewritten, as a transition does. */
static void
set(uint64_t id, enum post_state state, int64_t published_at)
{
	struct post p;
	MDB_txn *txn;

	post_init(&p);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(post_get(txn, st, id, &p), 0);
	p.state = state;
	p.published_at = published_at;
	CHECK_INT(post_put(txn, st, &p), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	post_clear(&p);
}

/* The count as a walk of every post record makes it. */
static int64_t
walk(const char *user, int64_t now)
{
	MDB_cursor *cur;
	MDB_val k, v;
	MDB_txn *txn;
	struct post p;
	int64_t n = 0;
	int rc;

	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(mdb_cursor_open(txn, st->posts, &cur), 0);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		post_init(&p);
		CHECK_INT(post_from_val(&v, &p), 0);
		if (strcmp(p.user_id, user) == 0 &&
		    p.state == POST_PUBLISHED && p.reply_to[0] != '\0' &&
		    p.published_at > now - 86400)
			n++;
		post_clear(&p);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return n;
}

static void
same(const char *user, int64_t now, int64_t want, int line)
{
	int64_t n = -1, w = walk(user, now);

	CHECK_INT(sched_quota_replies(&s, user, now, &n), 0);
	if (n != w || w != want)
		fprintf(stderr, "line %d: counted %lld, the store has %lld, "
		    "expected %lld\n", line, (long long)n, (long long)w,
		    (long long)want);
	CHECK_INT(n, w);
	CHECK_INT(w, want);
}

#define SAME(user, now, want)	same(user, now, want, __LINE__)

static void
test_count(void)
{
	struct account a;
	uint64_t r1, r2, r3, sch;
	MDB_txn *txn;
	int64_t n;

	/* Nothing yet; and an account with no posts at all. */
	SAME("100", NOW, 0);
	SAME("999", NOW, 0);

	/* Published replies in and out of the window, and what is not one. */
	put("100", POST_PUBLISHED, "18050000000000001", NOW - 100000);
	r1 = put("100", POST_PUBLISHED, "18050000000000002", NOW - 50000);
	r2 = put("100", POST_PUBLISHED, "18050000000000003", NOW - 1000);
	put("100", POST_PUBLISHED, "", NOW - 10);
	sch = put("100", POST_READY, "18050000000000004", 0);
	put("200", POST_PUBLISHED, "18050000000000005", NOW - 10);
	SAME("100", NOW, 2);
	SAME("100", NOW, 2);		/* asked again: kept */
	SAME("200", NOW, 1);

	/* A reply is published: counted at the next answer. */
	set(sch, POST_PUBLISHED, NOW + 5);
	SAME("100", NOW + 10, 3);
	/* Another account's replies move nothing of this one's. */
	put("200", POST_PUBLISHED, "18050000000000006", NOW + 20);
	SAME("100", NOW + 30, 3);
	SAME("200", NOW + 30, 2);

	/* The window moves on: r1 leaves it, then r2. */
	SAME("100", NOW - 50000 + 86400, 2);
	SAME("100", NOW - 1000 + 86399, 2);
	SAME("100", NOW - 1000 + 86400, 1);
	/* The clock goes back: r1 and r2 are in again. */
	SAME("100", NOW + 30, 3);

	/* A published reply's time rewritten, and one no longer published. */
	set(r2, POST_PUBLISHED, NOW - 90000);
	SAME("100", NOW + 40, 2);
	set(r1, POST_FAILED, NOW - 50000);
	SAME("100", NOW + 50, 1);

	/* A new post of the account, published and a reply from the start. */
	r3 = put("100", POST_PUBLISHED, "18050000000000007", NOW + 60);
	SAME("100", NOW + 70, 2);
	(void)r3;

	/* The account erased with its posts: none left. */
	account_init(&a);
	strcpy(a.user_id, "100");
	account_set_str(&a.username, "hundred");
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_put(txn, st, &a), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	account_clear(&a);
	SAME("100", NOW + 80, 2);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_erase(txn, st, "100"), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	SAME("100", NOW + 90, 0);
	SAME("200", NOW + 90, 2);

	/* An id too long for a key is refused, not counted. */
	CHECK_INT(sched_quota_replies(&s, "123456789012345678901234567890"
	    "12345678901234567890123456789012345678901234567890", NOW, &n),
	    -EINVAL);
}

int
main(void)
{
	char dir[] = "/tmp/test-sched-quota.XXXXXX", err[256], cmd[64];

	if (mkdtemp(dir) == NULL || store_open(dir, 1 << 24, &st, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "store: %s\n", err);
		return 1;
	}
	d.store = st;
	s.d = &d;
	test_count();
	sched_quota_free_all(&s);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return check_status();
}
