/*
 * The pieces of Meta's OAuth flow that are pure: building the
 * authorization URL with exactly the four scopes threadsd asks for,
 * reading the redirect URL an operator pastes back, and remembering the
 * `state` values handed out (for an hour, in memory: a state is only
 * worth anything to the operator who is mid-way through add-account).
 */
#ifndef THREADSD_AUTH_H
#define THREADSD_AUTH_H

#include <stddef.h>
#include <stdint.h>

/* The permissions threadsd asks for, and no others. */
#define AUTH_SCOPES	"threads_basic,threads_content_publish," \
			"threads_manage_insights,threads_profile_discovery"
#define AUTH_STATE_TTL	3600
#define AUTH_STATES_MAX	64
#define AUTH_STATE_LEN	33	/* 32 hex digits and a NUL */

struct auth_states {
	struct {
		char	 state[AUTH_STATE_LEN];
		int64_t	 expires;
	}		 slot[AUTH_STATES_MAX];
};

/* Fills state with a fresh random value remembered until now + TTL. */
void	auth_state_new(struct auth_states *, int64_t now,
	    char state[AUTH_STATE_LEN]);
/* Forgets state and returns 0 when it was handed out and is unexpired. */
int	auth_state_take(struct auth_states *, const char *state, int64_t now);

/* The authorization URL; malloc'd, NULL on OOM. */
char	*auth_url(const char *auth_url, const char *app_id,
	    const char *redirect_uri, const char *state);

/*
 * Reads a redirect URL: drops the fragment (Meta appends "#_"), then
 * takes `code` and `state` from the query.  An `error=` or
 * `error_message=` redirect, or Meta's error page pasted instead of a
 * URL (flat JSON), is -EACCES with Meta's words and, for a setup error,
 * what to change in errbuf; a URL with no code is -EINVAL.  ret_code and ret_state are malloc'd (state may be NULL).
 */
int	auth_parse_redirect(const char *url, char **ret_code,
	    char **ret_state, char *errbuf, size_t errlen);

#endif
