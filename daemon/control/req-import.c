/*
 * post.import: many posts queued in one transaction, or none.  A file of
 * 10,000 rows does not fit in one request line (1 MiB), so the client
 * sends it in chunks that share a session: each chunk's rows are built
 * and validated as post.schedule would (postargs.c), their problems
 * answered with their line numbers; the chunk marked final (threadsctl
 * sends it empty, so that every problem was answered before) commits
 * every row of the session in one transaction if no row was bad, and
 * nothing otherwise.  A session a client abandons is dropped after
 * IMPORT_IDLE seconds.  Sessions live here, in memory: an import that a
 * restart interrupts queued nothing and is simply run again.
 */
#include <sys/queue.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon/store/account.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/store/post.h"
#include "daemon/control/postargs.h"
#include "daemon/control/req.h"
#include "daemon/owners/sched.h"
#include "daemon/store/store.h"

#define IMPORT_MAX	100000	/* rows in one import */
#define IMPORT_IDLE	600	/* seconds a session waits for its next chunk */
#define IMPORT_ERRORS	100	/* problems answered per chunk; the rest counted */
#define IMPORT_SESSIONS	16

struct import_row {
	struct post	 p;
	char		*account;
	int64_t		 line;
};

struct import {
	TAILQ_ENTRY(import) entry;
	char		 id[33];
	uid_t		 uid;
	int64_t		 touched;
	struct import_row *rows;
	size_t		 n, cap;
	size_t		 bad;
};

static TAILQ_HEAD(, import) imports = TAILQ_HEAD_INITIALIZER(imports);
static size_t nimports;

static void
import_free(struct import *im)
{
	size_t i;

	for (i = 0; i < im->n; i++) {
		post_clear(&im->rows[i].p);
		free(im->rows[i].account);
	}
	free(im->rows);
	free(im);
}

static void
import_drop(struct import *im)
{
	TAILQ_REMOVE(&imports, im, entry);
	nimports--;
	import_free(im);
}

/* Sessions left idle too long: their client went away. */
static void
import_expire(int64_t now)
{
	struct import *im, *next;

	for (im = TAILQ_FIRST(&imports); im != NULL; im = next) {
		next = TAILQ_NEXT(im, entry);
		if (im->touched + IMPORT_IDLE < now)
			import_drop(im);
	}
}

static struct import *
import_find(const char *id, uid_t uid)
{
	struct import *im;

	TAILQ_FOREACH(im, &imports, entry)
		if (strcmp(im->id, id) == 0 && im->uid == uid)
			return im;
	return NULL;
}

static struct import *
import_new(uid_t uid, int64_t now)
{
	struct import *im;
	unsigned char raw[16];

	if (nimports >= IMPORT_SESSIONS || (im = calloc(1,
	    sizeof(*im))) == NULL)
		return NULL;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(im->id, sizeof(im->id), raw, sizeof(raw));
	im->uid = uid;
	im->touched = now;
	TAILQ_INSERT_TAIL(&imports, im, entry);
	nimports++;
	return im;
}

struct chunk_args {
	const char		*session;
	struct json_object	*rows;
	int			 final;
	int			 dry_run;
};

static const struct req_arg import_table[] = {
	{ "session", ARG_STRING, offsetof(struct chunk_args, session), 0 },
	{ "rows", ARG_ARRAY, offsetof(struct chunk_args, rows), 1 },
	{ "final", ARG_BOOL, offsetof(struct chunk_args, final), 0 },
	{ "dry_run", ARG_BOOL, offsetof(struct chunk_args, dry_run), 0 },
	{ NULL, 0, 0, 0 }
};

/* Accounts by name or id, for one chunk. */
struct names {
	char		*key[8];
	char		 id[8][GRAPH_ID_LEN];
	int		 state[8];
	size_t		 n, next;
};

static int
names_get(struct names *nc, MDB_txn *txn, struct store *st, const char *key,
    char user_id[GRAPH_ID_LEN], int *ret_state)
{
	struct account a;
	size_t i;
	int r;

	for (i = 0; i < nc->n; i++)
		if (nc->key[i] != NULL && strcmp(nc->key[i], key) == 0)
			goto found;
	account_init(&a);
	if ((r = account_get(txn, st, key, &a)) < 0) {
		account_clear(&a);
		return r;
	}
	i = nc->n < 8 ? nc->n : nc->next % 8;
	if (nc->n == 8)
		free(nc->key[i]);
	if ((nc->key[i] = strdup(key)) == NULL) {
		account_clear(&a);
		return -ENOMEM;	/* an empty slot, skipped by the lookup */
	}
	if (nc->n < 8)
		nc->n++;
	else
		nc->next++;
	strcpy(nc->id[i], a.user_id);
	nc->state[i] = a.state;
	account_clear(&a);
found:
	strcpy(user_id, nc->id[i]);
	*ret_state = nc->state[i];
	return 0;
}

