/*
 * post.edit: changes a queued post that is not yet being published.  The
 * change is one transaction: the post is read, the given arguments are
 * applied and validated, and it goes back to scheduled with no container,
 * so that it is staged again from what it now says.  A container made
 * before the edit is never published (Meta lets it expire after 24 h); a
 * request about it that comes back late is dropped, because the job that
 * sent it finds the post in another state (commit.c).  Replies waiting
 * on the post keep waiting: its id and its list of replies do not change.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/account.h"
#include "common/timefmt.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/store/post.h"
#include "daemon/control/postargs.h"
#include "daemon/control/req.h"
#include "daemon/owners/sched.h"
#include "daemon/store/store.h"

struct edit {
	struct daemon		*d;
	struct postargs		 a;
	struct post		 p;
	int64_t			 due_at;	/* 0: unchanged */
	char			*name;
	char			 what[256];	/* the fields changed */
	enum proto_err		 code;
	char			 err[512];
};

static int
edit_refuse(struct edit *e, enum proto_err code, int r, const char *msg,
    uint64_t id, const char *state)
{
	e->code = code;
	snprintf(e->err, sizeof(e->err), msg, id, state);
	return r;
}

/* One name for the journal's list of what changed. */
static void
edit_name(struct edit *e, size_t *off, const char *prefix, const char *name)
{
	if (*off >= sizeof(e->what))
		return;
	*off += (size_t)snprintf(e->what + *off, sizeof(e->what) - *off,
	    "%s%s%s", *off > 0 ? ", " : "", prefix, name);
}

/*
 * The names of the arguments given, for the journal; what "clear" takes
 * back as "no NAME" (logged only once every name was accepted).
 */
static void
edit_what(struct edit *e, struct json_object *args)
{
	struct json_object *v;
	size_t off = 0, i;

	json_object_object_foreach(args, key, val) {
		if (strcmp(key, "id") == 0)
			continue;
		if (strcmp(key, "clear") != 0 ||
		    !json_object_is_type(val, json_type_array)) {
			edit_name(e, &off, "", key);
			continue;
		}
		for (i = 0; i < json_object_array_length(val); i++) {
			v = json_object_array_get_idx(val, i);
			if (json_object_is_type(v, json_type_string))
				edit_name(e, &off, "no ",
				    json_object_get_string(v));
		}
	}
	if (off == 0)
		snprintf(e->what, sizeof(e->what), "nothing");
}

static int
edit_txn(MDB_txn *txn, void *arg)
{
	struct edit *e = arg;
	struct store *st = e->d->store;
	struct post *p = &e->p;
	struct account acct;
	int64_t now = daemon_now();
	uint64_t id = post_id_parse(e->a.id);
	int r;

	if (id == 0) {
		e->code = ERR_INVALID_ARGUMENT;
		snprintf(e->err, sizeof(e->err), "'%.32s' is not a post id",
		    e->a.id);
		return -EINVAL;
	}
	post_clear(p);
	if ((r = post_get(txn, st, id, p)) == -ENOENT)
		return edit_refuse(e, ERR_NOT_FOUND, r, "no post %" PRIu64
		    "%s", id, "");
	if (r < 0)
		return r;
	switch (p->state) {
	case POST_SCHEDULED:
	case POST_STAGING:
	case POST_STAGED:
	case POST_READY:
		break;
	case POST_PUBLISHING:
		return edit_refuse(e, ERR_CONFLICT, -EBUSY, "post %" PRIu64
		    " is being published (%s): its outcome is Meta's to tell, "
		    "and it can no longer be changed", id, "publishing");
	default:
		return edit_refuse(e, ERR_CONFLICT, -EBUSY, "post %" PRIu64
		    " is already %s: only a post not yet being published can "
		    "be changed", id, post_state_names[p->state]);
	}
	if ((r = postargs_apply(&e->a, p, e->err, sizeof(e->err))) < 0) {
		e->code = ERR_INVALID_ARGUMENT;
		return r;
	}
	if (e->due_at != 0)
		p->due_at = e->due_at;
	p->state = POST_SCHEDULED;
	post_drop_containers(p);
	p->attempts = p->tries = p->searches = p->check = 0;
	p->quota_ok_at = 0;
	free(p->error);
	p->error = NULL;
	p->next_at = p->due_at - e->d->cfg->sched_prestage;
	if (p->next_at < now)
		p->next_at = now;
	account_init(&acct);
	if (account_get_by_id(txn, st, p->user_id, &acct) == 0) {
		e->name = acct.username;
		acct.username = NULL;
	}
	account_clear(&acct);
	return post_put(txn, st, p);
}

void
req_post_edit(struct req *req)
{
	struct daemon *d = req->d;
	struct edit *e;
	char when[TIMEFMT_LEN];
	int64_t now = daemon_now();
	int r;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		req_fail(req, ERR_INTERNAL, "out of memory");
		return;
	}
	e->d = d;
	postargs_init(&e->a);
	post_init(&e->p);
	if (req_args(req, postargs_edit, &e->a) < 0) {
		free(e);
		return;
	}
	e->code = ERR_INVALID_ARGUMENT;
	edit_what(e, req->pr.args);
	if (e->a.at != NULL) {
		if ((r = postargs_due(e->a.at, e->a.tz != NULL ? e->a.tz :
		    d->cfg->sched_timezone, now, &e->due_at, e->err,
		    sizeof(e->err))) < 0)
			goto refuse;
	}
	if ((r = store_write(d->store, edit_txn, e)) < 0) {
		req_save_failed(req, r, &e->code, e->err, sizeof(e->err));
		goto refuse;
	}
	sched_due(d->sched, e->p.next_at);
	log_with(LOG_NOTICE, &(struct log_fields){ .account = e->name,
	    .user_id = e->p.user_id, .post_id = e->a.id },
	    "post %" PRIu64 " of '%s' edited by uid %u (pid %d): %s; due %s",
	    e->p.id, e->name != NULL ? e->name : e->p.user_id,
	    (unsigned)req->uid, (int)req->pid, e->what,
	    timefmt_format(e->p.due_at, when, sizeof(when)));
	req_ok(req, post_to_json(&e->p, e->name));
	goto out;
refuse:
	req_fail(req, r == -ENOMEM ? ERR_INTERNAL : e->code, "%s",
	    r == -ENOMEM ? "out of memory" : e->err);
out:
	post_clear(&e->p);
	free(e->name);
	free(e);
}
