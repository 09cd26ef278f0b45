/*
 * admin: users, tokens, revocation, the clock, config knobs and reset.
 *
 * It owns the admin table and the admin reply shapes ({"error":"..."} on
 * failure).  Parameters come from the query string (a form body works
 * too).  No reply carries a token except /__admin/token, which mints one.
 * Faults, the request log and posts are in admin-test.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "admin-impl.h"
#include "clock.h"
#include "conf.h"
#include "demo.h"
#include "faults.h"
#include "fgreq.h"
#include "media.h"
#include "reply.h"
#include "reqlog.h"
#include "scope.h"
#include "store.h"

#define CLOCK_MAX	INT64_C(253402300799)		/* 9999-12-31 */
#define CLOCK_STEP_MAX	INT64_C(100 * 366 * 86400)	/* a century */

static const struct admin_entry admin_table[] = {
	{ "/__admin/users",	   M_POST,	   admin_user_add },
	{ "/__admin/users",	   M_GET,	   admin_user_list },
	{ "/__admin/users/update", M_POST,	   admin_user_update },
	{ "/__admin/token",	   M_POST,	   admin_token },
	{ "/__admin/revoke",	   M_POST,	   admin_revoke },
	{ "/__admin/remove_app",   M_POST,	   admin_remove_app },
	{ "/__admin/clock",	   M_GET | M_POST, admin_clock },
	{ "/__admin/config",	   M_GET | M_POST, admin_config },
	{ "/__admin/container",	   M_GET,	   admin_container },
	{ "/__admin/containers",   M_GET,	   admin_container_list },
	{ "/__admin/reset",	   M_POST,	   admin_reset },
	{ "/__admin/fault",	   M_POST,	   admin_fault_add },
	{ "/__admin/faults",	   M_GET,	   admin_fault_list },
	{ "/__admin/faults",	   M_DELETE,	   admin_fault_clear },
	{ "/__admin/faults/clear", M_POST,	   admin_fault_clear },
	{ "/__admin/requests",	   M_GET,	   admin_requests },
	{ "/__admin/scope_refusals", M_GET,	   admin_scope_refusals },
	{ "/__admin/posts",	   M_POST,	   admin_post_add },
	{ "/__admin/posts",	   M_GET,	   admin_post_list },
	{ NULL, 0, NULL }
};

void
admin_dispatch(struct fgreq *r)
{
	const struct admin_entry	*e;
	int				 known = 0;
	size_t				 n;

	n = strlen(r->path);
	while (n > 1 && r->path[n - 1] == '/')
		r->path[--n] = '\0';
	for (e = admin_table; e->path != NULL; e++) {
		if (strcmp(e->path, r->path) != 0)
			continue;
		known = 1;
		if (e->methods & r->method) {
			e->fn(r);
			return;
		}
	}
	if (known)
		reply_admin_error(r, 405, "%s not allowed on %s",
		    r->method_name, r->path);
	else
		reply_admin_error(r, 404, "no admin endpoint %s", r->path);
}

/* A missing-or-bad integer parameter, answered; -EINVAL. */
int
admin_int(struct fgreq *r, const char *name, int64_t def, int64_t min,
    int64_t max, int64_t *ret)
{
	if (req_int(r, name, def, min, max, ret) < 0) {
		reply_admin_error(r, 400, "bad value for '%s'", name);
		return -EINVAL;
	}
	return 0;
}

/* The user named by username=, or an answered 404/400 and NULL. */
struct fguser *
admin_user(struct fgreq *r)
{
	const char	*name;
	struct fguser	*u;

	if ((name = req_param(r, "username")) == NULL) {
		reply_admin_error(r, 400, "username is required");
		return NULL;
	}
	if ((u = store_user_by_name(name)) == NULL)
		reply_admin_error(r, 404, "unknown user '%.40s'", name);
	return u;
}

json_object *
admin_listing(struct fgreq *r, const char *key, json_object **ret_arr)
{
	json_object	*top, *arr;

	top = json_object_new_object();
	if ((arr = json_object_new_array()) == NULL || top == NULL) {
		json_object_put(top);
		reply_json(r, 500, NULL);
		return NULL;
	}
	json_object_object_add(top, key, arr);
	*ret_arr = arr;
	return top;
}

int
admin_reply_ok(struct fgreq *r)
{
	json_object	*o;

	if ((o = json_object_new_object()) != NULL)
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	reply_json(r, 200, o);
	return 0;
}

