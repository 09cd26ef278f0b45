/*
 * The publishing quota of each account as Meta last told it, counting
 * our publishes since, so that a burst of posts of one account asks Meta
 * once and not once per post.  Only "there is room" is ever taken from
 * here, and only for QUOTA_FRESH seconds: a deferral always rests on an
 * answer of Meta's.  This is what Meta knows, not what the store knows,
 * with one exception: replies.  Meta tells their quota only to apps with
 * threads_manage_replies, which threadsd does not ask for, so the
 * replies of the last 24 h are counted from the store (sched_quota_
 * replies()): what this daemon published, the only replies it makes.
 * The count is kept per account between answers, and made again when
 * the store says a reply of the account may have changed.
 *
 * And the quota step (STEP_QUOTA): threads_publishing_limit read just
 * before the due time, then the commit that announces the publish, or a
 * deferral while the quota is used up.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"

/*
 * Account posts read per count, newest first.  A reply published in the
 * last 24 h was created at most prestage's 23 h plus its delays before:
 * far fewer posts than this sit behind it even for a busy account.
 */
#define REPLY_WALK	20000

static struct quota **
quota_slot(struct sched *s, const char *user_id)
{
	uint64_t h = 1469598103934665603ULL;
	struct quota **qp;
	const char *c;

	for (c = user_id; *c != '\0'; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	for (qp = &s->quotas[h % QUOTA_BUCKETS]; *qp != NULL;
	    qp = &(*qp)->next)
		if (strcmp((*qp)->user_id, user_id) == 0)
			break;
	return qp;
}

int
sched_quota_room(struct sched *s, const char *user_id, int reply)
{
	struct quota *q = *quota_slot(s, user_id);

	if (q == NULL || q->at + QUOTA_FRESH < sched_now() ||
	    q->total[reply] <= 0 || q->used[reply] < 0)
		return 0;
	return q->used[reply] < q->total[reply];
}

void
sched_quota_note(struct sched *s, const char *user_id,
    const struct graph_quota *gq)
{
	struct quota **qp = quota_slot(s, user_id), *q = *qp;

	if (q == NULL) {
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return;
		snprintf(q->user_id, sizeof(q->user_id), "%s", user_id);
		*qp = q;
	}
	q->at = sched_now();
	q->used[0] = gq->posts_used;
	q->total[0] = gq->posts_total;
	q->used[1] = gq->replies_used;
	q->total[1] = gq->replies_total;
}

void
sched_quota_used(struct sched *s, const char *user_id, int reply, int full)
{
	struct quota *q = *quota_slot(s, user_id);

	if (q == NULL || q->used[reply] < 0)
		return;
	if (full)
		q->used[reply] = q->total[reply];
	else
		q->used[reply]++;
}

/*
 * The replies an account published in the 24 h up to a count, by
 * publish time: counted once from the store, then kept while the
 * store's post_replies_gen() for the account stays the same (no reply
 * published or changed, no post created or erased since) and the window
 * moves forward; the replies it leaves are dropped from the front.
 */
struct replies {
	int		 counted;
	uint32_t	 gen;
	int64_t		 since;		/* published after it */
	int64_t		*at;		/* ascending */
	size_t		 n, first;	/* at[first..n) are in */
};

struct reply_count {
	struct store	*st;
	const char	*user_id;
	int64_t		 since;
	struct replies	*r;
	size_t		 cap;
	size_t		 walked;
};

static int
reply_at_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
reply_count_txn(MDB_txn *txn, void *arg)
{
	struct reply_count *rc = arg;
	size_t plen = strlen(rc->user_id) + 1;
	uint8_t key[GRAPH_ID_LEN + 8];
	MDB_cursor *cur;
	MDB_val k, v;
	struct post p;
	int64_t *at;
	size_t cap;
	int r;

	if (plen > GRAPH_ID_LEN)
		return -EINVAL;
	if ((r = mdb_cursor_open(txn, rc->st->account_posts, &cur)) != 0)
		return store_errno(r);
	/* Just past the account's last key, then backwards. */
	memcpy(key, rc->user_id, plen);
	memset(key + plen, 0xff, 8);
	k.mv_size = plen + 8;
	k.mv_data = key;
	r = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	r = r == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV) :
	    mdb_cursor_get(cur, &k, &v, MDB_LAST);
	for (; r == 0 && rc->walked < REPLY_WALK;
	    r = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
		if (k.mv_size != plen + 8 ||
		    memcmp(k.mv_data, rc->user_id, plen) != 0)
			break;
		rc->walked++;
		post_init(&p);
		if (post_get(txn, rc->st, store_get_be64((uint8_t *)k.mv_data +
		    plen), &p) == 0 && p.state == POST_PUBLISHED &&
		    p.reply_to[0] != '\0' && p.published_at > rc->since) {
			if (rc->r->n == rc->cap) {
				cap = rc->cap * 2 + 16;
				if ((at = reallocarray(rc->r->at, cap,
				    sizeof(*at))) == NULL) {
					post_clear(&p);
					mdb_cursor_close(cur);
					return -ENOMEM;
				}
				rc->r->at = at;
				rc->cap = cap;
			}
			rc->r->at[rc->r->n++] = p.published_at;
		}
		post_clear(&p);
	}
	mdb_cursor_close(cur);
	return r == 0 || r == MDB_NOTFOUND ? 0 : store_errno(r);
}

