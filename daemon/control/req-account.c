/*
 * The account requests: authorization URL, add, list, show, remove,
 * export, refresh.  Handlers check their arguments, read or write the
 * store in one short transaction, and hand longer work to its owner
 * (connect.c, tokens.c), which answers when done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon/store/account.h"
#include "daemon/graph/auth.h"
#include "common/timefmt.h"
#include "daemon/config.h"
#include "daemon/owners/connect.h"
#include "daemon/daemon.h"
#include "daemon/store/erase.h"
#include "daemon/log.h"
#include "daemon/control/req.h"
#include "daemon/store/store.h"
#include "daemon/owners/tokens.h"

struct account_args {
	const char	*account;
};

static const struct req_arg account_arg[] = {
	{ "account", ARG_STRING, offsetof(struct account_args, account), 1 },
	{ NULL, 0, 0, 0 }
};

/* Reads the account named in req's args; answers req itself on failure. */
static int
req_account_lookup(struct req *req, struct account *ret)
{
	struct account_args args = { 0 };

	if (req_args(req, account_arg, &args) < 0)
		return -EINVAL;
	return req_find_account(req, NULL, args.account, ret);
}

/* The OAuth flow needs the app's id, secret and redirect URI. */
static int
oauth_configured(struct req *req)
{
	const struct config *cfg = req->d->cfg;

	if (cfg->app_id == NULL || cfg->redirect_uri == NULL) {
		req_fail(req, ERR_UNAVAILABLE, "[api] %s is not set in the "
		    "configuration", cfg->app_id == NULL ? "app_id" :
		    "redirect_uri");
		return 0;
	}
	if (req->d->app_secret == NULL) {
		req_fail(req, ERR_UNAVAILABLE, "no app secret: provide the "
		    "app-secret credential or [api] app_secret_file, or "
		    "connect with 'add-account --token-stdin'");
		return 0;
	}
	return 1;
}

void
req_account_auth_url(struct req *req)
{
	const struct config *cfg = req->d->cfg;
	struct json_object *res;
	char state[AUTH_STATE_LEN], *url;

	if (req_args(req, NULL, NULL) < 0)
		return;
	if (!oauth_configured(req))
		return;
	auth_state_new(&req->d->auth, daemon_now(), state);
	url = auth_url(cfg->auth_url, cfg->app_id, cfg->redirect_uri, state);
	if (url == NULL) {
		req_fail(req, ERR_INTERNAL, "out of memory");
		return;
	}
	res = json_object_new_object();
	json_object_object_add(res, "url", json_object_new_string(url));
	json_object_object_add(res, "state", json_object_new_string(state));
	free(url);
	req_ok(req, res);
}

struct add_args {
	const char	*redirect_url;
	const char	*code;
	const char	*token;
};

static const struct req_arg add_table[] = {
	{ "redirect_url", ARG_STRING, offsetof(struct add_args, redirect_url),
	    0 },
	{ "code", ARG_STRING, offsetof(struct add_args, code), 0 },
	{ "token", ARG_STRING, offsetof(struct add_args, token), 0 },
	{ NULL, 0, 0, 0 }
};

/* A copy of a secret argument that connect.c will wipe. */
static char *
secret_arg(const char *s)
{
	size_t len = strlen(s);

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
	    s[len - 1] == ' '))
		len--;
	return strndup(s, len);
}

void
req_account_add(struct req *req)
{
	struct add_args a = { 0 };
	char err[512], *code = NULL, *state = NULL, *tok;
	int n, r;

	if (req_args(req, add_table, &a) < 0)
		return;
	n = (a.redirect_url != NULL) + (a.code != NULL) + (a.token != NULL);
	if (n != 1) {
		req_fail(req, ERR_INVALID_ARGUMENT, "give exactly one of "
		    "redirect_url, code or token");
		return;
	}
	if (a.token != NULL) {
		if ((tok = secret_arg(a.token)) == NULL || tok[0] == '\0') {
			free(tok);
			req_fail(req, ERR_INVALID_ARGUMENT, "the token is "
			    "empty");
			return;
		}
		connect_token(req->d->connects, req, tok);
		return;
	}
	if (!oauth_configured(req))
		return;
	if (a.redirect_url != NULL) {
		r = auth_parse_redirect(a.redirect_url, &code, &state, err,
		    sizeof(err));
		if (r < 0) {
			req_fail(req, r == -ENOMEM ? ERR_INTERNAL :
			    ERR_INVALID_ARGUMENT, "%s", err);
			return;
		}
		r = auth_state_take(&req->d->auth, state, daemon_now());
		free(state);
		if (r < 0) {
			sodium_memzero(code, strlen(code));
			free(code);
			req_fail(req, ERR_INVALID_ARGUMENT, "the URL's state "
			    "does not match one this daemon handed out in "
			    "the last hour: start again with 'threadsctl "
			    "add-account'");
			return;
		}
	} else if ((code = secret_arg(a.code)) == NULL || code[0] == '\0') {
		free(code);
		req_fail(req, ERR_INVALID_ARGUMENT, "the code is empty");
		return;
	}
	connect_code(req->d->connects, req, code);
}

