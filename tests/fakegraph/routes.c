/*
 * routes: the Graph API route table and its dispatcher.
 *
 * One row per endpoint: path pattern ("*" matches one segment), methods,
 * handler, scopes, flags.  Rows with ROUTE_AUTH get their token and
 * scopes checked here, before the handler runs (threads-api.md 2.2).
 * A new capability is a new row and a handler in its own file.
 */
#include <string.h>

#include "auth.h"
#include "fgreq.h"
#include "handlers.h"
#include "reply.h"
#include "scope.h"
#include "store.h"

#define ROUTE_AUTH	0x01

struct route {
	const char	*pattern;
	int		 methods;
	void		(*fn)(struct fgreq *);
	unsigned	 scopes;
	int		 flags;
};

#define S_BASIC		SCOPE_BASIC
#define S_INSIGHTS	(SCOPE_BASIC | SCOPE_MANAGE_INSIGHTS)
#define S_PUBLISH	(SCOPE_BASIC | SCOPE_CONTENT_PUBLISH)
#define S_DISCOVERY	(SCOPE_BASIC | SCOPE_PROFILE_DISCOVERY)
#define S_DELETE	(SCOPE_BASIC | SCOPE_DELETE)
#define S_READ_REPLIES	(SCOPE_BASIC | SCOPE_READ_REPLIES)

static const struct route routes[] = {
	/*
	 * OAuth: each checks its own parameters and tokens.  The token
	 * calls are GETs only, as documented (D-ll, D-dbg): a POST is
	 * "Unsupported post request", code 100, subcode 33.
	 */
	{ "/oauth/authorize",	   M_GET,  oauth_authorize,	0, 0 },
	{ "/oauth/access_token",   M_POST, oauth_access_token,	0, 0 },
	{ "/access_token",	   M_GET,  oauth_exchange,	0, 0 },
	{ "/refresh_access_token", M_GET,  oauth_refresh,	0, 0 },
	{ "/debug_token",	   M_GET,  oauth_debug_token,	0, 0 },

	/* Graph */
	{ "/profile_lookup",		  M_GET,    user_profile_lookup,
	    S_DISCOVERY, ROUTE_AUTH },
	{ "/*/threads_insights",	  M_GET,    insights_user,
	    S_INSIGHTS, ROUTE_AUTH },
	{ "/*/insights",		  M_GET,    insights_media,
	    S_INSIGHTS, ROUTE_AUTH },
	{ "/*/threads_publishing_limit",  M_GET,    threads_limit,
	    S_PUBLISH, ROUTE_AUTH },
	{ "/*/threads_publish",		  M_POST,   threads_publish,
	    S_PUBLISH, ROUTE_AUTH },
	{ "/*/threads",			  M_GET,    threads_list,
	    S_BASIC, ROUTE_AUTH },
	{ "/*/threads",			  M_POST,   threads_create,
	    S_PUBLISH, ROUTE_AUTH },
	{ "/*/replies",			  M_GET,    threads_replies,
	    S_READ_REPLIES, ROUTE_AUTH },
	{ "/*/repost",			  M_POST,   threads_repost,
	    S_PUBLISH, ROUTE_AUTH },
	{ "/*",				  M_GET,    node_get,
	    S_BASIC, ROUTE_AUTH },
	{ "/*",				  M_DELETE, threads_delete,
	    S_DELETE, ROUTE_AUTH },
	{ NULL, 0, NULL, 0, 0 }
};

static int
route_match(const char *pattern, const struct fgreq *r)
{
	const char	*p = pattern, *end;
	size_t		 n;
	int		 i;

	for (i = 0; *p == '/'; i++) {
		p++;
		end = strchr(p, '/');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (i >= r->segc)
			return 0;
		if (!(n == 1 && *p == '*') &&
		    (strlen(r->segv[i]) != n || strncmp(r->segv[i], p, n) != 0))
			return 0;
		p += n;
	}
	return i == r->segc;
}

/* "Unsupported get request. Object with ID ..." (threads-api.md 9.11) */
void
route_unsupported(struct fgreq *r, const char *id)
{
	const char	*m;

	switch (r->method) {
	case M_POST:
		m = "post";
		break;
	case M_DELETE:
		m = "delete";
		break;
	default:
		m = "get";
		break;
	}
	reply_error(r, 400, "THApiException", 100, 33, "Unsupported %s "
	    "request. Object with ID '%.64s' does not exist, cannot be loaded "
	    "due to missing permissions, or does not support this operation",
	    m, id);
}

/*
 * The user a "{user}" segment names: "me" or the token's own id.  Another
 * id is refused as the real API does (D-prof, D-rp).
 */
struct fguser *
route_self(struct fgreq *r, int seg)
{
	const char	*id = r->segv[seg];

	if (strcmp(id, "me") == 0 || strcmp(id, r->user->idstr) == 0)
		return r->user;
	route_unsupported(r, id);
	return NULL;
}

void
route_dispatch(struct fgreq *r)
{
	const struct route	*rt;
	int			 path_known = 0;

	for (rt = routes; rt->pattern != NULL; rt++) {
		if (!route_match(rt->pattern, r))
			continue;
		path_known = 1;
		if (rt->methods & r->method)
			break;
	}
	if (rt->pattern == NULL) {
		if (r->segc == 0)
			reply_error(r, 400, "OAuthException", 100, 0,
			    "Unsupported %s request.", r->method_name);
		else if (path_known || r->segc == 1)
			route_unsupported(r, r->segv[0]);
		else
			reply_error(r, 400, "OAuthException", 2500, 0,
			    "Unknown path components: /%.128s", r->segv[1]);
		return;
	}
	if ((rt->flags & ROUTE_AUTH) && auth_require(r, rt->scopes) < 0)
		return;
	rt->fn(r);
}
