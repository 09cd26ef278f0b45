/*
 * post.c's flat reader (post_from_flat(), what post_get() reads first)
 * against json-c's (post_from_record()): every record post_put() writes,
 * of every shape, takes the flat path and reads back whole; odd records
 * written by hand are read alike or left to json-c; and a few thousand
 * mutations of each record (bytes changed, dropped, added, spans
 * repeated; seeded, so a failure repeats) never read differently.  The
 * `due` entries' values follow the posts (post_due_entry()), and an
 * entry written without one reads its record.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/post.h"
#include "daemon/store/store.h"
#include "tests/unit/check.h"
#include "tests/unit/post-agree.h"
#include "tests/unit/post-sample.h"

#define MUTATIONS	2000	/* per record */

static struct store *st;

/* post_put() of p, then its record as stored, into buf. */
static size_t
stored(struct post *p, char *buf, size_t size)
{
	uint8_t key[8];
	MDB_val k = { sizeof(key), key }, v;
	MDB_txn *txn;

	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(post_put(txn, st, p), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	store_be64(key, p->id);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(mdb_get(txn, st->posts, &k, &v), 0);
	CHECK(v.mv_size < size);
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size] = '\0';
	mdb_txn_abort(txn);
	return v.mv_size;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Changes rec (len bytes, room for size) once; the new length. */
static size_t
mutate(char *rec, size_t len, size_t size)
{
	static const char alpha[] = "{}[]:,\"\\/-0123456789nultrefaxu \t\n"
	    "\x01\x7f\xc3\xa9";
	size_t at = len > 0 ? next() % len : 0, n, to;

	switch (next() % 5) {
	case 0:		/* a byte changed */
		if (len > 0)
			rec[at] = alpha[next() % (sizeof(alpha) - 1)];
		return len;
	case 1:		/* a byte dropped */
		if (len == 0)
			return len;
		memmove(rec + at, rec + at + 1, len - at - 1);
		return len - 1;
	case 2:		/* a byte added */
		if (len + 1 >= size)
			return len;
		memmove(rec + at + 1, rec + at, len - at);
		rec[at] = alpha[next() % (sizeof(alpha) - 1)];
		return len + 1;
	case 3:		/* a span repeated elsewhere: keys twice, lists longer */
		n = 1 + next() % 40;
		if (at + n > len || len + n >= size)
			return len;
		to = next() % len;
		memmove(rec + to + n, rec + to, len - to);
		memmove(rec + to, rec + (at < to ? at : at + n), n);
		return len + n;
	default:	/* a digit changed: numbers, lengths, ids */
		for (n = 0; n < len; n++, at = (at + 1) % len)
			if (rec[at] >= '0' && rec[at] <= '9') {
				rec[at] = (char)('0' + next() % 10);
				break;
			}
		return len;
	}
}

/* rec's mutations never read differently; some take the flat path. */
static void
mutations(const char *rec, size_t len)
{
	char buf[16384];
	size_t i, n, taken = 0;
	struct post f;
	int r;

	for (i = 0; i < MUTATIONS; i++) {
		memcpy(buf, rec, len);
		n = len;
		/* One to four changes each. */
		do
			n = mutate(buf, n, sizeof(buf));
		while (next() % 2 == 0 && next() % 2 == 0);
		r = post_agree(buf, n, &f);
		CHECK(r == 0 || r == -ENOTSUP);
		if (r != 0)
			continue;
		taken++;
		/* What was read is written straight as json-c wrote it. */
		CHECK(post_write_agrees(&f) == NULL);
		post_clear(&f);
	}
	CHECK(taken > MUTATIONS / 20);
}

/* p as post_put() writes it: flat, whole, and as post_get() reads it. */
static void
shape(struct post *p)
{
	char rec[16384];
	struct post f, g;
	const char *field;
	size_t len;
	MDB_txn *txn;

	len = stored(p, rec, sizeof(rec));
	CHECK(post_write_agrees(p) == NULL);
	CHECK_INT(post_agree(rec, len, &f), 0);
	if ((field = post_differs(p, &f)) != NULL)
		fprintf(stderr, "round trip: %s differs: %s\n", field, rec);
	CHECK(field == NULL);
	post_clear(&f);
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	post_init(&g);
	CHECK_INT(post_get(txn, st, p->id, &g), 0);
	mdb_txn_abort(txn);
	CHECK(post_differs(p, &g) == NULL);
	post_clear(&g);
	mutations(rec, len);
	post_clear(p);
}

static void
test_shapes(void)
{
	struct post p;
	char big[6000];
	size_t i;

	/* The least a record holds. */
	post_init(&p);
	strcpy(p.user_id, "1");
	p.due_at = 1796000000;
	p.next_at = 1795999400;
	p.created_at = 1795990000;
	p.text = strdup("hello");
	shape(&p);

	/* A carousel in the middle of its life, and the scheduler's counts. */
	post_sample_carousel(&p, "caf\xc3\xa9 \"quoted\" back\\slash a/b",
	    "https://img.example/a.jpg?x=1&y=2");
	p.link = strdup("https://example.com/x");
	p.quota_ok_at = 1794999001;
	p.searches = 3;
	p.remakes = 1;
	p.staged_at = 1794998000;
	p.notready = 2;
	p.stuck = 1;
	p.children_ready = 1;
	shape(&p);

	/* Every option. */
	post_init(&p);
	strcpy(p.user_id, "1001");
	p.state = POST_READY;
	p.text = strdup("ghost text with a poll");
	p.ghost = 1;
	for (i = 0; i < POST_POLL_MAX; i++)
		asprintf(&p.poll[i], "option %zu \xf0\x9f\x98\x80", i);
	p.npoll = POST_POLL_MAX;
	for (i = 0; i < POST_SPOILER_MAX; i++) {
		p.spoilers[i].offset = (uint32_t)(i * 3);
		p.spoilers[i].length = (uint32_t)(i + 1);
	}
	p.nspoilers = POST_SPOILER_MAX;
	p.spoiler_media = 1;
	p.attachment = strdup("long form\nwith lines\tand tabs");
	p.attachment_link = strdup("https://example.com/l");
	p.gif = strdup("abc");
	p.paused = 1;
	shape(&p);

	/* A repost, published. */
	post_init(&p);
	strcpy(p.user_id, "1002");
	p.kind = POST_REPOST;
	p.state = POST_PUBLISHED;
	strcpy(p.repost_of, "17890000000000001");
	strcpy(p.media_id, "18050000000000009");
	p.permalink = strdup("https://www.threads.net/@a/post/X");
	p.published_at = 1795000002;
	p.media_unknown = 1;
	shape(&p);

	/* The most media and children, control bytes and odd characters. */
	post_init(&p);
	strcpy(p.user_id, "1003");
	p.kind = POST_CAROUSEL;
	p.state = POST_FAILED;
	p.text = strdup("\x01\x1f\x7f ctl \xe2\x80\xa8 sep \"\\/\b\f\r");
	for (i = 0; i < POST_MAX_MEDIA; i++) {
		p.media[i].video = i % 3 == 0;
		asprintf(&p.media[i].url, "https://m.example/%zu.jpg", i);
		if (i % 2 == 0)
			asprintf(&p.media[i].alt, "alt \"%zu\"", i);
		snprintf(p.children[i], GRAPH_ID_LEN, "1789%014zu", i);
	}
	p.nmedia = p.nchildren = POST_MAX_MEDIA;
	for (i = 0; i < 30; i++)
		post_add_reply(&p, 100 + i);
	p.tries = -1;
	p.due_at = -5;
	shape(&p);

	/*
	 * Every state of every kind, with what such a post holds: an image
	 * or a video, a reply (queued, or to a media id), a quote, a link
	 * attachment, a topic tag; negative numbers.
	 */
	for (i = 0; i < (size_t)POST_NSTATES * 5; i++) {
		post_init(&p);
		snprintf(p.user_id, sizeof(p.user_id), "17841400000%06zu", i);
		p.state = (enum post_state)(i % POST_NSTATES);
		p.kind = (enum post_kind)(i / POST_NSTATES);
		p.due_at = 1796000000 + (int64_t)i;
		p.next_at = post_state_final(p.state) ? 0 : p.due_at - 600;
		p.created_at = -(int64_t)i;
		asprintf(&p.text, "%zu: \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89 "
		    "#tag \"q\" \\ / \x02", i);
		if (p.kind == POST_IMAGE || p.kind == POST_VIDEO) {
			p.media[0].video = p.kind == POST_VIDEO;
			p.media[0].url = strdup("https://m.example/x?a=1&b=\"2\"");
			p.media[0].alt = i % 2 ? NULL : strdup("alt \xc3\xa9");
			p.nmedia = 1;
		}
		if (p.kind == POST_REPOST)
			strcpy(p.repost_of, "17890000000000042");
		if (i % 3 == 0)
			p.reply_to_post = 1000 + i;
		if (i % 3 != 2)
			strcpy(p.reply_to, "18050000000000077");
		p.reply_control = i % 4 ? strdup("everyone") : NULL;
		if (i % 5 == 1)
			strcpy(p.quote, "18050000000000078");
		p.link = i % 2 ? strdup("https://example.com/a/b?c=d") : NULL;
		p.topic = i % 3 ? strdup("Topic tag \xc3\xbc") : NULL;
		if (i % 4 == 3) {
			p.attachment = strdup("text attachment\r\n");
			p.attachment_link = strdup("https://example.com/t");
		}
		p.attempts = (int)(i % 4);
		p.tries = -(int)(i % 3);
		if (p.state >= POST_STAGED)
			strcpy(p.container, "17890000000000100");
		if (p.state == POST_PUBLISHED) {
			strcpy(p.media_id, "18050000000000200");
			p.permalink = strdup("https://www.threads.net/@a/post/Y");
			p.published_at = p.due_at + 1;
		}
		if (p.state == POST_FAILED)
			p.error = strdup("Meta said: \"no\"\n\tsee \\docs/x");
		shape(&p);
	}

	/* Empty strings are written as null, as json-c's record had them. */
	post_init(&p);
	strcpy(p.user_id, "1005");
	p.text = strdup("");
	p.reply_control = strdup("");
	p.link = strdup("");
	p.topic = strdup("");
	p.attachment = strdup("");
	p.attachment_link = strdup("");
	p.gif = strdup("");
	p.media[0].url = strdup("https://m.example/e.jpg");
	p.media[0].alt = strdup("");
	p.nmedia = 1;
	p.poll[0] = strdup("");
	p.npoll = 1;
	p.permalink = strdup("");
	p.error = strdup("");
	{
		char rec[16384];

		stored(&p, rec, sizeof(rec));
		CHECK(strstr(rec, "\"text\":null,") != NULL);
		CHECK(post_write_agrees(&p) == NULL);
	}
	post_clear(&p);

	/* Long strings: in place without escapes, unescaped past the buffer. */
	post_init(&p);
	strcpy(p.user_id, "1004");
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	p.text = strdup(big);
	memset(big, '/', 3000);
	p.attachment = strdup(big);
	{
		char rec[16384];
		struct post f;
		size_t len = stored(&p, rec, sizeof(rec));

		/* 6,000 slashes escaped: json-c's, and the same post. */
		post_init(&f);
		CHECK(post_write_agrees(&p) == NULL);
		CHECK_INT(post_agree(rec, len, NULL), -ENOTSUP);
		CHECK_INT(post_from_flat(rec, len, &f), -ENOTSUP);
		post_clear(&p);
	}
	post_init(&p);
	strcpy(p.user_id, "1004");
	memset(big, 'q', sizeof(big) - 1);
	p.text = strdup(big);
	shape(&p);
}

/* A record written by hand: 0 read alike, -ENOTSUP left to json-c. */
static void
odd(const char *rec, int want, int line)
{
	int r = post_agree(rec, strlen(rec), NULL);

	if (r != want)
		fprintf(stderr, "line %d: %d, expected %d\n", line, r, want);
	CHECK_INT(r, want);
}

#define HEAD	"{\"id\":\"3\",\"user_id\":\"1\",\"state\":\"staged\""
#define ODD(rec, want)	odd(rec, want, __LINE__)

static void
test_odd(void)
{
	const char *kinds = HEAD ",\"kind\":\"zzz\",\"replies\":[null,"
	    "\"abc\",\"5\"]}";
	struct post p;

	ODD(HEAD "}", 0);
	ODD(" " HEAD " , \"v\" : 1 }\n", 0);
	/* Values of other types than the record's: the defaults. */
	ODD(HEAD ",\"text\":5,\"due_at\":\"5\",\"next_at\":null,"
	    "\"media\":\"x\",\"replies\":{},\"children\":null,\"poll\":7,"
	    "\"spoilers\":\"s\",\"ghost\":2,\"paused\":-1,\"kind\":7,"
	    "\"reply_to\":[],\"quote\":{\"a\":1},\"attempts\":[1]}", 0);
	ODD(HEAD ",\"kind\":\"repost\"}", 0);
	ODD(HEAD ",\"kind\":\"zzz\"}", 0);
	ODD(HEAD ",\"kind\":\"video\",\"reply_to_post\":\"0012\"}", 0);
	ODD(HEAD ",\"reply_to\":\"123456789012345678901234567890123456789"
	    "01234567890123456789012345\"}", 0);
	ODD(HEAD ",\"replies\":[null,\"abc\",\"0\",\"5\","
	    "\"99999999999999999999\"]}", 0);
	ODD(HEAD ",\"spoilers\":[{\"offset\":0,\"length\":1,\"x\":[]}]}", 0);
	ODD(HEAD ",\"media\":[{\"type\":\"gif\",\"url\":\"u\",\"alt\":3}]}",
	    0);
	ODD(HEAD ",\"zz\":[{\"a\":[1,{\"b\":null}]},[],\"s\"]}", 0);
	ODD("{\"user_id\":\"1\",\"state\":\"staged\",\"id\":\"3\","
	    "\"text\":\"\\u00e9\\ud83d\\ude00\"}", 0);
	/* Refused, or read otherwise by json-c: json-c decides. */
	ODD("{\"user_id\":\"1\",\"state\":\"staged\"}", -ENOTSUP);
	ODD("{\"id\":\"0\",\"user_id\":\"1\",\"state\":\"staged\"}", -ENOTSUP);
	ODD("{\"id\":\"3\",\"user_id\":1,\"state\":\"staged\"}", -ENOTSUP);
	ODD("{\"id\":\"3\",\"user_id\":\"1\",\"state\":\"gone\"}", -ENOTSUP);
	ODD(HEAD ",\"text\":\"a\",\"text\":\"b\"}", -ENOTSUP);
	ODD(HEAD ",\"state\":\"ready\"}", -ENOTSUP);
	ODD(HEAD ",\"media\":[{\"type\":\"image\"}]}", -ENOTSUP);
	ODD(HEAD ",\"media\":[{\"url\":\"u\"}]}", -ENOTSUP);
	ODD(HEAD ",\"media\":[{\"type\":\"image\",\"url\":\"u\","
	    "\"url\":\"v\"}]}", -ENOTSUP);
	ODD(HEAD ",\"media\":[\"u\"]}", -ENOTSUP);
	ODD(HEAD ",\"replies\":[5]}", -ENOTSUP);
	ODD(HEAD ",\"children\":[\"1234567890123456789012345678901234567890"
	    "12345678901234567890123456\"]}", -ENOTSUP);
	ODD(HEAD ",\"children\":[1]}", -ENOTSUP);
	ODD(HEAD ",\"poll\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", -ENOTSUP);
	ODD(HEAD ",\"poll\":[null]}", -ENOTSUP);
	ODD(HEAD ",\"spoilers\":[{\"offset\":0,\"length\":0}]}", -ENOTSUP);
	ODD(HEAD ",\"spoilers\":[{\"offset\":-1,\"length\":1}]}", -ENOTSUP);
	ODD(HEAD ",\"spoilers\":[{\"offset\":0,\"length\":4294967296}]}",
	    -ENOTSUP);
	ODD(HEAD ",\"spoilers\":[3]}", -ENOTSUP);
	ODD(HEAD ",\"zz\":[[[[[1]]]]]}", -ENOTSUP);
	ODD(HEAD ",\"ghost\":true}", -ENOTSUP);
	ODD(HEAD ",\"due_at\":1.5}", -ENOTSUP);
	ODD(HEAD ",\"zz\":[1,]}", -ENOTSUP);
	ODD(HEAD "} x", -ENOTSUP);
	ODD(HEAD, -ENOTSUP);
	ODD("[" HEAD "}]", -ENOTSUP);
	ODD("", -ENOTSUP);

	/* What they are read as. */
	post_init(&p);
	CHECK_INT(post_from_flat(kinds, strlen(kinds), &p), 0);
	CHECK_INT(p.kind, POST_REPOST);
	CHECK_INT(p.nreplies, 1);
	CHECK_INT(p.replies[0], 5);
	post_clear(&p);
}

/* The `due` entry of post id as post_due_entry() reads it. */
static int
entry(uint64_t id, struct post_due *e, size_t *ret_vlen)
{
	MDB_cursor *cur;
	MDB_val k, v;
	MDB_txn *txn;
	int rc, r = -ENOENT;

	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	CHECK_INT(mdb_cursor_open(txn, st->due, &cur), 0);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (k.mv_size == 16 &&
		    store_get_be64((uint8_t *)k.mv_data + 8) == id) {
			*ret_vlen = v.mv_size;
			r = post_due_entry(txn, st, &k, &v, e);
			break;
		}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return r;
}

static void
test_due_entries(void)
{
	struct post_due e;
	struct post p;
	char rec[4096];
	uint8_t key[16];
	MDB_val k = { sizeof(key), key }, v = { 0, "" };
	MDB_txn *txn;
	size_t vlen;

	post_init(&p);
	strcpy(p.user_id, "2001");
	p.due_at = 1796000600;
	p.next_at = 1796000000;
	stored(&p, rec, sizeof(rec));
	CHECK_INT(entry(p.id, &e, &vlen), 0);
	CHECK_INT(vlen, 10);
	CHECK_INT(e.at, 1796000000);
	CHECK_INT(e.due_at, 1796000600);
	CHECK_INT(e.state, POST_SCHEDULED);
	CHECK_INT(e.paused, 0);

	/* The key stays where it is; its value follows the post. */
	p.state = POST_STAGING;
	p.paused = 1;
	p.due_at = 1796000700;
	stored(&p, rec, sizeof(rec));
	CHECK_INT(entry(p.id, &e, &vlen), 0);
	CHECK_INT(e.at, 1796000000);
	CHECK_INT(e.due_at, 1796000700);
	CHECK_INT(e.state, POST_STAGING);
	CHECK_INT(e.paused, 1);

	/* An entry as an older threadsd wrote it: the record says. */
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	store_be64(key, 1796000000);
	store_be64(key + 8, p.id);
	CHECK_INT(mdb_put(txn, st->due, &k, &v, 0), 0);
	CHECK_INT(store_txn_commit(txn), 0);
	CHECK_INT(entry(p.id, &e, &vlen), 0);
	CHECK_INT(vlen, 0);
	CHECK_INT(e.due_at, 1796000700);
	CHECK_INT(e.state, POST_STAGING);
	CHECK_INT(e.paused, 1);
	/* The next write of the post gives it its value. */
	p.paused = 0;
	stored(&p, rec, sizeof(rec));
	CHECK_INT(entry(p.id, &e, &vlen), 0);
	CHECK_INT(vlen, 10);
	CHECK_INT(e.paused, 0);
	/* And a key that moves takes the value along. */
	p.state = POST_READY;
	p.next_at = 1796000700;
	stored(&p, rec, sizeof(rec));
	CHECK_INT(entry(p.id, &e, &vlen), 0);
	CHECK_INT(e.at, 1796000700);
	CHECK_INT(e.state, POST_READY);
	post_clear(&p);
}

int
main(void)
{
	char dir[] = "/tmp/test-postrec.XXXXXX", err[256], cmd[64];

	if (mkdtemp(dir) == NULL || store_open(dir, 1 << 24, &st, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "store: %s\n", err);
		return 1;
	}
	test_shapes();
	test_odd();
	test_due_entries();
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return check_status();
}
