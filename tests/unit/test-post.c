/*
 * post.c: a record survives the round trip with every field; post_put()
 * keeps the `due` index and the per-state tallies exact through
 * transitions; account_erase() finds the post through the fields it
 * reads ("state", "next_at") and leaves no key or count behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/store/account.h"
#include "daemon/store/post.h"
#include "daemon/store/store.h"
#include "tests/unit/check.h"
#include "tests/unit/post-sample.h"

static struct store *st;

static uint64_t
tally(const char *state)
{
	char name[32];
	MDB_txn *txn;
	uint64_t n = 99;

	snprintf(name, sizeof(name), "posts.%s", state);
	if (store_txn_begin(st, 1, &txn) == 0) {
		store_meta_get_u64(txn, st, name, &n);
		mdb_txn_abort(txn);
	}
	return n;
}

/* The `due` keys as "time:id " pairs. */
static void
due_keys(char *buf, size_t len)
{
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	size_t off = 0;
	int rc;

	buf[0] = '\0';
	if (store_txn_begin(st, 1, &txn) < 0)
		return;
	mdb_cursor_open(txn, st->due, &cur);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		off += snprintf(buf + off, len - off, "%llu:%llu ",
		    (unsigned long long)store_get_be64(k.mv_data),
		    (unsigned long long)store_get_be64(
		    (uint8_t *)k.mv_data + 8));
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
}

static int
put(struct post *p)
{
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(st, 0, &txn)) < 0)
		return r;
	if ((r = post_put(txn, st, p)) < 0) {
		mdb_txn_abort(txn);
		return r;
	}
	return store_txn_commit(txn);
}

static int
get(uint64_t id, struct post *p)
{
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(st, 1, &txn)) < 0)
		return r;
	post_init(p);
	r = post_get(txn, st, id, p);
	mdb_txn_abort(txn);
	return r;
}

static void
test_round_trip(void)
{
	struct post p, q;
	struct json_object *o;

	post_sample_carousel(&p, "caf\xc3\xa9 \"quoted\"",
	    "https://img.example/a.jpg");
	p.id = 5;
	o = post_record(&p);
	post_init(&q);
	CHECK_INT(post_from_record(o, &q), 0);
	json_object_put(o);
	CHECK_INT(q.id, 5);
	CHECK_STR(q.user_id, p.user_id);
	CHECK_INT(q.state, POST_STAGED);
	CHECK_INT(q.kind, POST_CAROUSEL);
	CHECK_INT(q.due_at, p.due_at);
	CHECK_INT(q.next_at, p.next_at);
	CHECK_STR(q.text, p.text);
	CHECK_INT(q.nmedia, 2);
	CHECK_STR(q.media[0].alt, "alt one");
	CHECK(q.media[1].alt == NULL);
	CHECK_INT(q.media[1].video, 1);
	CHECK_INT(q.reply_to_post, 7);
	CHECK_STR(q.reply_to, p.reply_to);
	CHECK_STR(q.quote, p.quote);
	CHECK_INT(q.nreplies, 2);
	CHECK_INT(q.replies[1], 13);
	CHECK_STR(q.children[1], p.children[1]);
	CHECK_INT(q.nchildren, 2);
	CHECK_INT(q.check, 1);
	CHECK_INT(q.attempts, 2);
	CHECK(q.link == NULL);
	CHECK(q.media_id[0] == '\0');

	/* A deep copy owns its strings. */
	{
		struct post c;

		post_init(&c);
		CHECK_INT(post_copy(&c, &q), 0);
		post_clear(&q);
		CHECK_STR(c.media[1].url, "https://vid.example/b.mp4");
		CHECK_INT(c.replies[0], 12);
		post_clear(&c);
	}

	/* The wire form: DESIGN.md's fields, unknowns null. */
	o = post_to_json(&p, "alice");
	CHECK_STR(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"id\":\"5\",\"user_id\":\"17841400000000001\",\"username\":"
	    "\"alice\",\"state\":\"staged\",\"due_at\":"
	    "\"2026-11-18T11:06:40Z\",\"kind\":\"carousel\",\"text\":"
	    "\"caf\xc3\xa9 \\\"quoted\\\"\",\"reply_to_post\":\"7\","
	    "\"reply_to\":\"18050000000000001\",\"attempts\":2,\"media_id\":null,"
	    "\"permalink\":null,\"error\":\"last trouble\","
	    "\"published_at\":null}");
	json_object_put(o);
	post_clear(&p);

	o = json_tokener_parse("{\"id\":\"x\",\"user_id\":\"1\","
	    "\"state\":\"staged\"}");
	CHECK_INT(post_from_record(o, &q), -EBADMSG);
	json_object_put(o);
	o = json_tokener_parse("{\"id\":\"3\",\"user_id\":\"1\","
	    "\"state\":\"floating\"}");
	CHECK_INT(post_from_record(o, &q), -EBADMSG);
	json_object_put(o);
	CHECK_INT(post_id_parse("18446744073709551615"), 0);
	CHECK_INT(post_id_parse("12a"), 0);
	CHECK_INT(post_id_parse("42"), 42);
}

