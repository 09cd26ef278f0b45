/*
 * auth.c: the authorization URL asks for the four scopes and nothing
 * else; redirect URLs lose Meta's "#_" tail; refusals and missing codes
 * are named; states are one-use and expire after an hour.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/graph/auth.h"
#include "check.h"

static void
test_url(void)
{
	char *url;

	url = auth_url("https://threads.net/oauth/authorize", "123",
	    "https://example.org/cb?x=1", "abc");
	CHECK_STR(url, "https://threads.net/oauth/authorize?client_id=123"
	    "&redirect_uri=https%3A%2F%2Fexample.org%2Fcb%3Fx%3D1"
	    "&scope=threads_basic%2Cthreads_content_publish%2C"
	    "threads_manage_insights%2Cthreads_profile_discovery"
	    "&response_type=code&state=abc");
	free(url);
	/* A base that already has a query gets '&'. */
	url = auth_url("http://127.0.0.1:1/oauth/authorize?as=alice", "1",
	    "https://x/cb", "s");
	CHECK(url != NULL && strstr(url, "authorize?as=alice&client_id=1"));
	free(url);
}

static void
test_redirect(void)
{
	char err[256], *code = NULL, *state = NULL;

	CHECK_INT(auth_parse_redirect("https://x/cb?code=AQBx-hBs%2B3#_",
	    &code, &state, err, sizeof(err)), 0);
	CHECK_STR(code, "AQBx-hBs+3");
	CHECK(state == NULL);
	free(code);

	CHECK_INT(auth_parse_redirect("https://x/cb?state=s1&code=C2#_",
	    &code, &state, err, sizeof(err)), 0);
	CHECK_STR(code, "C2");
	CHECK_STR(state, "s1");
	free(code);
	free(state);

	CHECK_INT(auth_parse_redirect("https://x/cb?error=access_denied&"
	    "error_reason=user_denied&error_description=The+user+denied+"
	    "your+request&state=s", &code, &state, err, sizeof(err)),
	    -EACCES);
	CHECK(strstr(err, "access_denied") != NULL);
	CHECK(strstr(err, "The user denied your request") != NULL);

	CHECK_INT(auth_parse_redirect("https://x/cb", &code, &state, err,
	    sizeof(err)), -EINVAL);
	CHECK(strstr(err, "no query") != NULL);
	CHECK_INT(auth_parse_redirect("https://x/cb?state=s#code=x", &code,
	    &state, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "'code'") != NULL);
	CHECK_INT(auth_parse_redirect("https://x/cb?code=&state=s", &code,
	    &state, err, sizeof(err)), -EINVAL);
	/* "xcode=" is not "code=". */
	CHECK_INT(auth_parse_redirect("https://x/cb?xcode=1", &code, &state,
	    err, sizeof(err)), -EINVAL);
}

static void
test_states(void)
{
	struct auth_states as;
	char s1[AUTH_STATE_LEN], s2[AUTH_STATE_LEN];
	int i;

	memset(&as, 0, sizeof(as));
	auth_state_new(&as, 1000, s1);
	auth_state_new(&as, 1000, s2);
	CHECK_INT((long long)strlen(s1), AUTH_STATE_LEN - 1);
	CHECK(strcmp(s1, s2) != 0);
	CHECK_INT(auth_state_take(&as, "nope", 1000), -ENOENT);
	CHECK_INT(auth_state_take(&as, NULL, 1000), -ENOENT);
	CHECK_INT(auth_state_take(&as, s1, 1000 + AUTH_STATE_TTL - 1), 0);
	/* One use only. */
	CHECK_INT(auth_state_take(&as, s1, 1001), -ENOENT);
	/* Expired after an hour. */
	CHECK_INT(auth_state_take(&as, s2, 1000 + AUTH_STATE_TTL), -ENOENT);

	/* More states than slots: the oldest give way, the newest work. */
	auth_state_new(&as, 2000, s1);
	for (i = 0; i < AUTH_STATES_MAX; i++)
		auth_state_new(&as, 2001 + i, s2);
	CHECK_INT(auth_state_take(&as, s1, 2100), -ENOENT);
	CHECK_INT(auth_state_take(&as, s2, 2100), 0);
}

int
main(void)
{
	test_url();
	test_redirect();
	test_states();
	return check_status();
}
