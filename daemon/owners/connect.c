/*
 * add-account's work: from a code or a token to a stored account.  A job
 * walks the steps one Graph call at a time, holding the secrets it has
 * (wiped when it ends), and answers its request once the account and its
 * sealed token are committed.  Failures become one message an operator
 * can act on, with Meta's own words in it; never a token or a code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <sodium.h>

#include "daemon/store/account.h"
#include "daemon/graph/advice.h"
#include "daemon/config.h"
#include "daemon/owners/connect.h"
#include "daemon/daemon.h"
#include "daemon/graph/graph.h"
#include "daemon/log.h"
#include "daemon/owners/poller.h"
#include "daemon/control/req.h"
#include "daemon/owners/sched.h"
#include "daemon/store/store.h"
#include "daemon/owners/tokens.h"

/* A long-lived token's life when Meta does not say (60 days). */
#define TOKEN_LIFETIME	(60 * 86400)

struct job {
	TAILQ_ENTRY(job)	 entry;
	struct connects		*cs;
	struct req		*req;
	struct graph_call	*call;
	char			*code;		/* secret, wiped */
	char			*token;		/* secret: the long-lived one */
	char			 user_id[GRAPH_ID_LEN];	/* from the exchange */
	struct account		 acct;		/* what /me said */
	int64_t			 issued_at;
	int64_t			 expires_at;
};

struct connects {
	struct daemon		*d;
	TAILQ_HEAD(, job)	 jobs;
};

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

struct connects *
connects_new(struct daemon *d)
{
	struct connects *cs;

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	cs->d = d;
	TAILQ_INIT(&cs->jobs);
	return cs;
}

static void
job_free(struct job *j)
{
	TAILQ_REMOVE(&j->cs->jobs, j, entry);
	graph_cancel(j->call);
	wipe_free(j->code);
	wipe_free(j->token);
	account_clear(&j->acct);
	free(j);
}

void
connects_free(struct connects *cs)
{
	struct job *j;

	if (cs == NULL)
		return;
	while ((j = TAILQ_FIRST(&cs->jobs)) != NULL)
		job_free(j);	/* control.c frees the requests */
	free(cs);
}

static struct job *
job_new(struct connects *cs, struct req *req)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->cs = cs;
	j->req = req;
	account_init(&j->acct);
	TAILQ_INSERT_TAIL(&cs->jobs, j, entry);
	return j;
}

/*
 * Ends the job with Meta's refusal of `step`, worded for what the operator
 * can do about it.
 */
static void
job_fail_graph(struct job *j, const char *step, const struct graph_error *e)
{
	struct req *req = j->req;
	enum proto_err code = ERR_INVALID_ARGUMENT;
	const char *hint;

	/* The app's setup, whatever the class Meta's code falls in. */
	if (e->class != GRAPH_AUTH &&
	    (hint = advice_for(e->code, e->subcode, e->message)) != NULL) {
		code = ERR_UNAVAILABLE;
		goto out;
	}
	switch (e->class) {
	case GRAPH_TRANSIENT:
	case GRAPH_THROTTLED:
	case GRAPH_NOT_READY:
		code = ERR_UNAVAILABLE;
		hint = "Meta's API is not answering properly; try again in a "
		    "few minutes";
		break;
	case GRAPH_AUTH:
		hint = "the token is invalid, expired or revoked; connect "
		    "the account again with 'threadsctl add-account'";
		break;
	default:
		if (strcmp(step, "code exchange") == 0)
			hint = "authorization codes work once and for one "
			    "hour: run 'threadsctl add-account' again";
		else
			hint = "check the app's settings in Meta's App "
			    "Dashboard";
		break;
	}
out:
	log_with(LOG_WARNING, &(struct log_fields){
	    .meta_code = e->code, .meta_subcode = e->subcode,
	    .fbtrace_id = e->fbtrace_id[0] ? e->fbtrace_id : NULL },
	    "add-account: %s refused by Meta (%s): %s; %s", step,
	    graph_class_name(e->class), e->message, hint);
	j->req = NULL;
	job_free(j);
	req_fail(req, code, "%s failed: %s (Meta code %d); %s", step,
	    e->message, e->code, hint);
}

static void
job_fail(struct job *j, enum proto_err code, const char *msg)
{
	struct req *req = j->req;

	j->req = NULL;
	job_free(j);
	req_fail(req, code, "%s", msg);
}

struct save {
	struct job	*j;
	struct daemon	*d;
	int		 created;
	struct account	 acct;	/* as stored */
};

/* One transaction: the account (new or updated) and its sealed token. */
static int
save_txn(MDB_txn *txn, void *arg)
{
	struct save *sv = arg;
	struct job *j = sv->j;
	struct account *a = &sv->acct;
	int r;

	account_init(a);
	r = account_get_by_id(txn, sv->d->store, j->acct.user_id, a);
	if (r == -ENOENT) {
		sv->created = 1;
		strcpy(a->user_id, j->acct.user_id);
		a->added_at = daemon_now();
	} else if (r < 0)
		return r;
	if (account_set_str(&a->username, j->acct.username) < 0 ||
	    account_set_str(&a->name, j->acct.name) < 0 ||
	    account_set_str(&a->picture_url, j->acct.picture_url) < 0)
		return -ENOMEM;
	a->state = ACCOUNT_ACTIVE;
	a->revoked_at = a->forget_warned_at = 0;	/* consent again */
	a->token_issued_at = j->issued_at;
	a->token_expires_at = j->expires_at;
	a->refresh_retry_at = 0;
	a->refresh_failures = 0;
	a->expiry_warned_at = 0;
	if ((r = account_put(txn, sv->d->store, a)) < 0)
		return r;
	return account_token_put(txn, sv->d->store, sv->d->seal, a->user_id,
	    j->token);
}