static int
list_one(const struct account *a, void *arg)
{
	json_object_array_add(arg, account_to_json(a));
	return 0;
}

void
req_account_list(struct req *req)
{
	struct json_object *arr, *res;
	MDB_txn *txn;
	int r;

	if (req_args(req, NULL, NULL) < 0)
		return;
	if ((r = store_txn_begin(req->d->store, 1, &txn)) < 0) {
		req_fail(req, ERR_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
		return;
	}
	arr = json_object_new_array();
	r = account_foreach(txn, req->d->store, list_one, arr);
	mdb_txn_abort(txn);
	if (r < 0) {
		json_object_put(arr);
		req_fail(req, ERR_INTERNAL, "cannot list accounts: %s",
		    strerror(-r));
		return;
	}
	res = json_object_new_object();
	json_object_object_add(res, "accounts", arr);
	req_ok(req, res);
}

void
req_account_show(struct req *req)
{
	struct account a;

	if (req_account_lookup(req, &a) < 0)
		return;
	req_ok(req, account_to_json(&a));
	account_clear(&a);
}

/* A removal waiting for its compaction (DESIGN.md §4: reply after). */
struct removal {
	struct req	*req;
	struct account	 a;
};

static void
removed_cb(void *arg, int r, const char *err)
{
	struct removal *rm = arg;
	struct req *req = rm->req;
	struct json_object *res;

	if (r == -ECANCELED)
		goto out;	/* stopping: control frees the request */
	if (r < 0) {
		log_error("remove-account '%s': deleted, but the store could "
		    "not be compacted yet (%s); threadsd retries until it can",
		    rm->a.username, err);
		req_fail(req, ERR_INTERNAL, "the account was deleted but the "
		    "store could not be compacted yet: %s; threadsd retries "
		    "the compaction until it succeeds", err);
		goto out;
	}
	log_with(LOG_NOTICE, &(struct log_fields){
	    .msgid = MSGID_ACCOUNT_REMOVED, .account = rm->a.username,
	    .user_id = rm->a.user_id },
	    "account '%s' removed by uid %u (pid %d): its token, metric "
	    "history and posts are erased and the store compacted",
	    rm->a.username, (unsigned)req->uid, (int)req->pid);
	res = json_object_new_object();
	json_object_object_add(res, "removed",
	    json_object_new_string(rm->a.username));
	json_object_object_add(res, "user_id",
	    json_object_new_string(rm->a.user_id));
	req_ok(req, res);
out:
	account_clear(&rm->a);
	free(rm);
}

void
req_account_remove(struct req *req)
{
	struct removal *rm;
	char err[512];
	int r;

	if ((rm = calloc(1, sizeof(*rm))) == NULL) {
		req_fail(req, ERR_INTERNAL, "out of memory");
		return;
	}
	if (req_account_lookup(req, &rm->a) < 0) {
		free(rm);
		return;
	}
	rm->req = req;
	/* The reply comes from removed_cb(), after the compaction. */
	if ((r = erase_account(req->d, rm->a.user_id, removed_cb, rm, err,
	    sizeof(err))) == 0)
		return;
	if (r < 0) {
		log_error("remove-account '%s': %s", rm->a.username, err);
		req_fail(req, ERR_INTERNAL, "cannot delete the account: %s",
		    strerror(-r));
	} else {
		log_error("remove-account '%s': deleted, but %s",
		    rm->a.username, err);
		req_fail(req, ERR_INTERNAL, "the account was deleted but the "
		    "store could not be compacted: %s", err);
	}
	account_clear(&rm->a);
	free(rm);
}

/*
 * The records' times ("at" and every "..._at", Unix seconds in the
 * store) as ISO 8601 UTC strings, as every other reply gives them; 0
 * (never) is null.  The store keeps its format: this is a parsed copy.
 */
static void
export_times(struct json_object *o)
{
	char buf[TIMEFMT_LEN];
	size_t len;
	int64_t t;

	json_object_object_foreach(o, key, val) {
		len = strlen(key);
		if (!json_object_is_type(val, json_type_int) ||
		    (strcmp(key, "at") != 0 && (len < 3 ||
		    strcmp(key + len - 3, "_at") != 0)))
			continue;
		t = json_object_get_int64(val);
		json_object_object_add(o, key, t > 0 ? json_object_new_string(
		    timefmt_format(t, buf, sizeof(buf))) : NULL);
	}
}

/* Every value under user_id's prefix in dbi, as parsed JSON records. */
static int
export_prefix(MDB_txn *txn, MDB_dbi dbi, const char *user_id,
    struct json_object *arr, int by_post, struct store *st)
{
	MDB_cursor *cur;
	MDB_val k, v;
	struct json_object *o;
	size_t plen = strlen(user_id) + 1;
	int rc;

	if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0)
		return store_errno(rc);
	k.mv_size = plen;
	k.mv_data = (void *)user_id;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < plen || memcmp(k.mv_data, user_id, plen) != 0)
			break;
		if (by_post) {
			if (k.mv_size != plen + 8 || store_get_json(txn,
			    st->posts, (uint8_t *)k.mv_data + plen, 8,
			    &o) < 0)
				continue;
		} else if (store_json_from_val(&v, &o) < 0)
			continue;
		export_times(o);
		json_object_array_add(arr, o);
	}
	mdb_cursor_close(cur);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

