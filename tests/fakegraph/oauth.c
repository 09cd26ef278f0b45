/*
 * oauth: the authorization dialog stand-in and the token endpoints
 * (threads-api.md 2.1-2.6).
 *
 * It owns the OAuth rules: codes are one-use and live 1 h, short-lived
 * tokens 1 h, long-lived 5183944 s, refresh only at >= 24 h.  Token
 * generations: a new grant (code exchange) or a refresh takes the user's
 * next generation number; th_exchange_token keeps the short-lived token's
 * generation, so the first long-lived token of a user is generation 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "clock.h"
#include "conf.h"
#include "fgreq.h"
#include "handlers.h"
#include "reply.h"
#include "scope.h"
#include "store.h"

#define APP_NAME	"threadsd fake"

static int
secret_ok(const char *given)
{
	const char	*want = fgconf.app_secret;
	size_t		 i, n;
	unsigned char	 diff = 0;

	if (given == NULL || strlen(given) != (n = strlen(want)))
		return 0;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(given[i] ^ want[i]);
	return diff == 0;
}

static void
bad_secret(struct fgreq *r)
{
	reply_error(r, 400, "OAuthException", 1, 0,
	    "Error validating client secret.");
}

/*
 * What the authorization window shows instead of redirecting: a flat
 * JSON error, as the Threads dialog does (users quote
 * "No app ID was provided in the request.","error_code":4476002).  The
 * exact bodies are guesses (README, choice 28).
 */
static void
dialog_error(struct fgreq *r, int error_code, const char *msg)
{
	json_object	*o;

	if ((o = json_object_new_object()) != NULL) {
		json_add_str(o, "error_type", "OAuthException");
		json_add_int(o, "code", 400);
		json_add_str(o, "error_message", msg);
		if (error_code != 0)
			json_add_int(o, "error_code", error_code);
	}
	reply_json(r, 400, o);
}

/* "<redirect_uri>?query" with '&' if the URI already has a query. */
static char *
redirect_url(const char *query, const char *state, const char *tail)
{
	const char	*uri = fgconf.redirect_uri;
	char		*enc = NULL, *url;
	int		 n;

	if (state != NULL && (enc = url_encode(state)) == NULL)
		return NULL;
	n = asprintf(&url, "%s%c%s%s%s%s", uri,
	    strchr(uri, '?') != NULL ? '&' : '?', query,
	    enc != NULL ? "&state=" : "", enc != NULL ? enc : "", tail);
	free(enc);
	return n < 0 ? NULL : url;
}

void
oauth_authorize(struct fgreq *r)
{
	const char	*client_id, *uri, *rtype, *scope, *state, *as, *deny;
	struct fguser	*u;
	struct fgcode	*c;
	unsigned	 scopes;
	char		 bad[80], q[64];

	client_id = req_param(r, "client_id");
	uri = req_param(r, "redirect_uri");
	rtype = req_param(r, "response_type");
	scope = req_param(r, "scope");
	state = req_param(r, "state");
	as = req_param(r, "as");
	deny = req_param(r, "deny");
	/* An id the fake does not know: a Meta (Facebook) app id. */
	if (client_id == NULL || strcmp(client_id, fgconf.app_id) != 0) {
		dialog_error(r, 4476002, "No app ID was provided in the "
		    "request.");
		return;
	}
	if (uri == NULL || strcmp(uri, fgconf.redirect_uri) != 0) {
		dialog_error(r, 1349026, "Invalid redirect_uri: it is not "
		    "one of the app's Redirect Callback URLs");
		return;
	}
	if (rtype == NULL || strcmp(rtype, "code") != 0) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "response_type must be 'code'");
		return;
	}
	if (scope == NULL || scope_parse(scope, &scopes, bad,
	    sizeof(bad)) < 0) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "Invalid Scopes: %s", scope == NULL ? "(none)" : bad);
		return;
	}
	if (!(scopes & SCOPE_BASIC)) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "Invalid Scopes: threads_basic is required");
		return;
	}
	if (deny != NULL && strcmp(deny, "0") != 0) {
		reply_redirect(r, redirect_url("error=access_denied"
		    "&error_reason=user_denied&error_description=The+user+"
		    "denied+your+request", state, ""));
		return;
	}
	if (as == NULL || (u = store_user_by_name(as)) == NULL) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "fakegraph: 'as' must name the approving user%s",
		    as == NULL ? "" : " (unknown user)");
		return;
	}
	/* An app in Development mode: its testers only (D-gs). */
	if (!fgconf.live && !u->tester) {
		dialog_error(r, 0, "Insufficient developer role: this app is "
		    "not live and the user is not one of its Threads "
		    "testers");
		return;
	}
	if (store_code_new(u, scopes, &c) < 0) {
		reply_error(r, 500, "OAuthException", 2, 0,
		    "Service temporarily unavailable");
		return;
	}
	snprintf(q, sizeof(q), "code=%s", c->str);
	reply_redirect(r, redirect_url(q, state, "#_"));
}

