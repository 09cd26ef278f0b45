/*
 * flatrec.c and account.c's use of it: every record reads the same
 * through the flat reader as through json-c.  Each record is read twice:
 * as it is, and with a nested member added, which the flat reader leaves
 * to json-c (and account.c ignores); both must give the same account and
 * the same error.  The records json-c writes must take the flat path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/account.h"
#include "daemon/store/flatrec.h"
#include "daemon/store/store.h"
#include "check.h"

static struct store *st;

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
same(const struct account *a, const struct account *b)
{
	return strcmp(a->user_id, b->user_id) == 0 &&
	    str_eq(a->username, b->username) && str_eq(a->name, b->name) &&
	    str_eq(a->picture_url, b->picture_url) &&
	    a->followers == b->followers && a->following == b->following &&
	    a->media == b->media && a->state == b->state &&
	    a->added_at == b->added_at &&
	    a->token_issued_at == b->token_issued_at &&
	    a->token_expires_at == b->token_expires_at &&
	    a->last_poll_at == b->last_poll_at &&
	    a->refresh_retry_at == b->refresh_retry_at &&
	    a->refresh_failures == b->refresh_failures &&
	    a->expiry_warned_at == b->expiry_warned_at &&
	    a->poll_retry_at == b->poll_retry_at &&
	    a->poll_failures == b->poll_failures &&
	    a->insights_refused == b->insights_refused &&
	    a->insights_refused_at == b->insights_refused_at &&
	    a->media_counted_at == b->media_counted_at &&
	    a->media_newest_at == b->media_newest_at &&
	    a->media_newest_n == b->media_newest_n &&
	    a->revoked_at == b->revoked_at &&
	    a->forget_warned_at == b->forget_warned_at;
}

static void
put_raw(const char *key, const char *rec, size_t len)
{
	MDB_val k = { strlen(key), (void *)key }, v = { len, (void *)rec };
	MDB_txn *txn;

	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(mdb_put(txn, st->accounts, &k, &v, 0), 0);
	CHECK_INT(store_txn_commit(txn), 0);
}

static int
read_as(const char *key, struct account *a)
{
	MDB_txn *txn;
	int r;

	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	account_init(a);
	r = account_get_by_id(txn, st, key, a);
	mdb_txn_abort(txn);
	return r;
}

static int
nop(const char *k, size_t kl, const struct flatrec_val *v, void *arg)
{
	(void)k;
	(void)kl;
	(void)v;
	(void)arg;
	return 0;
}

/*
 * Reads rec as "f" (flat reader first) and, with a nested member
 * spliced in before its last '}', as "j" (json-c); they must agree.
 * flat: whether the flat reader must take rec itself (1), or leave it
 * to json-c (0).  Returns what the read returned.
 */
static int
agree(const char *rec, int flat, int line)
{
	struct account a, b;
	char buf[8192];
	const char *close = strrchr(rec, '}');
	int ra, rb, rf;

	rf = flatrec_each(rec, strlen(rec), nop, NULL);
	if ((flat && rf != 0) || (!flat && rf != -ENOTSUP)) {
		fprintf(stderr, "line %d: flatrec_each gave %d: %s\n", line,
		    rf, rec);
		CHECK(0);
	}
	put_raw("f", rec, strlen(rec));
	/* A comma before it, unless the object is empty or has one. */
	if (close != NULL)
		snprintf(buf, sizeof(buf), "%.*s%s\"zz\":[{}]%s",
		    (int)(close - rec), rec, strchr(rec, ':') == NULL ||
		    (close > rec && close[-1] == ',') ? "" : ",", close);
	else
		snprintf(buf, sizeof(buf), "%s", rec);
	put_raw("j", buf, strlen(buf));
	ra = read_as("f", &a);
	rb = read_as("j", &b);
	if (ra != rb || (ra == 0 && !same(&a, &b))) {
		fprintf(stderr, "line %d: flat %d, json-c %d: %s\n", line, ra,
		    rb, rec);
		CHECK(0);
	}
	account_clear(&a);
	account_clear(&b);
	return ra;
}

/* account_put writes it, both readers must give it back whole. */
static void
roundtrip(const char *username, const char *name, const char *url)
{
	struct account a, b;
	MDB_val k, v;
	MDB_txn *txn;
	char rec[8192];

	account_init(&a);
	snprintf(a.user_id, sizeof(a.user_id), "17841400000000099");
	account_set_str(&a.username, username);
	account_set_str(&a.name, name);
	account_set_str(&a.picture_url, url);
	a.followers = 1234567890123LL;
	a.media = 0;
	a.state = ACCOUNT_REAUTH_REQUIRED;
	a.token_expires_at = -5;
	a.last_poll_at = 1796000000;
	a.poll_failures = 7;
	a.media_newest_n = -1;
	CHECK_INT(store_txn_begin(st, 0, &txn), 0);
	CHECK_INT(account_put(txn, st, &a), 0);
	CHECK_INT(store_txn_commit(txn), 0);

	CHECK_INT(read_as(a.user_id, &b), 0);
	CHECK(same(&a, &b));
	account_clear(&b);
	/* As stored: the flat reader's, and json-c agrees. */
	CHECK_INT(store_txn_begin(st, 1, &txn), 0);
	k.mv_size = strlen(a.user_id);
	k.mv_data = a.user_id;
	CHECK_INT(mdb_get(txn, st->accounts, &k, &v), 0);
	CHECK(v.mv_size < sizeof(rec));
	memcpy(rec, v.mv_data, v.mv_size);
	rec[v.mv_size] = '\0';
	mdb_txn_abort(txn);
	CHECK_INT(agree(rec, 1, __LINE__), 0);
	account_clear(&a);
}