void
admin_token(struct fgreq *r)
{
	struct fgtoken	*t;
	struct fguser	*u;
	const char	*s, *kind;
	json_object	*o;
	unsigned	 scopes = SCOPE_DEFAULT;
	int64_t		 age, now;
	char		 bad[80];
	int		 is_short;

	if ((u = admin_user(r)) == NULL ||
	    admin_int(r, "age", 0, 0, CLOCK_MAX, &age) < 0)
		return;
	if ((s = req_param(r, "scopes")) != NULL &&
	    scope_parse(s, &scopes, bad, sizeof(bad)) < 0) {
		reply_admin_error(r, 400, "unknown scope '%s'", bad);
		return;
	}
	kind = req_param(r, "kind");
	is_short = kind != NULL && strcmp(kind, "short") == 0;
	if (kind != NULL && !is_short && strcmp(kind, "long") != 0) {
		reply_admin_error(r, 400, "kind must be short or long");
		return;
	}
	now = fgclock_now();
	if (store_token_new(u, is_short ? TOK_SHORT : TOK_LONG, scopes,
	    u->next_gen, now - age, is_short ? SHORT_TTL : LONG_TTL, &t) < 0) {
		reply_admin_error(r, 500, "out of memory");
		return;
	}
	u->next_gen++;
	if ((o = json_object_new_object()) != NULL) {
		json_add_str(o, "access_token", t->str);
		json_add_int(o, "expires_in", t->expires_at - now);
		json_add_int(o, "token_gen", t->gen);
		json_add_str(o, "user_id", u->idstr);
	}
	reply_json(r, 200, o);
}

void
admin_revoke(struct fgreq *r)
{
	struct fguser	*u;

	if ((u = admin_user(r)) == NULL)
		return;
	store_revoke(u, fgclock_now());
	admin_reply_ok(r);
}

/* The user removes the app in Threads' settings (Meta: 190/458). */
void
admin_remove_app(struct fgreq *r)
{
	struct fguser	*u;

	if ((u = admin_user(r)) == NULL)
		return;
	store_remove_app(u, fgclock_now());
	admin_reply_ok(r);
}

void
admin_clock(struct fgreq *r)
{
	json_object	*o;
	int64_t		 v;

	if (r->method == M_POST) {
		if (req_param(r, "set") != NULL) {
			if (admin_int(r, "set", 0, 0, CLOCK_MAX, &v) < 0)
				return;
			fgclock_set(v);
		} else {
			if (admin_int(r, "advance", 0, -CLOCK_STEP_MAX,
			    CLOCK_STEP_MAX, &v) < 0)
				return;
			fgclock_advance(v);
		}
	}
	if ((o = json_object_new_object()) != NULL)
		json_add_int(o, "now", fgclock_now());
	reply_json(r, 200, o);
}

void
admin_config(struct fgreq *r)
{
	static const struct {
		const char	*name;
		int64_t		*val;
	} knobs[] = {
		{ "text_delay", &fgconf.text_delay },
		{ "image_delay", &fgconf.image_delay },
		{ "video_delay", &fgconf.video_delay },
		{ "post_quota", &fgconf.post_quota },
		{ "reply_quota", &fgconf.reply_quota },
		{ "delete_quota", &fgconf.delete_quota },
		{ "live", &fgconf.live },
		{ "notready_age", &fgconf.notready_age },
		{ "notready_percent", &fgconf.notready_percent },
		{ "items_published", &fgconf.items_published },
		{ "replies_listed", &fgconf.replies_listed },
	};
	json_object	*o;
	int64_t		 v[sizeof(knobs) / sizeof(knobs[0])];
	size_t		 i, n = sizeof(knobs) / sizeof(knobs[0]);

	/* Check them all before changing any. */
	for (i = 0; i < n; i++)
		if (admin_int(r, knobs[i].name, *knobs[i].val, 0,
		    knobs[i].val == &fgconf.live ||
		    knobs[i].val == &fgconf.items_published ||
		    knobs[i].val == &fgconf.replies_listed ? 1 :
		    knobs[i].val == &fgconf.notready_percent ? 100 :
		    INT64_MAX / 4,
		    &v[i]) < 0)
			return;
	if (r->method == M_POST)
		for (i = 0; i < n; i++)
			*knobs[i].val = v[i];
	if ((o = json_object_new_object()) != NULL)
		for (i = 0; i < n; i++)
			json_add_int(o, knobs[i].name, *knobs[i].val);
	reply_json(r, 200, o);
}

/* Back to the state at start: no users (but demo), faults, log, offset. */
int
admin_reset_state(void)
{
	int	rc;

	media_free();
	store_free();
	faults_clear();
	reqlog_clear();
	fgclock_reset();
	conf_knobs_default();
	if ((rc = store_init()) < 0 || (rc = media_init()) < 0)
		return rc;
	if (fgconf.demo && (rc = demo_seed()) < 0)
		return rc;
	return 0;
}

void
admin_reset(struct fgreq *r)
{
	if (admin_reset_state() < 0) {
		reply_admin_error(r, 500, "reset failed");
		return;
	}
	admin_reply_ok(r);
}
