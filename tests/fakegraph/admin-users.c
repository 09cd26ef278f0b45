/*
 * admin-users: create, list and update the fake's users.
 *
 * It owns the admin view of a user (profile, counters, token metadata
 * without the token strings).  New ids are generated 17-digit numbers
 * above 2^53 unless user_id= is given.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "admin-impl.h"
#include "clock.h"
#include "fgreq.h"
#include "reply.h"
#include "scope.h"
#include "store.h"

/* Large enough for any test, small enough that x * 7 cannot overflow. */
#define COUNT_MAX	INT64_C(1000000000000000)

struct user_vals {
	int64_t	followers, views, likes, replies, reposts, quotes;
	int64_t	clicks;
	int64_t	verified;
	int64_t	tester;
	int	insights;
};

static int
valid_username(const char *s)
{
	size_t	n = 0;

	for (; s[n] != '\0'; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '.' &&
		    s[n] != '_')
			return 0;
	return n > 0 && n <= USERNAME_MAX;
}

static const char *
insights_name(enum insights_mode m)
{
	switch (m) {
	case INSIGHTS_OFF:
		return "off";
	case INSIGHTS_NOFOLLOWERS:
		return "nofollowers";
	default:
		return "on";
	}
}

/* Read every numeric knob of a user, defaulting to u's (or zero). */
static int
user_vals_parse(struct fgreq *r, const struct fguser *u,
    struct user_vals *v)
{
	const char	*s;

	if (admin_int(r, "followers", u ? u->followers : 0, 0, COUNT_MAX,
	    &v->followers) < 0 ||
	    admin_int(r, "views", u ? u->views : 0, 0, COUNT_MAX,
	    &v->views) < 0 ||
	    admin_int(r, "likes", u ? u->likes : 0, 0, COUNT_MAX,
	    &v->likes) < 0 ||
	    admin_int(r, "replies", u ? u->replies : 0, 0, COUNT_MAX,
	    &v->replies) < 0 ||
	    admin_int(r, "reposts", u ? u->reposts : 0, 0, COUNT_MAX,
	    &v->reposts) < 0 ||
	    admin_int(r, "quotes", u ? u->quotes : 0, 0, COUNT_MAX,
	    &v->quotes) < 0 ||
	    admin_int(r, "clicks", u ? u->clicks : 0, 0, COUNT_MAX,
	    &v->clicks) < 0 ||
	    admin_int(r, "verified", u ? u->verified : 0, 0, 1,
	    &v->verified) < 0 ||
	    admin_int(r, "tester", u ? u->tester : 0, 0, 1,
	    &v->tester) < 0)
		return -EINVAL;
	v->insights = u ? (int)u->insights : INSIGHTS_ON;
	if ((s = req_param(r, "insights")) != NULL) {
		if (strcmp(s, "1") == 0 || strcmp(s, "on") == 0)
			v->insights = INSIGHTS_ON;
		else if (strcmp(s, "0") == 0 || strcmp(s, "off") == 0)
			v->insights = INSIGHTS_OFF;
		else if (strcmp(s, "nofollowers") == 0)
			v->insights = INSIGHTS_NOFOLLOWERS;
		else {
			reply_admin_error(r, 400,
			    "insights must be 1, 0 or nofollowers");
			return -EINVAL;
		}
	}
	return 0;
}

static int
user_apply(struct fgreq *r, struct fguser *u, const struct user_vals *v)
{
	const char	*s;

	u->followers = v->followers;
	u->views = v->views;
	u->likes = v->likes;
	u->replies = v->replies;
	u->reposts = v->reposts;
	u->quotes = v->quotes;
	u->clicks = v->clicks;
	u->verified = (int)v->verified;
	u->tester = (int)v->tester;
	u->insights = (enum insights_mode)v->insights;
	if (((s = req_param(r, "name")) != NULL &&
	    store_set_str(&u->name, *s ? s : NULL) < 0) ||
	    ((s = req_param(r, "picture")) != NULL &&
	    store_set_str(&u->picture, *s ? s : NULL) < 0) ||
	    ((s = req_param(r, "biography")) != NULL &&
	    store_set_str(&u->biography, *s ? s : NULL) < 0))
		return -ENOMEM;
	return 0;
}

