/*
 * bench-seed: makes N accounts for the poller benchmark without going
 * through add-account N times.  It creates the users on fakegraph (admin
 * API, one kept-alive connection), takes a token for each, and writes
 * the account records and sealed tokens straight into a new store, the
 * way connect.c would, in one transaction.  The daemon is not running.
 *
 *   bench-seed FAKE_URL STATE_DIR KEY_FILE N [POSTS_EVERY]
 *
 * Every POSTS_EVERY-th user (default 10) also gets three posts, so some
 * listings are not empty.  Prints the first user's token on fd 3 when it
 * is open (for wrk's script), nothing else but errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "daemon/store/account.h"
#include "daemon/store/seal.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"

struct buf {
	char	*data;
	size_t	 len;
};

static CURL *curl;

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	char *d;

	if ((d = realloc(b->data, b->len + size * n + 1)) == NULL)
		return 0;
	memcpy(d + b->len, p, size * n);
	b->data = d;
	b->len += size * n;
	d[b->len] = '\0';
	return size * n;
}

/* POSTs to the fake's admin URL; returns the parsed reply or exits. */
static struct json_object *
admin(const char *url)
{
	struct json_object *o;
	struct buf b = { NULL, 0 };
	long status = 0;

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(curl) != CURLE_OK ||
	    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK || status != 200 || b.data == NULL ||
	    (o = json_tokener_parse(b.data)) == NULL) {
		fprintf(stderr, "bench-seed: %s: HTTP %ld %s\n", url, status,
		    b.data ? b.data : "");
		exit(1);
	}
	free(b.data);
	return o;
}

static const char *
field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		fprintf(stderr, "bench-seed: no %s in %s\n", key,
		    json_object_to_json_string(o));
		exit(1);
	}
	return json_object_get_string(v);
}

int
main(int argc, char *argv[])
{
	struct json_object *u, *t;
	struct store *st;
	struct seal *seal;
	struct account a;
	uint8_t key[SECRET_KEY_LEN];
	char url[512], err[512], name[32];
	int64_t now = (int64_t)time(NULL);
	MDB_txn *txn;
	FILE *tokout;
	long i, n, every = 10;
	int generated, r;

	if (argc < 5 || argc > 6 || (n = atol(argv[4])) < 1 ||
	    (argc == 6 && (every = atol(argv[5])) < 1)) {
		fprintf(stderr, "usage: bench-seed FAKE_URL STATE_DIR KEY_FILE "
		    "N [POSTS_EVERY]\n");
		return 2;
	}
	if ((r = secret_token_key(argv[3], argv[2], key, &generated, err,
	    sizeof(err))) < 0 || (seal = seal_new(key)) == NULL) {
		fprintf(stderr, "bench-seed: token key: %s\n", err);
		return 1;
	}
	if (store_open(argv[2], 1ULL << 30, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench-seed: %s\n", err);
		return 1;
	}
	/* Indexed from the start (empty), as the daemon's own stores are. */
	if ((r = account_due_check(st)) < 0) {
		fprintf(stderr, "bench-seed: %s\n", strerror(-r));
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	tokout = fdopen(3, "w");
	if (store_txn_begin(st, 0, &txn) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "bench%06ld", i);
		snprintf(url, sizeof(url), "%s/__admin/users?username=%s"
		    "&name=Bench%%20%ld&followers=%ld&views=%ld&likes=7"
		    "&replies=3&reposts=2&quotes=1&clicks=5", argv[1], name, i,
		    100 + i, i % 1000);
		u = admin(url);
		if (i % every == 0) {
			snprintf(url, sizeof(url), "%s/__admin/posts?"
			    "username=%s&count=3", argv[1], name);
			json_object_put(admin(url));
		}
		snprintf(url, sizeof(url), "%s/__admin/token?username=%s",
		    argv[1], name);
		t = admin(url);
		account_init(&a);
		snprintf(a.user_id, sizeof(a.user_id), "%s",
		    field(u, "user_id"));
		account_set_str(&a.username, name);
		a.added_at = a.token_issued_at = now;
		a.token_expires_at = now + 60 * 86400;
		if ((r = account_put(txn, st, &a)) < 0 ||
		    (r = account_token_put(txn, st, seal, a.user_id,
		    field(t, "access_token"))) < 0) {
			fprintf(stderr, "bench-seed: store: %s\n",
			    strerror(-r));
			return 1;
		}
		if (i == 0 && tokout != NULL)
			fprintf(tokout, "%s\n", field(t, "access_token"));
		account_clear(&a);
		json_object_put(u);
		json_object_put(t);
	}
	if ((r = store_txn_commit(txn)) < 0) {
		fprintf(stderr, "bench-seed: commit: %s\n", strerror(-r));
		return 1;
	}
	if (tokout != NULL)
		fclose(tokout);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	store_close(st);
	seal_free(seal);
	return 0;
}