struct collect {
	char	 out[512];
};

static int
collect_cb(const char *k, size_t kl, const struct flatrec_val *v,
    void *arg)
{
	struct collect *c = arg;
	size_t n = strlen(c->out);

	if (v->type == FLATREC_STR)
		snprintf(c->out + n, sizeof(c->out) - n, "%.*s=s:%.*s;",
		    (int)kl, k, (int)v->len, v->s);
	else if (v->type == FLATREC_INT)
		snprintf(c->out + n, sizeof(c->out) - n, "%.*s=i:%lld;",
		    (int)kl, k, (long long)v->i);
	else
		snprintf(c->out + n, sizeof(c->out) - n, "%.*s=null;",
		    (int)kl, k);
	return 0;
}

static void
members(const char *rec, const char *want)
{
	struct collect c = { "" };

	CHECK_INT(flatrec_each(rec, strlen(rec), collect_cb, &c), 0);
	CHECK_STR(c.out, want);
}

int
main(void)
{
	char dir[] = "/tmp/test-flatrec.XXXXXX", err[256], cmd[128];
	const char *head = "{\"user_id\":\"1\",\"username\":\"a\","
	    "\"name\":\"\\n";
	char big[6000];
	struct account a;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(store_open(dir, 16 << 20, &st, err, sizeof(err)), 0);

	/* The reader itself: members in order, escapes undone. */
	members("{}", "");
	members(" { \"a\" : 1 , \"b\":\"x\\/y\\\"z\\\\\",\"c\":null,"
	    "\"d\":-42 }\n", "a=i:1;b=s:x/y\"z\\;c=null;d=i:-42;");
	members("{\"e\":\"\\u00e9\\ud83d\\ude00\\n\\t\"}",
	    "e=s:\xc3\xa9\xf0\x9f\x98\x80\n\t;");
	members("{\"n\":0,\"m\":-0,\"x\":999999999999999999}",
	    "n=i:0;m=i:0;x=i:999999999999999999;");

	/* What json-c writes, with every kind of string in it. */
	roundtrip("alice", "Alice", "https://cdn.example/p/a.jpg?x=1&y=2");
	roundtrip("a/b\"c\\d", "Zo\xc3\xab \xf0\x9f\x98\x80 tab\there\nnew",
	    NULL);
	roundtrip("x", "", "");
	roundtrip("u\xe2\x80\xa8v", "\x7f ctl \x01\x1f end", "/");

	/* Same answers, flat or not. */
	agree("{\"user_id\":\"1\",\"username\":\"a\"}", 1, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"state\":\"revoked\","
	    "\"revoked_at\":5,\"followers_count\":null}", 1, __LINE__);
	/* Types that do not fit: the default, as json-c's getters give. */
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"name\":12,"
	    "\"followers_count\":\"12\",\"state\":5,\"last_poll_at\":null,"
	    "\"poll_failures\":\"3\"}", 1, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"state\":\"nope\"}", 1,
	    __LINE__);
	/* Repeated keys: the last wins. */
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"name\":\"n\","
	    "\"name\":null,\"state\":\"revoked\",\"state\":\"active\","
	    "\"media_count\":3,\"media_count\":4}", 1, __LINE__);
	agree("{\"user_id\":\"9\",\"user_id\":\"1\",\"username\":\"a\","
	    "\"username\":\"b\"}", 1, __LINE__);
	/* Damaged: no id, an id too long, no username, not an object. */
	CHECK_INT(agree("{\"username\":\"a\"}", 1, __LINE__), -EBADMSG);
	CHECK_INT(agree("{\"user_id\":\"123456789012345678901234567890123"
	    "456789012345678901234567890\",\"username\":\"a\"}", 1, __LINE__),
	    -EBADMSG);
	CHECK_INT(agree("{\"user_id\":\"1\",\"username\":null}", 1, __LINE__),
	    -EBADMSG);
	CHECK_INT(agree("{\"user_id\":1,\"username\":\"a\"}", 1, __LINE__),
	    -EBADMSG);
	CHECK_INT(agree("[1]", 0, __LINE__), -EBADMSG);
	CHECK_INT(agree("", 0, __LINE__), -EBADMSG);
	/* Left to json-c: whatever it might read otherwise. */
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"added_at\":1.5}", 0,
	    __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"added_at\":1e3}", 0,
	    __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"added_at\":007}", 0,
	    __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"added_at\":"
	    "1234567890123456789}", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\",\"x\":true}", 0,
	    __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\\u0000b\"}", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\\ud800\"}", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\\udc00\"}", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\tb\"}", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"user\\u006eame\":\"a\"}", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\"} x", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\",}", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\"", 0, __LINE__);
	agree("{\"user_id\":\"1\",\"username\":\"a\\x\"}", 0, __LINE__);
	/* A string past the reader's buffer once unescaped. */
	memset(big, 'q', sizeof(big));
	memcpy(big, head, strlen(head));
	memcpy(big + sizeof(big) - 3, "\"}", 3);
	agree(big, 0, __LINE__);
	CHECK_INT(read_as("f", &a), 0);
	/* The \n is one byte of it. */
	CHECK(a.name != NULL &&
	    strlen(a.name) == sizeof(big) - 3 - strlen(head) + 1);
	account_clear(&a);

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return check_status();
}