static void
add_time(struct json_object *o, const char *k, int64_t t)
{
	char buf[TIMEFMT_LEN];

	json_object_object_add(o, k, t > 0 ? json_object_new_string(
	    timefmt_format(t, buf, sizeof(buf))) : NULL);
}

void
req_account_export(struct req *req)
{
	struct store *st = req->d->store;
	struct json_object *res, *tok, *metrics, *posts, *rec;
	struct account a;
	MDB_txn *txn;
	MDB_val k, v;
	int r;

	if (req_account_lookup(req, &a) < 0)
		return;
	res = json_object_new_object();
	json_object_object_add(res, "account", account_to_json(&a));
	tok = json_object_new_object();
	metrics = json_object_new_array();
	posts = json_object_new_array();
	if ((r = store_txn_begin(st, 1, &txn)) == 0) {
		k.mv_size = strlen(a.user_id);
		k.mv_data = a.user_id;
		json_object_object_add(tok, "stored", json_object_new_boolean(
		    mdb_get(txn, st->secrets, &k, &v) == 0));
		/* The record as stored: every field, bookkeeping too. */
		if ((r = store_get_json(txn, st->accounts, a.user_id,
		    strlen(a.user_id), &rec)) == 0) {
			export_times(rec);
			json_object_object_add(res, "record", rec);
		}
		if (r == 0)
			r = export_prefix(txn, st->metrics, a.user_id,
			    metrics, 0, st);
		if (r == 0)
			r = export_prefix(txn, st->account_posts, a.user_id,
			    posts, 1, st);
		mdb_txn_abort(txn);
	}
	json_object_object_add(tok, "sealed_with",
	    json_object_new_string("XChaCha20-Poly1305"));
	add_time(tok, "issued_at", a.token_issued_at);
	add_time(tok, "expires_at", a.token_expires_at);
	add_time(res, "added_at", a.added_at);
	json_object_object_add(res, "token", tok);
	json_object_object_add(res, "metrics", metrics);
	json_object_object_add(res, "posts", posts);
	account_clear(&a);
	if (r < 0) {
		json_object_put(res);
		req_fail(req, ERR_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
		return;
	}
	req_ok(req, res);
}

static void
refresh_done(void *arg, int ok, const char *message)
{
	struct req *req = arg;
	struct json_object *res;
	struct account a;
	MDB_txn *txn;

	if ((res = req_owner_result(req, ok, message)) == NULL)
		return;
	if (store_txn_begin(req->d->store, 1, &txn) == 0) {
		account_init(&a);
		if (account_get(txn, req->d->store,
		    json_object_get_string(json_object_object_get(
		    req->pr.args, "account")), &a) == 0)
			json_object_object_add(res, "account",
			    account_to_json(&a));
		account_clear(&a);
		mdb_txn_abort(txn);
	}
	req_ok(req, res);
}

void
req_account_refresh(struct req *req)
{
	struct account a;
	int r;

	if (req_account_lookup(req, &a) < 0)
		return;
	r = tokens_refresh_now(req->d->tokens, a.user_id, refresh_done, req);
	if (r == -EBUSY)
		req_fail(req, ERR_CONFLICT, "a refresh of '%s' is already "
		    "under way", a.username);
	else if (r == -EPERM)
		req_fail(req, ERR_CONFLICT, "'%s' was revoked by its owner "
		    "(the app was removed in Threads' settings): it has no "
		    "token to refresh", a.username);
	else if (r == -EAGAIN)
		req_fail(req, ERR_CONFLICT, "Meta does not refresh tokens "
		    "younger than 24 hours; threadsd refreshes the token of "
		    "'%s' on its own when it may", a.username);
	else if (r < 0)
		req_fail(req, ERR_INTERNAL, "cannot refresh '%s': %s",
		    a.username, strerror(-r));
	account_clear(&a);
}