void
oauth_access_token(struct fgreq *r)
{
	const char	*grant, *client_id, *code, *uri;
	struct fgtoken	*t;
	struct fgcode	*c;
	struct fguser	*u;
	json_object	*o;

	grant = req_param(r, "grant_type");
	client_id = req_param(r, "client_id");
	code = req_param(r, "code");
	uri = req_param(r, "redirect_uri");
	if (grant == NULL || strcmp(grant, "authorization_code") != 0) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "Unsupported grant_type: %.64s",
		    grant != NULL ? grant : "(none)");
		return;
	}
	if (client_id == NULL || strcmp(client_id, fgconf.app_id) != 0) {
		reply_error(r, 400, "OAuthException", 101, 0,
		    "Error validating application. Invalid application ID.");
		return;
	}
	if (!secret_ok(req_param(r, "client_secret"))) {
		bad_secret(r);
		return;
	}
	if (code == NULL || (c = store_code_get(code)) == NULL) {
		reply_flat_error(r,
		    "Matching code was not found or was already used");
		return;
	}
	if (uri == NULL || strcmp(uri, fgconf.redirect_uri) != 0) {
		reply_flat_error(r, "Error validating verification code. "
		    "Please make sure your redirect_uri is identical to the "
		    "one you used in the OAuth dialog request");
		return;
	}
	u = c->user;
	if (store_token_new(u, TOK_SHORT, c->scopes, u->next_gen,
	    fgclock_now(), SHORT_TTL, &t) < 0) {
		reply_error(r, 500, "OAuthException", 2, 0,
		    "Service temporarily unavailable");
		return;
	}
	u->next_gen++;
	store_code_del(c);
	if ((o = json_object_new_object()) != NULL) {
		json_add_str(o, "access_token", t->str);
		/* A bare number above 2^53 (threads-api.md 2.3). */
		json_add_int(o, "user_id", u->id);
	}
	reply_json(r, 200, o);
}

static void
reply_long_token(struct fgreq *r, const struct fgtoken *t)
{
	json_object	*o;

	if ((o = json_object_new_object()) != NULL) {
		json_add_str(o, "access_token", t->str);
		json_add_str(o, "token_type", "bearer");
		json_add_int(o, "expires_in", t->expires_at - fgclock_now());
	}
	reply_json(r, 200, o);
}

/*
 * The token calls take access_token as a query parameter: the only place
 * D-ll and D-dbg show it.  One sent only as a Bearer header is taken as
 * missing (a guess: what Meta does with a header there is not known).
 * 0, or a reply and -1.
 */
static int
oauth_query_token(struct fgreq *r)
{
	if (r->token != NULL && r->auth == AUTH_QUERY)
		return 0;
	reply_error(r, 400, "OAuthException", 100, 0,
	    "(#100) The parameter access_token is required");
	return -1;
}

/* The request's token if it is valid and of kind; else a reply, NULL. */
static struct fgtoken *
oauth_token(struct fgreq *r, enum tok_kind kind)
{
	struct fgtoken	*t = NULL;

	if (oauth_query_token(r) < 0)
		return NULL;
	if (r->token != NULL)
		t = store_token_get(r->token);
	if (t == NULL || store_token_state(t, fgclock_now()) != TOK_VALID) {
		auth_token_error(r, t, 400);
		return NULL;
	}
	if (t->kind != kind) {
		reply_error(r, 400, "OAuthException", 190, 0,
		    "Invalid OAuth access token - %s",
		    kind == TOK_SHORT ? "only a short-lived token can be "
		    "exchanged" : "only a long-lived token can be refreshed");
		return NULL;
	}
	return t;
}