static void
names_clear(struct names *nc)
{
	size_t i;

	for (i = 0; i < nc->n; i++)
		free(nc->key[i]);
}

static void
row_problem(struct json_object *errs, int64_t line, const char *msg)
{
	struct json_object *o;

	if (json_object_array_length(errs) >= IMPORT_ERRORS)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "line", json_object_new_int64(line));
	json_object_object_add(o, "error", json_object_new_string(msg));
	json_object_array_add(errs, o);
}

/* One row into im, or its problem into errs (0 either way; -ENOMEM). */
static int
row_add(struct daemon *d, struct import *im, MDB_txn *txn, struct names *nc,
    struct json_object *row, struct json_object *errs, int64_t now)
{
	struct import_row *ir, *v;
	struct postargs a;
	struct json_object *jl, *jp;
	char err[512];
	int64_t line = 0;
	int r, state;

	if (json_object_object_get_ex(row, "line", &jl))
		line = json_object_get_int64(jl);
	if (!json_object_object_get_ex(row, "post", &jp)) {
		im->bad++;
		row_problem(errs, line, "no post in the row");
		return 0;
	}
	if (im->n == im->cap) {
		im->cap = im->cap > 0 ? im->cap * 2 : 1024;
		if ((v = reallocarray(im->rows, im->cap, sizeof(*v))) == NULL)
			return -ENOMEM;
		im->rows = v;
	}
	ir = &im->rows[im->n];
	memset(ir, 0, sizeof(*ir));
	post_init(&ir->p);
	ir->line = line;
	postargs_init(&a);
	err[0] = '\0';
	if ((r = req_args_obj(jp, postargs_schedule, &a, err,
	    sizeof(err))) == 0 && (a.reply_to != NULL || a.then_text != NULL)) {
		snprintf(err, sizeof(err), "%s is not taken by import: queue "
		    "replies and threads with threadsctl post",
		    a.reply_to != NULL ? "reply_to" : "then_text");
		r = -EINVAL;
	}
	if (r == 0)
		r = postargs_apply(&a, &ir->p, err, sizeof(err));
	if (r == 0)
		r = postargs_due(a.at, a.tz != NULL ? a.tz :
		    d->cfg->sched_timezone, now, &ir->p.due_at, err,
		    sizeof(err));
	if (r == 0 && (r = names_get(nc, txn, d->store, a.account,
	    ir->p.user_id, &state)) < 0 && r != -ENOMEM) {
		snprintf(err, sizeof(err), r == -ENOENT ? "unknown account "
		    "'%.128s'" : "cannot read account '%.128s'", a.account);
		r = -EINVAL;
	}
	if (r == 0 && (state == ACCOUNT_REAUTH_REQUIRED ||
	    state == ACCOUNT_REVOKED)) {
		snprintf(err, sizeof(err), "account '%.128s' %s: reconnect it "
		    "first", a.account, state == ACCOUNT_REVOKED ? "was "
		    "revoked by its owner" : "needs re-authorization");
		r = -EINVAL;
	}
	if (r == 0 && (ir->account = strdup(a.account)) == NULL)
		r = -ENOMEM;
	if (r < 0) {
		post_clear(&ir->p);
		if (r == -ENOMEM)
			return r;
		im->bad++;
		row_problem(errs, line, err);
		return 0;
	}
	ir->p.state = POST_SCHEDULED;
	ir->p.created_at = now;
	ir->p.next_at = ir->p.due_at - d->cfg->sched_prestage;
	if (ir->p.next_at < now)
		ir->p.next_at = now;
	im->n++;
	return 0;
}

struct commit_ctx {
	struct daemon	*d;
	struct import	*im;
	int64_t		 first_due;
	char		 err[256];
};

/* Every row, one transaction; an account gone meanwhile fails it all. */
static int
import_txn(MDB_txn *txn, void *arg)
{
	struct commit_ctx *c = arg;
	struct store *st = c->d->store;
	struct names nc = { .n = 0 };
	struct import_row *ir;
	char user_id[GRAPH_ID_LEN];
	size_t i;
	int r = 0, state;

	c->first_due = 0;
	for (i = 0; i < c->im->n && r == 0; i++) {
		ir = &c->im->rows[i];
		if ((r = names_get(&nc, txn, st, ir->account, user_id,
		    &state)) < 0) {
			snprintf(c->err, sizeof(c->err), "line %" PRId64 ": "
			    "account '%.128s' is gone; nothing was queued",
			    ir->line, ir->account);
			break;
		}
		strcpy(ir->p.user_id, user_id);
		ir->p.id = 0;
		if ((r = post_put(txn, st, &ir->p)) == 0 &&
		    (c->first_due == 0 || ir->p.next_at < c->first_due))
			c->first_due = ir->p.next_at;
	}
	names_clear(&nc);
	return r;
}