static void
job_save(struct job *j)
{
	struct daemon *d = j->cs->d;
	struct save sv = { .j = j, .d = d };
	struct req *req = j->req;
	struct json_object *res;
	int r;

	r = store_write(d->store, save_txn, &sv);
	if (r < 0) {
		log_error("add-account: cannot store account '%s': %s",
		    j->acct.username, strerror(-r));
		account_clear(&sv.acct);
		job_fail(j, r == -ENOSPC ? ERR_UNAVAILABLE : ERR_INTERNAL,
		    r == -ENOSPC ? "the store is full: raise [store] "
		    "map_size" : "cannot store the account");
		return;
	}
	log_with(LOG_NOTICE, &(struct log_fields){
	    .msgid = MSGID_ACCOUNT_ADDED, .account = sv.acct.username,
	    .user_id = sv.acct.user_id },
	    "account '%s' %s by uid %u; its token is kept sealed and "
	    "refreshed automatically", sv.acct.username,
	    sv.created ? "connected" : "reconnected with a new token",
	    (unsigned)req->uid);
	res = account_to_json(&sv.acct);
	json_object_object_add(res, "created",
	    json_object_new_boolean(sv.created));
	/* A reconnected account's paused posts go on. */
	sched_account_active(d->sched, sv.acct.user_id);
	account_clear(&sv.acct);
	j->req = NULL;
	job_free(j);
	tokens_kick(d->tokens);
	poller_kick(d->poller);
	daemon_notify_status(d);
	req_ok(req, res);
}

static void
info_cb(const struct graph_error *e, const struct graph_token_info *info,
    void *arg)
{
	struct job *j = arg;

	j->call = NULL;
	/* debug_token is a nicety: without it the token counts as new. */
	if (e->class == GRAPH_OK && info->is_valid && info->issued_at > 0) {
		j->issued_at = info->issued_at;
		if (info->expires_at > 0)
			j->expires_at = info->expires_at;
	} else if (e->class != GRAPH_OK)
		log_info("add-account: debug_token failed (%s), taking the "
		    "token as issued now", e->message);
	job_save(j);
}

static void
me_cb(const struct graph_error *e, const struct graph_profile *p, void *arg)
{
	struct job *j = arg;

	j->call = NULL;
	if (e->class != GRAPH_OK) {
		job_fail_graph(j, "profile lookup (/me)", e);
		return;
	}
	if (p->username == NULL || p->id[0] == '\0') {
		job_fail(j, ERR_UNAVAILABLE, "Meta's /me answer has no "
		    "username; try again later");
		return;
	}
	if (j->user_id[0] != '\0' && strcmp(j->user_id, p->id) != 0) {
		log_warning("add-account: the code was for user id %s but "
		    "the token is for %s; using the token's", j->user_id,
		    p->id);
	}
	strcpy(j->acct.user_id, p->id);
	if (account_set_str(&j->acct.username, p->username) < 0 ||
	    account_set_str(&j->acct.name, p->name) < 0 ||
	    account_set_str(&j->acct.picture_url, p->picture_url) < 0) {
		job_fail(j, ERR_INTERNAL, "out of memory");
		return;
	}
	if (j->issued_at == 0) {
		/* A pasted token: ask Meta when it was issued. */
		j->issued_at = daemon_now();
		j->expires_at = j->issued_at + TOKEN_LIFETIME;
		j->call = graph_debug_token(j->cs->d->graph, j->token,
		    info_cb, j);
		if (j->call == NULL)
			job_save(j);
		return;
	}
	job_save(j);
}

static void
job_me(struct job *j)
{
	j->call = graph_me(j->cs->d->graph, j->token, me_cb, j);
	if (j->call == NULL)
		job_fail(j, ERR_INTERNAL, "out of memory");
}

static void
long_cb(const struct graph_error *e, struct graph_token *tok, void *arg)
{
	struct job *j = arg;

	j->call = NULL;
	if (e->class != GRAPH_OK) {
		job_fail_graph(j, "long-lived token exchange", e);
		return;
	}
	wipe_free(j->token);
	j->token = tok->access_token;	/* taken */
	tok->access_token = NULL;
	j->issued_at = daemon_now();
	j->expires_at = j->issued_at +
	    (tok->expires_in > 0 ? tok->expires_in : TOKEN_LIFETIME);
	job_me(j);
}

static void
short_cb(const struct graph_error *e, struct graph_token *tok, void *arg)
{
	struct job *j = arg;

	j->call = NULL;
	if (e->class != GRAPH_OK) {
		job_fail_graph(j, "code exchange", e);
		return;
	}
	wipe_free(j->code);
	j->code = NULL;
	snprintf(j->user_id, sizeof(j->user_id), "%s", tok->user_id);
	j->call = graph_exchange_long(j->cs->d->graph, tok->access_token,
	    long_cb, j);
	if (j->call == NULL)
		job_fail(j, ERR_INTERNAL, "out of memory");
}

void
connect_code(struct connects *cs, struct req *req, char *code)
{
	struct job *j;

	if ((j = job_new(cs, req)) == NULL) {
		wipe_free(code);
		req_fail(req, ERR_INTERNAL, "out of memory");
		return;
	}
	j->code = code;
	j->call = graph_exchange_code(cs->d->graph, code, short_cb, j);
	if (j->call == NULL)
		job_fail(j, ERR_INTERNAL, "out of memory");
}

void
connect_token(struct connects *cs, struct req *req, char *token)
{
	struct job *j;

	if ((j = job_new(cs, req)) == NULL) {
		wipe_free(token);
		req_fail(req, ERR_INTERNAL, "out of memory");
		return;
	}
	j->token = token;
	job_me(j);
}