/* GET /access_token?grant_type=th_exchange_token (2.4) */
void
oauth_exchange(struct fgreq *r)
{
	const char	*grant;
	struct fgtoken	*t, *lt;

	grant = req_param(r, "grant_type");
	if (grant == NULL || strcmp(grant, "th_exchange_token") != 0) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "Unsupported grant_type: %.64s",
		    grant != NULL ? grant : "(none)");
		return;
	}
	if (!secret_ok(req_param(r, "client_secret"))) {
		bad_secret(r);
		return;
	}
	if ((t = oauth_token(r, TOK_SHORT)) == NULL)
		return;
	if (store_token_new(t->user, TOK_LONG, t->scopes, t->gen,
	    fgclock_now(), LONG_TTL, &lt) < 0) {
		reply_error(r, 500, "OAuthException", 2, 0,
		    "Service temporarily unavailable");
		return;
	}
	reply_long_token(r, lt);
}

/*
 * GET /refresh_access_token (2.5).  A token younger than 24 h is refused
 * with code 100; the real answer is [UNCERTAIN] (README).
 */
void
oauth_refresh(struct fgreq *r)
{
	const char	*grant;
	struct fgtoken	*t, *nt;
	int64_t		 now;

	grant = req_param(r, "grant_type");
	if (grant == NULL || strcmp(grant, "th_refresh_token") != 0) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "Unsupported grant_type: %.64s",
		    grant != NULL ? grant : "(none)");
		return;
	}
	if ((t = oauth_token(r, TOK_LONG)) == NULL)
		return;
	if (!(t->scopes & SCOPE_BASIC)) {
		auth_refuse_scope(r, SCOPE_BASIC);
		return;
	}
	now = fgclock_now();
	if (now - t->issued_at < REFRESH_MIN_AGE) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "Token is too new to be refreshed; tokens can be "
		    "refreshed once they are at least 24 hours old");
		return;
	}
	if (store_token_new(t->user, TOK_LONG, t->scopes, t->user->next_gen,
	    now, LONG_TTL, &nt) < 0) {
		reply_error(r, 500, "OAuthException", 2, 0,
		    "Service temporarily unavailable");
		return;
	}
	t->user->next_gen++;
	t->dead_at = now;
	reply_long_token(r, nt);
}

static json_object *
debug_error(int subcode, const char *msg)
{
	json_object	*e;

	if ((e = json_object_new_object()) == NULL)
		return NULL;
	json_add_int(e, "code", 190);
	json_add_str(e, "message", msg);
	if (subcode != 0)
		json_add_int(e, "subcode", subcode);
	return e;
}

/*
 * GET /debug_token (2.6, 9.3).  An invalid caller token answers HTTP 500
 * with code 190, as reported for the real endpoint [R-rs].
 */
void
oauth_debug_token(struct fgreq *r)
{
	struct fgtoken	*caller = NULL, *t;
	const char	*input;
	json_object	*top, *d;
	int64_t		 now = fgclock_now();

	if (oauth_query_token(r) < 0)
		return;
	if (r->token != NULL)
		caller = store_token_get(r->token);
	if (caller == NULL || store_token_state(caller, now) != TOK_VALID) {
		auth_token_error(r, caller, 500);
		return;
	}
	if ((input = req_param(r, "input_token")) == NULL) {
		reply_error(r, 400, "OAuthException", 100, 0,
		    "(#100) The parameter input_token is required");
		return;
	}
	top = json_object_new_object();
	if ((d = json_object_new_object()) == NULL || top == NULL) {
		json_object_put(d);
		json_object_put(top);
		reply_json(r, 500, NULL);
		return;
	}
	json_object_object_add(top, "data", d);
	if ((t = store_token_get(input)) == NULL) {
		json_object_object_add(d, "error", debug_error(0,
		    "Invalid OAuth access token - Cannot parse access token"));
		json_object_object_add(d, "is_valid",
		    json_object_new_boolean(0));
		json_object_object_add(d, "scopes", json_object_new_array());
		reply_json(r, 200, top);
		return;
	}
	json_add_str(d, "type", "USER");
	json_add_str(d, "application", APP_NAME);
	json_add_int(d, "data_access_expires_at", t->data_access_expires_at);
	json_add_int(d, "expires_at", t->expires_at);
	json_object_object_add(d, "is_valid", json_object_new_boolean(
	    store_token_state(t, now) == TOK_VALID));
	if (store_token_state(t, now) != TOK_VALID && t->app_removed)
		json_object_object_add(d, "error", debug_error(458,
		    "Error validating access token: The user has not "
		    "authorized application"));
	else if (store_token_state(t, now) != TOK_VALID)
		json_object_object_add(d, "error", debug_error(463,
		    "Error validating access token: Session has expired"));
	json_add_int(d, "issued_at", t->issued_at);
	json_object_object_add(d, "scopes", scope_to_json(t->scopes));
	json_add_str(d, "user_id", t->user->idstr);
	reply_json(r, 200, top);
}