/* The account's replies since `since`, counted again into *r. */
static int
replies_count(struct sched *s, const char *user_id, int64_t since,
    struct replies *r)
{
	struct reply_count rc = { s->d->store, user_id, since, r, 0, 0 };
	MDB_txn *txn;
	int e;

	free(r->at);
	memset(r, 0, sizeof(*r));
	r->gen = post_replies_gen(s->d->store, user_id);
	r->since = since;
	if ((e = store_txn_begin(s->d->store, 1, &txn)) < 0)
		return e;
	e = reply_count_txn(txn, &rc);
	mdb_txn_abort(txn);
	if (e < 0)
		return e;
	if (rc.walked >= REPLY_WALK)
		log_info("scheduler: counted the replies of %s in its newest "
		    "%d posts only", user_id, REPLY_WALK);
	if (r->n > 1)
		qsort(r->at, r->n, sizeof(*r->at), reply_at_cmp);
	r->counted = 1;
	return 0;
}

int
sched_quota_replies(struct sched *s, const char *user_id, int64_t now,
    int64_t *ret_n)
{
	struct quota **qp = quota_slot(s, user_id), *q = *qp;
	int64_t since = now - 86400;
	struct replies *r;
	int e;

	if (strlen(user_id) >= sizeof(q->user_id))
		return -EINVAL;
	if (q == NULL) {
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return -ENOMEM;
		snprintf(q->user_id, sizeof(q->user_id), "%s", user_id);
		*qp = q;
	}
	if (q->replies == NULL &&
	    (q->replies = calloc(1, sizeof(*q->replies))) == NULL)
		return -ENOMEM;
	r = q->replies;
	if (!r->counted || r->gen != post_replies_gen(s->d->store, user_id) ||
	    since < r->since) {
		if ((e = replies_count(s, user_id, since, r)) < 0) {
			free(r->at);
			memset(r, 0, sizeof(*r));
			return e;
		}
	}
	while (r->first < r->n && r->at[r->first] <= since)
		r->first++;
	r->since = since;
	*ret_n = (int64_t)(r->n - r->first);
	return 0;
}

static void
quota_free(struct quota *q)
{
	if (q->replies != NULL)
		free(q->replies->at);
	free(q->replies);
	free(q);
}

void
sched_quota_free_all(struct sched *s)
{
	struct quota *q;
	size_t i;

	for (i = 0; i < QUOTA_BUCKETS; i++)
		while ((q = s->quotas[i]) != NULL) {
			s->quotas[i] = q->next;
			quota_free(q);
		}
}

