/*
 * The queue requests: post.list (by account, state and due time),
 * post.calendar (posts per day and account), post.show, post.cancel,
 * post.retry.
 * Each reads or writes the store in one short transaction; a change
 * wakes the scheduler through sched_due().  A post being published cannot
 * be cancelled: its outcome is Meta's to tell.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/store/account.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "common/timefmt.h"
#include "common/tzfile.h"
#include "daemon/store/post.h"
#include "daemon/control/postargs.h"
#include "daemon/control/req.h"
#include "daemon/owners/sched.h"
#include "daemon/store/store.h"

#define LIST_DEFAULT	1000
#define LIST_MAX	100000
#define NAME_CACHE	8

/* Usernames by user id, for one listing. */
struct names {
	char	 id[NAME_CACHE][GRAPH_ID_LEN];
	char	*name[NAME_CACHE];
	size_t	 n, next;
};

static const char *
names_get(struct names *nc, MDB_txn *txn, struct store *st,
    const char *user_id)
{
	struct account a;
	size_t i;

	for (i = 0; i < nc->n; i++)
		if (strcmp(nc->id[i], user_id) == 0)
			return nc->name[i];
	i = nc->n < NAME_CACHE ? nc->n++ : nc->next++ % NAME_CACHE;
	free(nc->name[i]);
	nc->name[i] = NULL;
	snprintf(nc->id[i], sizeof(nc->id[i]), "%s", user_id);
	account_init(&a);
	if (account_get_by_id(txn, st, user_id, &a) == 0) {
		nc->name[i] = a.username;
		a.username = NULL;
	}
	account_clear(&a);
	return nc->name[i];
}

static void
names_clear(struct names *nc)
{
	size_t i;

	for (i = 0; i < nc->n; i++)
		free(nc->name[i]);
}

struct list_args {
	const char	*account;
	const char	*state;
	int64_t		 limit;
	const char	*from;
	const char	*until;
	const char	*tz;
};

static const struct req_arg list_table[] = {
	{ "account", ARG_STRING, offsetof(struct list_args, account), 0 },
	{ "state", ARG_STRING, offsetof(struct list_args, state), 0 },
	{ "limit", ARG_INT, offsetof(struct list_args, limit), 0 },
	{ "from", ARG_STRING, offsetof(struct list_args, from), 0 },
	{ "until", ARG_STRING, offsetof(struct list_args, until), 0 },
	{ "tz", ARG_STRING, offsetof(struct list_args, tz), 0 },
	{ NULL, 0, 0, 0 }
};

struct entry {
	int64_t		 due_at;
	uint64_t	 id;
	int		 queued;	/* not yet in a final state */
};

struct listing {
	struct entry	*v;
	size_t		 n, cap;
	int		 state;		/* -1: any */
	int64_t		 from, until;	/* due in [from, until); 0: open */
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->due_at != y->due_at)
		return x->due_at < y->due_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
listing_add(struct listing *l, MDB_txn *txn, struct store *st, uint64_t id)
{
	struct entry *v;
	struct post p;
	int r;

	post_init(&p);
	if ((r = post_get(txn, st, id, &p)) < 0)
		return r == -ENOENT || r == -EBADMSG ? 0 : r;
	if ((l->state < 0 || (int)p.state == l->state) &&
	    (l->from == 0 || p.due_at >= l->from) &&
	    (l->until == 0 || p.due_at < l->until)) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 256;
			if ((v = reallocarray(l->v, l->cap,
			    sizeof(*v))) == NULL) {
				post_clear(&p);
				return -ENOMEM;
			}
			l->v = v;
		}
		l->v[l->n].due_at = p.due_at;
		l->v[l->n].queued = !post_state_final(p.state);
		l->v[l->n++].id = p.id;
	}
	post_clear(&p);
	return 0;
}