/* The newer options survive the record; a record without them reads. */
static void
test_options_record(void)
{
	struct json_object *o;
	struct post p, q, c;

	post_init(&p);
	p.id = 9;
	strcpy(p.user_id, "1001");
	p.text = strdup("ghost text");
	p.ghost = 1;
	p.poll[0] = strdup("yes");
	p.poll[1] = strdup("no");
	p.npoll = 2;
	p.spoilers[0].offset = 1;
	p.spoilers[0].length = 4;
	p.nspoilers = 1;
	p.spoiler_media = 1;
	p.attachment = strdup("long form");
	p.attachment_link = strdup("https://example.com/l");
	p.gif = strdup("abc");
	o = post_record(&p);
	post_init(&q);
	CHECK_INT(post_from_record(o, &q), 0);
	json_object_put(o);
	CHECK_INT(q.ghost, 1);
	CHECK_INT(q.npoll, 2);
	CHECK_STR(q.poll[1], "no");
	CHECK_INT(q.nspoilers, 1);
	CHECK_INT(q.spoilers[0].offset, 1);
	CHECK_INT(q.spoilers[0].length, 4);
	CHECK_INT(q.spoiler_media, 1);
	CHECK_STR(q.attachment, "long form");
	CHECK_STR(q.attachment_link, "https://example.com/l");
	CHECK_STR(q.gif, "abc");
	post_init(&c);
	CHECK_INT(post_copy(&c, &q), 0);
	post_clear(&q);
	CHECK_STR(c.poll[0], "yes");
	CHECK_STR(c.attachment, "long form");
	post_clear(&c);
	post_clear(&p);

	post_init(&p);
	p.id = 10;
	strcpy(p.user_id, "1001");
	p.kind = POST_REPOST;
	strcpy(p.repost_of, "17890000000000001");
	o = post_record(&p);
	CHECK_INT(post_from_record(o, &q), 0);
	json_object_put(o);
	CHECK_INT(q.kind, POST_REPOST);
	CHECK_STR(q.repost_of, "17890000000000001");
	post_clear(&q);
	post_clear(&p);

	/* A version 1 record from before the options. */
	o = json_tokener_parse("{\"v\":1,\"id\":\"4\",\"user_id\":\"1\","
	    "\"state\":\"scheduled\",\"kind\":\"text\",\"text\":\"old\"}");
	CHECK_INT(post_from_record(o, &q), 0);
	json_object_put(o);
	CHECK_INT(q.ghost, 0);
	CHECK_INT(q.npoll, 0);
	CHECK_INT(q.nspoilers, 0);
	CHECK(q.attachment == NULL && q.gif == NULL);
	CHECK(q.repost_of[0] == '\0');
	post_clear(&q);
	o = json_tokener_parse("{\"v\":1,\"id\":\"4\",\"user_id\":\"1\","
	    "\"state\":\"scheduled\",\"poll\":[\"a\",\"b\",\"c\",\"d\","
	    "\"e\"]}");
	CHECK_INT(post_from_record(o, &q), -EBADMSG);
	json_object_put(o);
}

static void
test_transitions(void)
{
	struct post p, q;
	char keys[256];

	post_init(&p);
	strcpy(p.user_id, "1001");
	p.text = strdup("one");
	p.due_at = 2000;
	p.next_at = 1400;
	CHECK_INT(put(&p), 0);
	CHECK_INT(p.id, 1);
	CHECK_INT(tally("scheduled"), 1);
	due_keys(keys, sizeof(keys));
	CHECK_STR(keys, "1400:1 ");

	/* scheduled -> staging: the key moves, the tallies follow. */
	p.state = POST_STAGING;
	p.next_at = 1400;
	CHECK_INT(put(&p), 0);
	p.state = POST_STAGED;
	p.next_at = 1402;
	CHECK_INT(put(&p), 0);
	CHECK_INT(tally("scheduled"), 0);
	CHECK_INT(tally("staging"), 0);
	CHECK_INT(tally("staged"), 1);
	due_keys(keys, sizeof(keys));
	CHECK_STR(keys, "1402:1 ");

	/* A second post of another account. */
	post_init(&q);
	strcpy(q.user_id, "10011");
	q.text = strdup("two");
	q.due_at = 1500;
	q.next_at = 1500;
	CHECK_INT(put(&q), 0);
	CHECK_INT(q.id, 2);
	due_keys(keys, sizeof(keys));
	CHECK_STR(keys, "1402:1 1500:2 ");

	/* Published: the key goes with next_at 0. */
	p.state = POST_PUBLISHED;
	p.next_at = 0;
	strcpy(p.media_id, "18050000000000001");
	CHECK_INT(put(&p), 0);
	due_keys(keys, sizeof(keys));
	CHECK_STR(keys, "1500:2 ");
	CHECK_INT(tally("published"), 1);
	CHECK_INT(tally("staged"), 0);
	post_clear(&p);
	CHECK_INT(get(1, &p), 0);
	CHECK_STR(p.media_id, "18050000000000001");
	post_clear(&p);
	CHECK_INT(get(9, &p), -ENOENT);

	/* An update of a post that is gone is refused. */
	q.id = 77;
	CHECK_INT(put(&q), -ENOENT);
	q.id = 2;
	post_clear(&q);
}

static void
test_erase(void)
{
	struct account a;
	MDB_txn *txn;
	char keys[256];

	/* account_erase() drops the posts of 10011 only. */
	account_init(&a);
	strcpy(a.user_id, "10011");
	account_set_str(&a.username, "bob");
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_put(txn, st, &a), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	account_clear(&a);
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_erase(txn, st, "10011"), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	due_keys(keys, sizeof(keys));
	CHECK_STR(keys, "");
	CHECK_INT(tally("scheduled"), 0);
	CHECK_INT(tally("published"), 1);
}

int
main(void)
{
	char dir[] = "/tmp/test-post.XXXXXX", err[256], cmd[64];

	if (mkdtemp(dir) == NULL || store_open(dir, 1 << 24, &st, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "store: %s\n", err);
		return 1;
	}
	test_round_trip();
	test_options_record();
	test_transitions();
	test_erase();
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return check_status();
}