void
sched_quota_forget(struct sched *s, const char *user_id)
{
	struct quota **qp = quota_slot(s, user_id), *q = *qp;

	if (q != NULL) {
		*qp = q->next;
		quota_free(q);
	}
}

struct defer {
	int64_t		 until;
};

static int
defer_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	p->state = POST_READY;
	p->quota_ok_at = 0;
	p->check = 0;
	p->next_at = ((struct defer *)arg)->until;
	return 0;
}

/* The quota is used up: wait, do not fail. */
void
sched_quota_defer(struct job *j, const char *what)
{
	struct defer df = { sched_now() + sched_quota_retry(j->s) };
	char when[TIMEFMT_LEN];

	if (job_commit(j, defer_fn, &df) == 0)
		log_with(LOG_NOTICE, &(struct log_fields){
		    .msgid = MSGID_QUOTA_EXHAUSTED, .account = j->username,
		    .user_id = j->p.user_id, .post_id = j->idstr },
		    "post %" PRIu64 " of '%s' deferred until %s: %s; it is "
		    "published when the quota allows, nothing to do",
		    j->p.id, j->username, timefmt_format(df.until, when,
		    sizeof(when)), what);
	job_end(j);
}

static int
quota_ok_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	int64_t now = sched_now();

	(void)txn;
	(void)st;
	(void)arg;
	p->quota_ok_at = now;
	if (now < p->due_at - PUBLISH_LEAD) {
		p->next_at = p->due_at - PUBLISH_LEAD;
		return 0;
	}
	/* Due (nearly): the announcement of the publish. */
	p->state = POST_PUBLISHING;
	p->attempts++;
	p->publish_at = now > p->due_at ? now : p->due_at;
	p->check = 0;
	p->next_at = now;
	return 0;
}

/* Publishing (committed): the request, held until due; else later. */
static void
quota_ok_then(struct job *j, int r)
{
	if (r < 0 || j->p.state != POST_PUBLISHING) {
		job_end(j);
		return;
	}
	job_next(j, STEP_PUBLISH);
}

static void
quota_cb(const struct graph_error *e, const struct graph_quota *q, void *arg)
{
	struct job *j = arg;
	int reply = j->p.reply_to[0] != '\0';
	struct graph_quota mine;
	int64_t used, total;
	char what[128];

	j->call = NULL;
	if (e->class == GRAPH_AUTH) {
		job_pause(j, e, POST_READY);
		return;
	}
	if (e->class != GRAPH_OK)
		/* Meta enforces the quota at publish too; go on. */
		log_info("post %" PRIu64 ": cannot read the publishing quota "
		    "(%s); publishing without checking it", j->p.id,
		    e->message);
	else {
		/* Replies: Meta's figures need a scope we lack; ours. */
		mine = *q;
		if (sched_quota_replies(j->s, j->p.user_id, sched_now(),
		    &mine.replies_used) < 0)
			mine.replies_used = -1;
		mine.replies_total = mine.replies_used >= 0 ? REPLY_QUOTA :
		    -1;
		sched_quota_note(j->s, j->p.user_id, &mine);
		used = reply ? mine.replies_used : mine.posts_used;
		total = reply ? mine.replies_total : mine.posts_total;
		if (used >= 0 && total > 0 && used >= total) {
			snprintf(what, sizeof(what), "the account has used "
			    "its quota of %" PRId64 " %s per 24 h", total,
			    reply ? "replies" : "posts");
			sched_quota_defer(j, what);
			return;
		}
	}
	job_commit_then(j, quota_ok_fn, NULL, quota_ok_then);
}

void
sched_quota_step(struct job *j)
{
	j->call = graph_publishing_limit(sched_daemon(j->s)->graph,
	    j->token->data, quota_cb, j);
	if (j->call == NULL)
		job_trouble(j, &sched_oom, "read the publishing quota",
		    POST_READY);
}
