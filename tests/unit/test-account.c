/*
 * account.c: records round-trip with unknown counts kept unknown, the
 * username index follows renames, tokens are sealed to their account, and
 * erasing an account takes all of its data and none of another's (even
 * one whose id starts with the same digits), and the due index follows
 * the record, goes with it, and is built for a store without it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/account.h"
#include "daemon/store/seal.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"
#include "check.h"

static struct store *st;
static struct seal *seal;

static int
put_account(const char *id, const char *username)
{
	struct account a;
	MDB_txn *txn;
	int r;

	account_init(&a);
	snprintf(a.user_id, sizeof(a.user_id), "%s", id);
	account_set_str(&a.username, username);
	account_set_str(&a.name, "Name of someone");
	a.followers = 120;
	a.token_issued_at = 1000;
	a.token_expires_at = 2000;
	if ((r = store_txn_begin(st, 0, &txn)) < 0)
		return r;
	if ((r = account_put(txn, st, &a)) < 0 ||
	    (r = account_token_put(txn, st, seal, id, "THtoken-of-someone"))
	    < 0) {
		mdb_txn_abort(txn);
		account_clear(&a);
		return r;
	}
	account_clear(&a);
	return store_txn_commit(txn);
}

/* A metric snapshot and a post for id, keyed as the owners key them. */
static void
put_history(const char *id, uint64_t post_id)
{
	uint8_t key[64], pid[8], due[16];
	size_t plen = strlen(id) + 1;
	char rec[128];
	MDB_val k, v;
	MDB_txn *txn;
	uint64_t n;

	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	memcpy(key, id, plen);
	store_be64(key + plen, 5000);
	k.mv_size = plen + 8;
	k.mv_data = key;
	v.mv_size = 2;
	v.mv_data = "{}";
	CHECK_INT(mdb_put(txn, st->metrics, &k, &v, 0), 0);
	store_be64(key + plen, post_id);
	v.mv_size = 0;
	v.mv_data = "";
	CHECK_INT(mdb_put(txn, st->account_posts, &k, &v, 0), 0);
	store_be64(pid, post_id);
	snprintf(rec, sizeof(rec), "{\"v\":1,\"state\":\"scheduled\","
	    "\"next_at\":7000}");
	k.mv_size = 8;
	k.mv_data = pid;
	v.mv_size = strlen(rec);
	v.mv_data = rec;
	CHECK_INT(mdb_put(txn, st->posts, &k, &v, 0), 0);
	store_be64(due, 7000);
	memcpy(due + 8, pid, 8);
	k.mv_size = 16;
	k.mv_data = due;
	v.mv_size = 0;
	CHECK_INT(mdb_put(txn, st->due, &k, &v, 0), 0);
	CHECK_INT(store_meta_get_u64(txn, st, "posts.scheduled", &n), 0);
	CHECK_INT(store_meta_put_u64(txn, st, "posts.scheduled", n + 1), 0);
	CHECK_INT(store_txn_commit(txn), 0);
}

static size_t
count(MDB_dbi dbi)
{
	MDB_txn *txn;
	size_t n = 0;

	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(store_count(txn, dbi, &n), 0);
	mdb_txn_abort(txn);
	return n;
}

static int
count_cb(const struct account *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return 0;
}

static int
due_cb(const char *user_id, int64_t at, void *arg)
{
	(void)at;
	CHECK_STR(user_id, "1234");
	(*(int *)arg)++;
	return 0;
}