/* Every post, or the account's (through account_posts). */
static int
listing_walk(struct listing *l, MDB_txn *txn, struct store *st,
    const char *user_id)
{
	size_t plen = user_id != NULL ? strlen(user_id) + 1 : 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, r = 0;

	rc = mdb_cursor_open(txn, user_id != NULL ? st->account_posts :
	    st->posts, &cur);
	if (rc != 0)
		return store_errno(rc);
	k.mv_size = plen;
	k.mv_data = (void *)user_id;
	rc = user_id != NULL ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) :
	    mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	for (; rc == 0 && r == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (user_id != NULL && (k.mv_size != plen + 8 ||
		    memcmp(k.mv_data, user_id, plen) != 0))
			break;
		if (k.mv_size < 8)
			continue;
		r = listing_add(l, txn, st, store_get_be64(
		    (uint8_t *)k.mv_data + k.mv_size - 8));
	}
	mdb_cursor_close(cur);
	if (r < 0)
		return r;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

/*
 * Opens a read transaction (*ret_txn) and walks the posts of account
 * (NULL: every account's) into l: 0 with the walk's result in *ret_walk
 * and the transaction open, or -1 once req is answered.
 */
static int
listing_open(struct req *req, struct listing *l, const char *account,
    MDB_txn **ret_txn, int *ret_walk)
{
	struct store *st = req->d->store;
	struct account acct;
	MDB_txn *txn;
	int r;

	if ((r = store_txn_begin(st, 1, &txn)) < 0) {
		req_fail(req, ERR_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
		return -1;
	}
	account_init(&acct);
	if (account != NULL &&
	    req_find_account(req, txn, account, &acct) < 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	*ret_walk = listing_walk(l, txn, st, account != NULL ?
	    acct.user_id : NULL);
	account_clear(&acct);
	*ret_txn = txn;
	return 0;
}

void
req_post_list(struct req *req)
{
	struct store *st = req->d->store;
	struct list_args a = { NULL, NULL, LIST_DEFAULT, NULL, NULL, NULL };
	struct listing l = { NULL, 0, 0, -1, 0, 0 };
	struct names nc = { .n = 0 };
	struct json_object *res, *arr;
	struct post p;
	MDB_txn *txn;
	char err[512];
	const char *zone;
	size_t i, first = 0, next, end = 0;
	int r;

	if (req_args(req, list_table, &a) < 0)
		return;
	zone = a.tz != NULL ? a.tz : req->d->cfg->sched_timezone;
	if ((a.from != NULL && postargs_time(a.from, zone, daemon_now(),
	    &l.from, err, sizeof(err)) < 0) || (a.until != NULL &&
	    postargs_time(a.until, zone, daemon_now(), &l.until, err,
	    sizeof(err)) < 0)) {
		req_fail(req, ERR_INVALID_ARGUMENT, "%s", err);
		return;
	}
	if (l.from != 0 && l.until != 0 && l.until <= l.from) {
		req_fail(req, ERR_INVALID_ARGUMENT, "--until %.64s is not after "
		    "--from %.64s", a.until, a.from);
		return;
	}
	if (a.state != NULL &&
	    (l.state = post_state_from_name(a.state)) < 0) {
		req_fail(req, ERR_INVALID_ARGUMENT, "unknown state '%.32s': "
		    "scheduled, staging, staged, ready, publishing, "
		    "published, failed or cancelled", a.state);
		return;
	}
	if (a.limit <= 0 || a.limit > LIST_MAX)
		a.limit = a.limit == 0 ? LIST_MAX : LIST_DEFAULT;
	if (listing_open(req, &l, a.account, &txn, &r) < 0)
		return;
	arr = json_object_new_array();
	if (r == 0) {
		/*
		 * Newest due last.  Past the limit, the next posts due are
		 * kept (from the first still queued), then the latest
		 * before them when fewer are queued than the limit.
		 */
		qsort(l.v, l.n, sizeof(*l.v), entry_cmp);
		for (next = 0; next < l.n && !l.v[next].queued; next++)
			;
		end = l.n - next > (size_t)a.limit ? next + (size_t)a.limit :
		    l.n;
		first = end > (size_t)a.limit ? end - (size_t)a.limit : 0;
		for (i = first; i < end; i++) {
			post_init(&p);
			if (post_get(txn, st, l.v[i].id, &p) == 0)
				json_object_array_add(arr, post_to_json(&p,
				    names_get(&nc, txn, st, p.user_id)));
			post_clear(&p);
		}
	}
	mdb_txn_abort(txn);
	names_clear(&nc);
	free(l.v);
	if (r < 0) {
		json_object_put(arr);
		req_fail(req, r == -ENOMEM ? ERR_INTERNAL : ERR_INTERNAL,
		    "cannot list posts: %s", strerror(-r));
		return;
	}
	res = json_object_new_object();
	json_object_object_add(res, "posts", arr);
	/* Not shown: "more" due before the first shown, "later" after. */
	if (first > 0)
		json_object_object_add(res, "more",
		    json_object_new_int64((int64_t)first));
	if (end < l.n)
		json_object_object_add(res, "later",
		    json_object_new_int64((int64_t)(l.n - end)));
	req_ok(req, res);
}

struct id_args {
	const char	*id;
	int		 replies;
	int		 dry_run;
};

static const struct req_arg id_table[] = {
	{ "id", ARG_STRING, offsetof(struct id_args, id), 1 },
	{ NULL, 0, 0, 0 }
};

static const struct req_arg cancel_table[] = {
	{ "id", ARG_STRING, offsetof(struct id_args, id), 1 },
	{ "replies", ARG_BOOL, offsetof(struct id_args, replies), 0 },
	{ "dry_run", ARG_BOOL, offsetof(struct id_args, dry_run), 0 },
	{ NULL, 0, 0, 0 }
};

/* Why a request is refused, said once the transaction is over. */
struct refusal {
	enum proto_err	 code;
	char		 msg[256];
};

static int
refuse(struct refusal *rf, enum proto_err code, int r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
refuse(struct refusal *rf, enum proto_err code, int r, const char *fmt, ...)
{
	va_list ap;

	rf->code = code;
	va_start(ap, fmt);
	vsnprintf(rf->msg, sizeof(rf->msg), fmt, ap);
	va_end(ap);
	return r;
}

/* The post named ids; < 0 with rf filled when there is none. */
static int
get_post(struct store *st, MDB_txn *txn, const char *ids, struct post *ret,
    struct refusal *rf)
{
	uint64_t id = post_id_parse(ids);
	int r;

	if (id == 0)
		return refuse(rf, ERR_INVALID_ARGUMENT, -EINVAL, "'%.32s' is "
		    "not a post id", ids);
	if ((r = post_get(txn, st, id, ret)) == -ENOENT)
		return refuse(rf, ERR_NOT_FOUND, r, "no post %" PRIu64, id);
	if (r < 0)
		return refuse(rf, ERR_INTERNAL, r, "cannot read post %" PRIu64
		    ": %s", id, strerror(-r));
	return 0;
}

static void
answer_refusal(struct req *req, const struct refusal *rf, int r)
{
	if (rf->msg[0] != '\0')
		req_fail(req, rf->code, "%s", rf->msg);
	else
		req_fail(req, ERR_INTERNAL, "cannot change the post: %s",
		    strerror(-r));
}

void
req_post_show(struct req *req)
{
	struct id_args a = { 0 };
	struct names nc = { .n = 0 };
	struct json_object *o = NULL;
	struct refusal rf = { 0, "" };
	struct post p;
	MDB_txn *txn;
	int r;

	if (req_args(req, id_table, &a) < 0)
		return;
	if ((r = store_txn_begin(req->d->store, 1, &txn)) < 0) {
		req_fail(req, ERR_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
		return;
	}
	post_init(&p);
	if ((r = get_post(req->d->store, txn, a.id, &p, &rf)) == 0)
		o = post_to_json(&p, names_get(&nc, txn, req->d->store,
		    p.user_id));
	mdb_txn_abort(txn);
	names_clear(&nc);
	post_clear(&p);
	if (o != NULL)
		req_ok(req, o);
	else
		answer_refusal(req, &rf, r);
}

/* The post and its queued replies, replies of replies included. */
#define CANCEL_MAX	1024

struct cancel {
	struct store	*st;
	struct id_args	 a;
	uint64_t	 ids[CANCEL_MAX];
	size_t		 n;
	struct refusal	 rf;
};

static int
cancel_collect(struct cancel *c, MDB_txn *txn, struct store *st)
{
	struct post p;
	size_t i, k;
	int r;

	for (i = 0; i < c->n; i++) {
		post_init(&p);
		if ((r = post_get(txn, st, c->ids[i], &p)) < 0) {
			post_clear(&p);
			if (r == -ENOENT && i > 0)
				continue;
			return r;
		}
		for (k = 0; k < p.nreplies && c->n < CANCEL_MAX; k++) {
			struct post q;

			post_init(&q);
			if (post_get(txn, st, p.replies[k], &q) == 0 &&
			    !post_state_final(q.state))
				c->ids[c->n++] = q.id;
			post_clear(&q);
		}
		post_clear(&p);
	}
	return 0;
}

static int
cancel_txn(MDB_txn *txn, void *arg)
{
	struct cancel *c = arg;
	struct store *st = c->st;
	struct post p;
	size_t i;
	int r;

	post_init(&p);
	if ((r = get_post(st, txn, c->a.id, &p, &c->rf)) < 0)
		return r;
	if (p.state == POST_PUBLISHING)
		r = refuse(&c->rf, ERR_CONFLICT, -EBUSY, "post %" PRIu64 " is "
		    "being published; its outcome is not known yet", p.id);
	else if (post_state_final(p.state))
		r = refuse(&c->rf, ERR_CONFLICT, -EBUSY, "post %" PRIu64 " is "
		    "already %s", p.id, post_state_names[p.state]);
	if (r < 0) {
		post_clear(&p);
		return r;
	}
	c->ids[0] = p.id;
	c->n = 1;
	post_clear(&p);
	if ((r = cancel_collect(c, txn, st)) < 0)
		return r;
	if (c->a.dry_run)
		return -ECANCELED;
	if (c->n > 1 && !c->a.replies)
		return refuse(&c->rf, ERR_CONFLICT, -EBUSY, "post %s has %zu "
		    "queued repl%s: cancel %s too with --yes", c->a.id,
		    c->n - 1, c->n == 2 ? "y" : "ies", c->n == 2 ? "it" :
		    "them");
	for (i = 0; i < c->n; i++) {
		post_init(&p);
		if ((r = post_get(txn, st, c->ids[i], &p)) == 0) {
			if (p.state == POST_PUBLISHING)
				r = refuse(&c->rf, ERR_CONFLICT, -EBUSY,
				    "reply %" PRIu64 " is being published; "
				    "nothing was cancelled", p.id);
			else if (!post_state_final(p.state)) {
				p.state = POST_CANCELLED;
				p.next_at = 0;
				r = post_put(txn, st, &p);
			}
		}
		post_clear(&p);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

void
req_post_cancel(struct req *req)
{
	struct cancel *c;
	struct json_object *res, *arr;
	char buf[POST_ID_LEN];
	size_t i;
	int r;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		req_fail(req, ERR_INTERNAL, "out of memory");
		return;
	}
	c->st = req->d->store;
	if (req_args(req, cancel_table, &c->a) < 0) {
		free(c);
		return;
	}
	r = store_write(req->d->store, cancel_txn, c);
	if (r < 0 && r != -ECANCELED) {
		answer_refusal(req, &c->rf, r);
		free(c);
		return;
	}
	res = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < c->n; i++)
		json_object_array_add(arr,
		    json_object_new_string(post_id_str(c->ids[i], buf)));
	json_object_object_add(res, c->a.dry_run ? "would_cancel" :
	    "cancelled", arr);
	if (!c->a.dry_run)
		for (i = 0; i < c->n; i++)
			log_with(LOG_NOTICE, &(struct log_fields){
			    .post_id = post_id_str(c->ids[i], buf) },
			    "post %s cancelled by uid %u (pid %d)", buf,
			    (unsigned)req->uid, (int)req->pid);
	free(c);
	req_ok(req, res);
}

struct retry {
	struct daemon	*d;
	struct id_args	 a;
	struct post	 p;
	char		*name;
	struct refusal	 rf;
};

static int
retry_txn(MDB_txn *txn, void *arg)
{
	struct retry *rt = arg;
	struct store *st = rt->d->store;
	struct post *p = &rt->p;
	struct account a;
	int64_t now = daemon_now();
	int r;

	if ((r = get_post(st, txn, rt->a.id, p, &rt->rf)) < 0)
		return r;
	if (p->state != POST_FAILED)
		return refuse(&rt->rf, ERR_CONFLICT, -EBUSY, "post %" PRIu64
		    " is %s; only a failed post can be retried", p->id,
		    post_state_names[p->state]);
	account_init(&a);
	if (account_get_by_id(txn, st, p->user_id, &a) == 0) {
		rt->name = a.username;
		a.username = NULL;
	}
	account_clear(&a);
	p->state = POST_SCHEDULED;
	p->attempts = p->tries = p->searches = 0;
	p->remakes = p->stuck = 0;
	p->check = p->paused = p->media_unknown = 0;
	p->quota_ok_at = 0;
	post_drop_containers(p);
	free(p->error);
	p->error = NULL;
	p->next_at = p->due_at - rt->d->cfg->sched_prestage;
	if (p->next_at < now)
		p->next_at = now;
	return post_put(txn, st, p);
}

void
req_post_retry(struct req *req)
{
	struct retry rt = { .d = req->d };
	int r;

	if (req_args(req, id_table, &rt.a) < 0)
		return;
	post_init(&rt.p);
	if ((r = store_write(req->d->store, retry_txn, &rt)) < 0)
		answer_refusal(req, &rt.rf, r);
	else {
		sched_due(req->d->sched, rt.p.next_at);
		log_with(LOG_NOTICE, &(struct log_fields){ .account = rt.name,
		    .user_id = rt.p.user_id, .post_id = rt.a.id },
		    "post %s retried by uid %u (pid %d)", rt.a.id,
		    (unsigned)req->uid, (int)req->pid);
		req_ok(req, post_to_json(&rt.p, rt.name));
	}
	free(rt.name);
	post_clear(&rt.p);
}

struct cal_args {
	const char	*account;
	int64_t		 days;
	const char	*tz;
};

static const struct req_arg cal_table[] = {
	{ "account", ARG_STRING, offsetof(struct cal_args, account), 0 },
	{ "days", ARG_INT, offsetof(struct cal_args, days), 0 },
	{ "tz", ARG_STRING, offsetof(struct cal_args, tz), 0 },
	{ NULL, 0, 0, 0 }
};

#define CAL_DEFAULT	28
#define CAL_MAX		366

/* Posts per local day and account: one column of counts per account. */
struct cal {
	char		(*ids)[GRAPH_ID_LEN];
	uint32_t	**counts;	/* [account][day] */
	size_t		 n, cap;
	int64_t		 days;
};

static int
cal_count(struct cal *c, const char *user_id, int64_t day)
{
	size_t i;
	void *v;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->ids[i], user_id) == 0)
			break;
	if (i == c->n) {
		if (c->n == c->cap) {
			c->cap = c->cap > 0 ? c->cap * 2 : 8;
			if ((v = reallocarray(c->ids, c->cap,
			    sizeof(*c->ids))) == NULL)
				return -ENOMEM;
			c->ids = v;
			if ((v = reallocarray(c->counts, c->cap,
			    sizeof(*c->counts))) == NULL)
				return -ENOMEM;
			c->counts = v;
		}
		if ((c->counts[i] = calloc((size_t)c->days,
		    sizeof(**c->counts))) == NULL)
			return -ENOMEM;
		snprintf(c->ids[i], sizeof(c->ids[i]), "%s", user_id);
		c->n++;
	}
	c->counts[i][day]++;
	return 0;
}

static void
cal_clear(struct cal *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->counts[i]);
	free(c->counts);
	free(c->ids);
}

static struct json_object *
cal_json(struct cal *c, struct names *nc, MDB_txn *txn, struct store *st,
    int64_t day0, const char *zone)
{
	struct json_object *res, *days, *d, *per, *accts;
	const char *name;
	char date[16], wday[8];
	struct tm tm;
	time_t t;
	int64_t k;
	uint32_t total;
	size_t i;

	res = json_object_new_object();
	json_object_object_add(res, "zone", json_object_new_string(zone));
	accts = json_object_new_array();
	for (i = 0; i < c->n; i++) {
		name = names_get(nc, txn, st, c->ids[i]);
		json_object_array_add(accts, json_object_new_string(
		    name != NULL ? name : c->ids[i]));
	}
	days = json_object_new_array();
	for (k = 0; k < c->days; k++) {
		t = (time_t)(day0 + k * 86400);
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		strftime(wday, sizeof(wday), "%a", &tm);
		d = json_object_new_object();
		json_object_object_add(d, "date", json_object_new_string(date));
		json_object_object_add(d, "weekday",
		    json_object_new_string(wday));
		per = json_object_new_object();
		for (i = 0, total = 0; i < c->n; i++) {
			total += c->counts[i][k];
			json_object_object_add(per, json_object_get_string(
			    json_object_array_get_idx(accts, i)),
			    json_object_new_int64(c->counts[i][k]));
		}
		json_object_object_add(d, "total", json_object_new_int64(total));
		json_object_object_add(d, "accounts", per);
		json_object_array_add(days, d);
	}
	json_object_object_add(res, "accounts", accts);
	json_object_object_add(res, "days", days);
	return res;
}

/*
 * post.calendar: the posts due on each of the next days (local days of
 * the zone: --tz, else [scheduler] timezone, else UTC), per account;
 * cancelled and failed posts are not counted.
 */
void
req_post_calendar(struct req *req)
{
	struct store *st = req->d->store;
	struct cal_args a = { NULL, CAL_DEFAULT, NULL };
	struct listing l = { NULL, 0, 0, -1, 0, 0 };
	struct names nc = { .n = 0 };
	struct cal c = { NULL, NULL, 0, 0, 0 };
	struct json_object *res = NULL;
	struct tzinfo *tz;
	struct post p;
	MDB_txn *txn;
	const char *zone;
	int64_t now = daemon_now(), local, day0, day;
	size_t i;
	int r;

	if (req_args(req, cal_table, &a) < 0)
		return;
	if (a.days < 1 || a.days > CAL_MAX) {
		req_fail(req, ERR_INVALID_ARGUMENT, "--days takes 1 to %d",
		    CAL_MAX);
		return;
	}
	zone = a.tz != NULL ? a.tz : req->d->cfg->sched_timezone != NULL ?
	    req->d->cfg->sched_timezone : "UTC";
	if ((r = tz_load(zone, &tz)) < 0) {
		req_fail(req, r == -ENOMEM ? ERR_INTERNAL :
		    ERR_INVALID_ARGUMENT, "unknown time zone '%.64s'", zone);
		return;
	}
	local = now + tz_offset_at(tz, now);
	day0 = local - local % 86400;
	c.days = a.days;
	/* Due times in UTC, a day wider each side than any offset. */
	l.from = day0 - 86400;
	l.until = day0 + (a.days + 1) * 86400;
	if (listing_open(req, &l, a.account, &txn, &r) < 0) {
		tz_free(tz);
		return;
	}
	for (i = 0; r == 0 && i < l.n; i++) {
		post_init(&p);
		if (post_get(txn, st, l.v[i].id, &p) == 0 &&
		    p.state != POST_CANCELLED && p.state != POST_FAILED) {
			local = p.due_at + tz_offset_at(tz, p.due_at);
			day = local >= day0 ? (local - day0) / 86400 : -1;
			if (day >= 0 && day < c.days)
				r = cal_count(&c, p.user_id, day);
		}
		post_clear(&p);
	}
	if (r == 0)
		res = cal_json(&c, &nc, txn, st, day0, zone);
	mdb_txn_abort(txn);
	names_clear(&nc);
	cal_clear(&c);
	free(l.v);
	tz_free(tz);
	if (res == NULL)
		req_fail(req, ERR_INTERNAL, "cannot count the posts: %s",
		    strerror(-r));
	else
		req_ok(req, res);
}
