/*
 * store.c: opening and reopening, the schema version, counters, JSON
 * records, key order, and a full map failing the write, not the process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/store/store.h"
#include "check.h"

static char dir[] = "/tmp/test-store.XXXXXX";

static void
rm_rf(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	CHECK(system(cmd) == 0);
}

static int
put_blob(MDB_txn *txn, void *arg)
{
	struct store *st = arg;
	static uint64_t n;
	char val[4000];
	uint8_t key[8];
	MDB_val k = { 8, key }, v = { sizeof(val), val };

	memset(val, 'x', sizeof(val));
	store_be64(key, ++n);
	return store_errno(mdb_put(txn, st->posts, &k, &v, 0));
}

static void
test_full_map(void)
{
	struct store *st;
	char err[256];
	char small[] = "/tmp/test-store-full.XXXXXX";
	MDB_txn *txn;
	size_t n;
	int i, r = 0;

	CHECK(mkdtemp(small) != NULL);
	CHECK_INT(store_open(small, 1 << 20, &st, err, sizeof(err)), 0);
	for (i = 0; i < 1000 && r == 0; i++)
		r = store_write(st, put_blob, st);
	CHECK_INT(r, -ENOSPC);
	/* The failed write left the store usable and consistent. */
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(store_count(txn, st->posts, &n), 0);
	CHECK_INT((long long)n, i - 1);
	mdb_txn_abort(txn);
	store_close(st);
	rm_rf(small);
}

static int
write_records(MDB_txn *txn, void *arg)
{
	struct store *st = arg;
	struct json_object *o = json_object_new_object();
	uint64_t id;
	int r;

	json_object_object_add(o, "v", json_object_new_int(1));
	json_object_object_add(o, "username", json_object_new_string("alice"));
	r = store_put_json(txn, st->accounts, "17841405793187218", 17, o);
	json_object_put(o);
	if (r < 0)
		return r;
	if ((r = store_next_id(txn, st, "post_id", &id)) < 0)
		return r;
	if (id != 1)
		return -EINVAL;
	if ((r = store_next_id(txn, st, "post_id", &id)) < 0)
		return r;
	return (int)id;
}

static int
fail_midway(MDB_txn *txn, void *arg)
{
	struct store *st = arg;
	uint64_t id;

	store_next_id(txn, st, "post_id", &id);
	return -EIO;
}

int
main(void)
{
	struct json_object *o, *v;
	struct store *st;
	char err[256];
	uint8_t k1[8], k2[8];
	uint64_t val;
	MDB_txn *txn;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(store_open(dir, 64 << 20, &st, err, sizeof(err)), 0);

	/* A new store gets the current schema version. */
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(store_meta_get_u64(txn, st, "schema", &val), 0);
	CHECK_INT((long long)val, STORE_SCHEMA_VERSION);
	CHECK_INT(store_meta_get_u64(txn, st, "absent", &val), 0);
	CHECK_INT((long long)val, 0);
	mdb_txn_abort(txn);

	/* store_write returns what the function returned, committed. */
	CHECK_INT(store_write(st, write_records, st), 2);
	/* ...and aborts everything when it fails. */
	CHECK_INT(store_write(st, fail_midway, st), -EIO);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(store_meta_get_u64(txn, st, "post_id", &val), 0);
	CHECK_INT((long long)val, 2);
	CHECK_INT(store_get_json(txn, st->accounts, "17841405793187218", 17,
	    &o), 0);
	CHECK(json_object_object_get_ex(o, "username", &v));
	CHECK_STR(json_object_get_string(v), "alice");
	json_object_put(o);
	CHECK_INT(store_get_json(txn, st->accounts, "1", 1, &o), -ENOENT);
	mdb_txn_abort(txn);

	/* Big-endian keys sort numerically. */
	store_be64(k1, 255);
	store_be64(k2, 256);
	CHECK(memcmp(k1, k2, 8) < 0);
	CHECK_INT((long long)store_get_be64(k2), 256);
	store_be64(k1, UINT64_MAX - 1);
	CHECK(store_get_be64(k1) == UINT64_MAX - 1);

	/* A record that is not JSON is reported, not trusted. */
	{
		MDB_val k = { 3, "bad" }, v2 = { 5, "{nope" };

		CHECK_INT(store_txn_begin(st, 0, &txn), 0);
		CHECK_INT(mdb_put(txn, st->accounts, &k, &v2, 0), 0);
		CHECK_INT(store_txn_commit(txn), 0);
		CHECK_INT(store_txn_begin(st, 1, &txn), 0);
		CHECK_INT(store_get_json(txn, st->accounts, "bad", 3, &o),
		    -EBADMSG);
		mdb_txn_abort(txn);
	}
	store_close(st);

	/* Reopening keeps the data; a newer schema is refused by name. */
	CHECK_INT(store_open(dir, 64 << 20, &st, err, sizeof(err)), 0);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(store_meta_get_u64(txn, st, "post_id", &val), 0);
	CHECK_INT((long long)val, 2);
	CHECK_INT(store_meta_put_u64(txn, st, "schema", 99), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	store_close(st);
	CHECK_INT(store_open(dir, 64 << 20, &st, err, sizeof(err)), -EPROTO);
	CHECK(strstr(err, "schema version 99") != NULL);

	/* An uncreatable directory is an error with the path in it. */
	CHECK(store_open("/nonexistent/dir/state", 1 << 20, &st, err,
	    sizeof(err)) < 0);
	CHECK(strstr(err, "/nonexistent/dir/state") != NULL);

	test_full_map();
	rm_rf(dir);
	return check_status();
}