int
main(void)
{
	char dir[] = "/tmp/test-account.XXXXXX", err[256], cmd[128];
	uint8_t key[SECRET_KEY_LEN];
	struct json_object *o, *v;
	struct secret *tok;
	struct account a;
	MDB_txn *txn;
	uint64_t n;
	int64_t at;
	int cnt = 0;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(store_open(dir, 16 << 20, &st, err, sizeof(err)), 0);
	memset(key, 7, sizeof(key));
	CHECK((seal = seal_new(key)) != NULL);

	CHECK_INT(put_account("123", "alice"), 0);
	CHECK_INT(put_account("1234", "bob"), 0);

	/* By id and by name; unknown counts stay unknown. */
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	account_init(&a);
	CHECK_INT(account_get(txn, st, "alice", &a), 0);
	CHECK_STR(a.user_id, "123");
	CHECK_INT(a.followers, 120);
	CHECK_INT(a.following, ACCOUNT_UNKNOWN);
	CHECK_INT(a.state, ACCOUNT_ACTIVE);
	o = account_to_json(&a);
	CHECK(json_object_object_get_ex(o, "following_count", &v) &&
	    v == NULL);
	CHECK(json_object_object_get_ex(o, "followers_count", &v) &&
	    json_object_get_int(v) == 120);
	CHECK(json_object_object_get_ex(o, "last_poll_at", &v) && v == NULL);
	CHECK(json_object_object_get_ex(o, "token_expires_at", &v) &&
	    strcmp(json_object_get_string(v), "1970-01-01T00:33:20Z") == 0);
	json_object_put(o);
	account_clear(&a);
	CHECK_INT(account_get(txn, st, "1234", &a), 0);
	CHECK_STR(a.username, "bob");
	account_clear(&a);
	CHECK_INT(account_get(txn, st, "carol", &a), -ENOENT);
	CHECK_INT(account_get(txn, st, "", &a), -ENOENT);

	/*
	 * The record is written as json-c writes it: json-c reads it and
	 * writes the same bytes, escapes and all.
	 */
	mdb_txn_abort(txn);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_get(txn, st, "bob", &a), 0);
	account_set_str(&a.name, "a \"quoted\" /slash\\ \n\t\x01\x1f \xc3\xa9\x7f");
	a.followers = ACCOUNT_UNKNOWN;
	a.poll_failures = 3;
	a.last_poll_at = -5;
	CHECK_INT(account_put(txn, st, &a), 0);
	account_clear(&a);
	{
		MDB_val rk = { 4, "1234" }, rv;
		char *raw;

		CHECK_INT(mdb_get(txn, st->accounts, &rk, &rv), 0);
		CHECK((raw = strndup(rv.mv_data, rv.mv_size)) != NULL);
		CHECK((o = json_tokener_parse(raw)) != NULL);
		CHECK_STR(json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN), raw);
		json_object_put(o);
		free(raw);
	}
	CHECK_INT(account_get(txn, st, "bob", &a), 0);
	CHECK_STR(a.name, "a \"quoted\" /slash\\ \n\t\x01\x1f \xc3\xa9\x7f");
	CHECK_INT(a.followers, ACCOUNT_UNKNOWN);
	CHECK_INT(a.poll_failures, 3);
	CHECK_INT(a.last_poll_at, -5);
	a.followers = 120;
	a.last_poll_at = 0;
	a.poll_failures = 0;
	account_set_str(&a.name, "Name of someone");
	CHECK_INT(account_put(txn, st, &a), 0);
	account_clear(&a);
	CHECK_INT(store_txn_commit(txn), 0);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);

	/* Tokens open only for their own account. */
	CHECK_INT(account_token_get(txn, st, seal, "123", &tok), 0);
	CHECK_STR(tok->data, "THtoken-of-someone");
	secret_free(tok);
	CHECK_INT(account_foreach(txn, st, count_cb, &cnt), 0);
	CHECK_INT(cnt, 2);
	mdb_txn_abort(txn);

	/* A rename moves the index entry. */
	CHECK_INT(put_account("123", "alice2"), 0);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(account_get(txn, st, "alice", &a), -ENOENT);
	CHECK_INT(account_get(txn, st, "alice2", &a), 0);
	account_clear(&a);
	mdb_txn_abort(txn);

	/*
	 * A name that moved to another account is not ours to delete: 777
	 * was "xname", 888 took "xname", then 777 is renamed.
	 */
	CHECK_INT(put_account("777", "xname"), 0);
	CHECK_INT(put_account("888", "xname"), 0);
	CHECK_INT(put_account("777", "yname"), 0);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(account_get(txn, st, "xname", &a), 0);
	CHECK_STR(a.user_id, "888");
	account_clear(&a);
	/* A user id never resolves through the name index. */
	CHECK_INT(account_get_by_id(txn, st, "xname", &a), -ENOENT);
	mdb_txn_abort(txn);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_erase(txn, st, "777"), 0);
	CHECK_INT(account_erase(txn, st, "888"), 0);
	CHECK_INT(store_txn_commit(txn), 0);

	/* Erase "123": all of its data goes, "1234" keeps all of its. */
	put_history("123", 1);
	put_history("1234", 2);
	CHECK_INT((long long)count(st->posts), 2);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_erase(txn, st, "123"), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	CHECK_INT((long long)count(st->accounts), 1);
	CHECK_INT((long long)count(st->names), 1);
	CHECK_INT((long long)count(st->secrets), 1);
	CHECK_INT((long long)count(st->metrics), 1);
	CHECK_INT((long long)count(st->account_posts), 1);
	CHECK_INT((long long)count(st->posts), 1);
	CHECK_INT((long long)count(st->due), 1);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(store_meta_get_u64(txn, st, "posts.scheduled", &n), 0);
	CHECK_INT((long long)n, 1);
	CHECK_INT(account_get(txn, st, "bob", &a), 0);
	account_clear(&a);
	CHECK_INT(account_erase(txn, st, "999"), -ENOENT);
	mdb_txn_abort(txn);

	/*
	 * The due index: a key for each time an owner acts on, following
	 * the record (a poll moves it) and gone with the account; a store
	 * without it gets it built, the same.
	 */
	CHECK_INT((long long)count(st->account_due), 4);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	cnt = 0;
	CHECK_INT(account_due_each(txn, st, ACCOUNT_DUE_EXPIRES, 1999,
	    due_cb, &cnt, &at), 0);
	CHECK_INT(cnt, 0);
	CHECK_INT(at, 2000);
	CHECK_INT(account_due_each(txn, st, ACCOUNT_DUE_EXPIRES, 2000,
	    due_cb, &cnt, &at), 0);
	CHECK_INT(cnt, 1);
	CHECK_INT(at, INT64_MAX);
	CHECK_INT(account_due_each(txn, st, ACCOUNT_DUE_POLL_LAST, 0,
	    due_cb, &cnt, &at), 0);
	CHECK_INT(cnt, 2);
	CHECK_INT(account_get(txn, st, "bob", &a), 0);
	mdb_txn_abort(txn);
	a.last_poll_at = 5000;
	a.state = ACCOUNT_REVOKED;
	a.revoked_at = 6000;
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_put(txn, st, &a), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	/* Not active: the state and the revocation only. */
	CHECK_INT((long long)count(st->account_due), 2);
	a.state = ACCOUNT_ACTIVE;
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_put(txn, st, &a), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	account_clear(&a);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	cnt = 0;
	CHECK_INT(account_due_each(txn, st, ACCOUNT_DUE_POLL_LAST, 4999,
	    due_cb, &cnt, &at), 0);
	CHECK_INT(cnt, 0);
	CHECK_INT(at, 5000);
	mdb_txn_abort(txn);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(mdb_drop(txn, st->account_due, 0), 0);
	CHECK_INT(store_meta_put_u64(txn, st, "account_due", 0), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	CHECK_INT(account_due_check(st), 0);
	CHECK_INT((long long)count(st->account_due), 4);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	cnt = 0;
	CHECK_INT(account_due_each(txn, st, ACCOUNT_DUE_POLL_LAST, 5000,
	    due_cb, &cnt, &at), 0);
	CHECK_INT(cnt, 1);
	mdb_txn_abort(txn);

	/* Compaction keeps what is live and the store usable. */
	CHECK_INT(store_compact(st, err, sizeof(err)), 0);
	CHECK_INT((long long)count(st->accounts), 1);
	CHECK_INT(put_account("555", "carol"), 0);
	CHECK_INT((long long)count(st->accounts), 2);
	CHECK_INT((long long)count(st->account_due), 8);

	seal_free(seal);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return check_status();
}