static void
chunk_reply(struct req *req, struct import *im, struct json_object *errs)
{
	struct json_object *res = json_object_new_object();

	json_object_object_add(res, "session", json_object_new_string(im->id));
	json_object_object_add(res, "rows", json_object_new_int64(
	    (int64_t)(im->n + im->bad)));
	json_object_object_add(res, "bad", json_object_new_int64(
	    (int64_t)im->bad));
	json_object_object_add(res, "errors", errs);
	req_ok(req, res);
}

static void
import_finish(struct req *req, struct import *im, int dry_run,
    struct json_object *errs)
{
	struct commit_ctx c = { .d = req->d, .im = im };
	struct json_object *res;
	char a[POST_ID_LEN], b[POST_ID_LEN];
	int r;

	if (im->bad > 0) {
		json_object_put(errs);
		req_fail(req, ERR_INVALID_ARGUMENT, "%zu of %zu rows are bad: "
		    "nothing was queued", im->bad, im->n + im->bad);
		import_drop(im);
		return;
	}
	res = json_object_new_object();
	json_object_object_add(res, "session", json_object_new_string(im->id));
	json_object_object_add(res, "errors", errs);
	if (dry_run) {
		json_object_object_add(res, "would_queue",
		    json_object_new_int64((int64_t)im->n));
		import_drop(im);
		req_ok(req, res);
		return;
	}
	if (im->n > 0 && (r = store_write(req->d->store, import_txn,
	    &c)) < 0) {
		json_object_put(res);
		if (c.err[0] != '\0')
			req_fail(req, ERR_CONFLICT, "%s", c.err);
		else {
			log_error("post.import: cannot save the posts: %s",
			    strerror(-r));
			req_fail(req, ERR_INTERNAL, "cannot save the posts: "
			    "%s; nothing was queued", strerror(-r));
		}
		import_drop(im);
		return;
	}
	json_object_object_add(res, "queued",
	    json_object_new_int64((int64_t)im->n));
	if (im->n > 0) {
		json_object_object_add(res, "first", json_object_new_string(
		    post_id_str(im->rows[0].p.id, a)));
		json_object_object_add(res, "last", json_object_new_string(
		    post_id_str(im->rows[im->n - 1].p.id, b)));
		sched_due(req->d->sched, c.first_due);
		log_with(LOG_NOTICE, NULL, "%zu posts imported (%s to %s) by "
		    "uid %u (pid %d)", im->n, a, b, (unsigned)req->uid,
		    (int)req->pid);
	}
	import_drop(im);
	req_ok(req, res);
}

void
req_post_import(struct req *req)
{
	struct daemon *d = req->d;
	struct chunk_args a = { 0 };
	struct names nc = { .n = 0 };
	struct json_object *errs;
	struct import *im;
	MDB_txn *txn;
	int64_t now = daemon_now();
	size_t i, n;
	int r = 0;

	if (req_args(req, import_table, &a) < 0)
		return;
	import_expire(now);
	if (a.session != NULL) {
		if ((im = import_find(a.session, req->uid)) == NULL) {
			req_fail(req, ERR_NOT_FOUND, "no import session "
			    "'%.40s' (it expires after %d s idle): run the "
			    "import again", a.session, IMPORT_IDLE);
			return;
		}
	} else if ((im = import_new(req->uid, now)) == NULL) {
		req_fail(req, ERR_CONFLICT, "%d imports are under way: try "
		    "again when one is done", IMPORT_SESSIONS);
		return;
	}
	im->touched = now;
	n = json_object_array_length(a.rows);
	if (im->n + im->bad + n > IMPORT_MAX) {
		req_fail(req, ERR_INVALID_ARGUMENT, "an import takes at most "
		    "%d rows: split the file", IMPORT_MAX);
		import_drop(im);
		return;
	}
	if ((r = store_txn_begin(d->store, 1, &txn)) < 0) {
		req_fail(req, ERR_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
		import_drop(im);
		return;
	}
	errs = json_object_new_array();
	for (i = 0; i < n && r == 0; i++)
		r = row_add(d, im, txn, &nc,
		    json_object_array_get_idx(a.rows, i), errs, now);
	mdb_txn_abort(txn);
	names_clear(&nc);
	if (r < 0) {
		json_object_put(errs);
		req_fail(req, ERR_INTERNAL, "out of memory");
		import_drop(im);
		return;
	}
	if (a.final)
		import_finish(req, im, a.dry_run, errs);
	else
		chunk_reply(req, im, errs);
}