static json_object *
user_json(const struct fguser *u)
{
	const struct fgtoken	*t;
	json_object		*o, *toks, *to;
	int64_t			 now = fgclock_now();

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_add_str(o, "user_id", u->idstr);
	json_add_str(o, "username", u->username);
	json_add_str(o, "name", u->name);
	json_add_str(o, "picture", u->picture);
	json_add_str(o, "biography", u->biography);
	json_object_object_add(o, "verified",
	    json_object_new_boolean(u->verified));
	json_object_object_add(o, "tester",
	    json_object_new_boolean(u->tester));
	json_add_int(o, "followers", u->followers);
	json_add_int(o, "views", u->views);
	json_add_int(o, "likes", u->likes);
	json_add_int(o, "replies", u->replies);
	json_add_int(o, "reposts", u->reposts);
	json_add_int(o, "quotes", u->quotes);
	json_add_int(o, "clicks", u->clicks);
	json_add_str(o, "insights", insights_name(u->insights));
	json_add_int(o, "posts", (int64_t)u->nposts);
	toks = json_object_new_array();
	LIST_FOREACH(t, &u->tokens, entry) {
		if ((to = json_object_new_object()) == NULL)
			break;
		json_add_int(to, "token_gen", t->gen);
		json_add_str(to, "kind", t->kind == TOK_SHORT ? "short" :
		    "long");
		json_add_int(to, "issued_at", t->issued_at);
		json_add_int(to, "expires_at", t->expires_at);
		json_add_str(to, "state", store_token_state(t, now) ==
		    TOK_VALID ? "valid" : store_token_state(t, now) ==
		    TOK_EXPIRED ? "expired" : "revoked");
		json_object_object_add(to, "scopes", scope_to_json(t->scopes));
		json_object_array_add(toks, to);
	}
	json_object_object_add(o, "tokens", toks);
	return o;
}

void
admin_user_add(struct fgreq *r)
{
	struct user_vals	 v;
	struct fguser		*u;
	const char		*name, *ids;
	json_object		*o;
	int64_t			 id = 0;
	int			 rc;

	if ((name = req_param(r, "username")) == NULL ||
	    !valid_username(name)) {
		reply_admin_error(r, 400, "username must be 1-30 letters, "
		    "digits, '.' or '_'");
		return;
	}
	if ((ids = req_param(r, "user_id")) != NULL &&
	    (strspn(ids, "0123456789") != strlen(ids) ||
	    parse_int64(ids, &id) < 0 || id <= 0)) {
		reply_admin_error(r, 400, "user_id must be a positive decimal "
		    "number that fits in int64");
		return;
	}
	if (user_vals_parse(r, NULL, &v) < 0)
		return;
	if ((rc = store_user_add(name, id, &u)) < 0) {
		if (rc == -EEXIST)
			reply_admin_error(r, 409, "user '%s' or id exists",
			    name);
		else
			reply_admin_error(r, 500, "out of memory");
		return;
	}
	if (user_apply(r, u, &v) < 0) {
		reply_admin_error(r, 500, "out of memory");
		return;
	}
	if ((o = json_object_new_object()) != NULL)
		json_add_str(o, "user_id", u->idstr);
	reply_json(r, 200, o);
}

void
admin_user_list(struct fgreq *r)
{
	const struct fguser	*u;
	json_object		*top, *arr;

	if ((top = admin_listing(r, "users", &arr)) == NULL)
		return;
	TAILQ_FOREACH(u, store_users(), entry)
		json_object_array_add(arr, user_json(u));
	reply_json(r, 200, top);
}

void
admin_user_update(struct fgreq *r)
{
	struct user_vals	 v;
	struct fguser		*u;
	const char		*nn;
	int			 rc;

	if ((u = admin_user(r)) == NULL || user_vals_parse(r, u, &v) < 0)
		return;
	if ((nn = req_param(r, "new_username")) != NULL) {
		if (!valid_username(nn)) {
			reply_admin_error(r, 400, "bad new_username");
			return;
		}
		if ((rc = store_user_rename(u, nn)) < 0) {
			reply_admin_error(r, rc == -EEXIST ? 409 : 500,
			    "cannot rename to '%s'", nn);
			return;
		}
	}
	if (user_apply(r, u, &v) < 0) {
		reply_admin_error(r, 500, "out of memory");
		return;
	}
	reply_json(r, 200, user_json(u));
}
