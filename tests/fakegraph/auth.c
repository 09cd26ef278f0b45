/*
 * auth: token validation for Graph routes.
 *
 * It owns the wording of the 190 and 10 errors.  A token that was
 * revoked or replaced by a refresh answers 190/463 like an expired one;
 * a token of a user who removed the app answers 190/458 ("App Not
 * Installed" in Meta's Graph API error table); a string the fake never
 * issued answers 190 without a subcode.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "auth.h"
#include "clock.h"
#include "conf.h"
#include "fgreq.h"
#include "reply.h"
#include "scope.h"
#include "store.h"

static void
fmt_session_time(int64_t when, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)when;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%A, %d-%b-%y %H:%M:%S UTC", &tm) == 0)
		buf[0] = '\0';
}

/*
 * The 190 error for a missing (no token in the request), unknown (t NULL)
 * or expired/dead token.  status is 400 except on /debug_token.
 */
void
auth_token_error(struct fgreq *r, const struct fgtoken *t, int status)
{
	char	end[64], now[64];

	if (r->token == NULL) {
		reply_error(r, status, "OAuthException", 190, 0,
		    "An active access token must be used to query "
		    "information about the current user.");
		return;
	}
	if (t == NULL) {
		reply_error(r, status, "OAuthException", 190, 0,
		    "Invalid OAuth access token - Cannot parse access token");
		return;
	}
	if (t->app_removed) {
		reply_error(r, status, "OAuthException", 190, 458,
		    "Error validating access token: The user has not "
		    "authorized application %s.", fgconf.app_id);
		return;
	}
	fmt_session_time(store_token_end(t), end, sizeof(end));
	fmt_session_time(fgclock_now(), now, sizeof(now));
	reply_error(r, status, "OAuthException", 190, 463,
	    "Error validating access token: Session has expired on %s. "
	    "The current time is %s.", end, now);
}

/* 0 with r->tok and r->user set, or a reply and -EACCES. */
int
auth_require(struct fgreq *r, unsigned scopes)
{
	struct fgtoken	*t = NULL;

	if (r->token != NULL)
		t = store_token_get(r->token);
	if (t == NULL || store_token_state(t, fgclock_now()) != TOK_VALID) {
		auth_token_error(r, t, 400);
		return -EACCES;
	}
	if ((t->scopes & scopes) != scopes) {
		auth_refuse_scope(r, scopes & ~t->scopes);
		return -EACCES;
	}
	r->tok = t;
	r->user = t->user;
	return 0;
}

/*
 * Refusals for a missing scope.  Kept apart from the request log (a ring
 * that forgets) and across /__admin/reset, so that a test's teardown can
 * ask whether any call of its whole run asked for more than its token
 * holds: the sign of a client using a scope it does not request.
 */
static uint64_t	 refusals;
static char	 refused_path[AUTH_REFUSALS_KEPT][128];
static const char *refused_scope[AUTH_REFUSALS_KEPT];

void
auth_refuse_scope(struct fgreq *r, unsigned missing)
{
	if (refusals < AUTH_REFUSALS_KEPT) {
		snprintf(refused_path[refusals], sizeof(refused_path[0]),
		    "%s %s", r->method_name, r->path);
		refused_scope[refusals] = scope_first_missing(0, missing);
	}
	refusals++;
	reply_error(r, 400, "OAuthException", 10, 0,
	    "(#10) Application does not have permission for this action");
}

uint64_t
auth_scope_refusals(const char **paths, size_t *npaths, const char **missing)
{
	size_t i;

	*npaths = refusals < AUTH_REFUSALS_KEPT ? (size_t)refusals :
	    AUTH_REFUSALS_KEPT;
	for (i = 0; i < *npaths; i++) {
		paths[i] = refused_path[i];
		missing[i] = refused_scope[i];
	}
	return refusals;
}
