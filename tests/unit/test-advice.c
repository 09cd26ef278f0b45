/*
 * advice_for() and the error pages auth_parse_redirect() reads: each
 * setup error people hit while connecting names the setting to change;
 * other errors get no advice.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/graph/advice.h"
#include "daemon/graph/auth.h"
#include "tests/unit/check.h"

static int
says(const char *advice, const char *words)
{
	return advice != NULL && strstr(advice, words) != NULL;
}

static void
test_table(void)
{
	CHECK(says(advice_for(0, 4476002, "x"), "Threads App ID"));
	CHECK(says(advice_for(4476002, 0, NULL), "not the Meta (Facebook)"));
	CHECK(says(advice_for(0, 0, "No app ID was provided in the "
	    "request."), "[api] app_id"));
	CHECK(says(advice_for(101, 0, "Error validating application. "
	    "Invalid application ID."), "Use cases -> Access the Threads "
	    "API -> Settings"));
	CHECK(says(advice_for(1349026, 0, NULL), "[api] redirect_uri"));
	CHECK(says(advice_for(400, 0, "Error validating verification code. "
	    "Please make sure your redirect_uri is identical to the one you "
	    "used in the OAuth dialog request"), "Redirect Callback URLs"));
	CHECK(says(advice_for(400, 0, "Insufficient developer role"),
	    "Live mode"));
	CHECK(says(advice_for(0, 0, "The user has not accepted the invite to "
	    "test the app."), "Threads tester"));
	CHECK(says(advice_for(1, 0, "Error validating client secret."),
	    "Threads app secret"));
	/* Not setup errors. */
	CHECK(advice_for(400, 0, "Matching code was not found or was "
	    "already used") == NULL);
	CHECK(advice_for(1, 0, "An unknown error has occurred.") == NULL);
	CHECK(advice_for(190, 463, "Error validating access token") == NULL);
	CHECK(advice_for(0, 0, NULL) == NULL);
}

static void
test_pages(void)
{
	char	 err[512], *code = NULL, *state = NULL;

	CHECK_INT(auth_parse_redirect("{\"error_message\":\"No app ID was "
	    "provided in the request.\",\"error_code\":4476002}", &code,
	    &state, err, sizeof(err)), -EACCES);
	CHECK(strstr(err, "No app ID was provided in the request. (error "
	    "4476002); [api] app_id must be the Threads App ID") != NULL);
	CHECK_INT(auth_parse_redirect(" {\"error_type\":\"OAuthException\","
	    "\"code\":400,\"error_message\":\"Insufficient developer "
	    "role\"}", &code, &state, err, sizeof(err)), -EACCES);
	CHECK(strstr(err, "refused: Insufficient developer role; the app is "
	    "not in Live mode") != NULL);
	CHECK_INT(auth_parse_redirect("https://x.example/cb?error_code="
	    "1349026&error_message=Invalid+redirect_uri#_", &code, &state,
	    err, sizeof(err)), -EACCES);
	CHECK(strstr(err, "Invalid redirect_uri (error 1349026); [api] "
	    "redirect_uri must be") != NULL);
	CHECK_INT(auth_parse_redirect("{\"error\":{\"message\":\"Something "
	    "else\",\"code\":2}}", &code, &state, err, sizeof(err)), -EACCES);
	CHECK(strstr(err, "Something else (error 2); check the app's "
	    "settings") != NULL);
	/* Not a page: still read as a URL. */
	CHECK_INT(auth_parse_redirect("{not json", &code, &state, err,
	    sizeof(err)), -EINVAL);
	CHECK(code == NULL && state == NULL);
}

int
main(void)
{
	test_table();
	test_pages();
	return check_status();
}
