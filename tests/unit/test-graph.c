/*
 * The Graph API parsers against the verbatim payloads of threads-api.md
 * §9 and the error shapes of §7: ids stay exact strings, errors get the
 * right class, and bodies that are not what they claim to be are
 * transient "malformed response" errors.  No network, no loop.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/graph/graph.h"
#include "tests/unit/check.h"

/* A string literal as body and length. */
#define B(s)	(s), sizeof(s) - 1

/* §9.1, verbatim */
static const char code_ok[] =
    "{\n"
    "  \"access_token\": \"THQVJ...\",\n"
    "  \"user_id\": 17841405793187218\n"
    "}\n";
static const char code_rejected[] =
    "{\n"
    "  \"error_type\": \"OAuthException\",\n"
    "  \"code\": 400,\n"
    "  \"error_message\": \"Matching code was not found or was already "
    "used\"\n"
    "}\n";

/* §9.2, verbatim, with the docs' comment (not JSON), and Postman's */
static const char long_doc[] =
    "{\n"
    "  \"access_token\": \"<LONG_LIVED_USER_ACCESS_TOKEN>\",\n"
    "  \"token_type\": \"bearer\",\n"
    "  \"expires_in\": 5183944 // number of seconds until token expires\n"
    "}\n";
static const char long_doc_nocomment[] =
    "{\n"
    "  \"access_token\": \"<LONG_LIVED_USER_ACCESS_TOKEN>\",\n"
    "  \"token_type\": \"bearer\",\n"
    "  \"expires_in\": 5183944\n"
    "}\n";
static const char long_postman[] =
    "{\"access_token\": \"string\", \"token_type\": \"bearer\", "
    "\"expires_in\": 5184000}";

/* §9.3, verbatim */
static const char debug_ok[] =
    "{\n"
    "  \"data\": {\n"
    "    \"type\": \"USER\",\n"
    "    \"application\": \"Threads API Test App\",\n"
    "    \"data_access_expires_at\": 1754846089,\n"
    "    \"expires_at\": 1752254132,\n"
    "    \"is_valid\": true,\n"
    "    \"issued_at\": 1747070132,\n"
    "    \"scopes\": [\n"
    "      \"threads_basic\",\n"
    "      \"threads_content_publish\",\n"
    "      \"threads_manage_replies\",\n"
    "      \"threads_manage_insights\",\n"
    "      \"threads_read_replies\",\n"
    "      \"threads_manage_mentions\",\n"
    "      \"threads_keyword_search\",\n"
    "      \"threads_location_tagging\"\n"
    "    ],\n"
    "    \"user_id\": \"1234567890123456\"\n"
    "  }\n"
    "}\n";

/* §9.4, verbatim */
static const char me_ok[] =
    "{\n"
    "  \"id\": \"1234567\",\n"
    "  \"username\": \"threadsapitestuser\",\n"
    "  \"name\": \"Threads API Test User\",\n"
    "  \"threads_profile_picture_url\": \"https://scontent-sjc3-1."
    "cdninstagram.com/link/to/profile/picture/on/threads/\",\n"
    "  \"threads_biography\": \"This is my Threads bio.\",\n"
    "  \"is_verified\": false\n"
    "}\n";

/* §9.11, verbatim */
static const char err_not_ready[] =
    "{\n"
    "  \"error\": {\n"
    "    \"message\": \"The requested resource does not exist\",\n"
    "    \"type\": \"OAuthException\",\n"
    "    \"code\": 24,\n"
    "    \"error_subcode\": 4279009,\n"
    "    \"is_transient\": false,\n"
    "    \"error_user_title\": \"Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y "
    "file ph\xc6\xb0\xc6\xa1ng ti\xe1\xbb\x87n\",\n"
    "    \"error_user_msg\": \"Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y "
    "file ph\xc6\xb0\xc6\xa1ng ti\xe1\xbb\x87n c\xc3\xb3 ID "
    "18058571375416420.\",\n"
    "    \"fbtrace_id\": \"AOxKXdpgjW6_ToP1OrPobtf\"\n"
    "  }\n"
    "}\n";
static const char err_unknown_object[] =
    "{\n"
    "  \"error\": {\n"
    "    \"message\": \"Unsupported get request. Object with ID '1234567' "
    "does not exist, cannot be loaded due to missing permissions, or does "
    "not support this operation\",\n"
    "    \"type\": \"THApiException\",\n"
    "    \"code\": 100,\n"
    "    \"error_subcode\": 33,\n"
    "    \"fbtrace_id\": \"abcdefg\"\n"
    "  }\n"
    "}\n";
static const char err_expired[] =
    "{\"error\":{\"message\":\"Error validating access token: Session has "
    "expired on Tuesday, 04-Jul-23 02:11:32 PDT. The current time is "
    "\xe2\x80\xa6\",\"type\":\"OAuthException\",\"code\":190,"
    "\"error_subcode\":463,\"fbtrace_id\":\"AXS25JPViBb5AY5tP5EzTnD\"}}";

static int
parse_token(long status, const char *body, struct graph_token *tok,
    struct graph_error *err)
{
	memset(tok, 0, sizeof(*tok));
	return graph_parse_token(status, body, strlen(body), tok, err);
}

static void
test_code_exchange(void)
{
	struct graph_token	tok;
	struct graph_error	err;

	CHECK_INT(parse_token(200, code_ok, &tok, &err), 0);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_STR(tok.access_token, "THQVJ...");
	/* Above 2^53: a double would give ...7216. */
	CHECK_STR(tok.user_id, "17841405793187218");
	CHECK_INT(tok.expires_in, -1);
	graph_token_clear(&tok);
	CHECK(tok.access_token == NULL);

	CHECK(parse_token(400, code_rejected, &tok, &err) < 0);
	CHECK_INT(err.class, GRAPH_PERMANENT);
	CHECK_INT(err.http_status, 400);
	CHECK_INT(err.code, 400);
	CHECK_STR(err.type, "OAuthException");
	CHECK_STR(err.message,
	    "Matching code was not found or was already used");
	CHECK(tok.access_token == NULL);

	/* The same flat error with a 200 is still an error. */
	CHECK(parse_token(200, code_rejected, &tok, &err) < 0);
	CHECK_INT(err.class, GRAPH_PERMANENT);

	/* Bad secret, the envelope shape of §2.3: code 1, transient. */
	CHECK(parse_token(400, "{\"error\":{\"message\":\"Error validating "
	    "client secret.\",\"type\":\"OAuthException\",\"code\":1}}", &tok,
	    &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK_STR(err.message, "Error validating client secret.");
}

static void
test_user_id_shapes(void)
{
	struct graph_token	tok;
	struct graph_error	err;

	CHECK_INT(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":\"17841405793187218\"}", &tok, &err), 0);
	CHECK_STR(tok.user_id, "17841405793187218");
	graph_token_clear(&tok);

	/* Between INT64_MAX and UINT64_MAX: still exact. */
	CHECK_INT(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":18446744073709551614}", &tok, &err), 0);
	CHECK_STR(tok.user_id, "18446744073709551614");
	graph_token_clear(&tok);

	/* Digits lost already, clamped, or not an id at all. */
	CHECK(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":1.7841405793187218e16}", &tok, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK_STR(err.message, "malformed response: bad user_id");
	CHECK(tok.access_token == NULL);
	CHECK(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":99999999999999999999999}", &tok, &err) < 0);
	CHECK(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":-17}", &tok, &err) < 0);
	CHECK(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":\"12a\"}", &tok, &err) < 0);
	CHECK(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":\"\"}", &tok, &err) < 0);
	CHECK(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":\"123456789012345678901234567890123\"}", &tok,
	    &err) < 0);
	CHECK(parse_token(200, "{\"access_token\":\"t\","
	    "\"user_id\":true}", &tok, &err) < 0);
}

static void
test_long_lived(void)
{
	struct graph_token	tok;
	struct graph_error	err;

	CHECK_INT(parse_token(200, long_postman, &tok, &err), 0);
	CHECK_STR(tok.access_token, "string");
	CHECK_INT(tok.expires_in, 5184000);
	CHECK_STR(tok.user_id, "");
	graph_token_clear(&tok);

	CHECK_INT(parse_token(200, long_doc_nocomment, &tok, &err), 0);
	CHECK_STR(tok.access_token, "<LONG_LIVED_USER_ACCESS_TOKEN>");
	CHECK_INT(tok.expires_in, 5183944);
	graph_token_clear(&tok);

	/* The docs' own sample is not JSON: strict parsing says so. */
	CHECK(parse_token(200, long_doc, &tok, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK_STR(err.message, "malformed response");

	/* Without token_type (older answers), and with unknown fields. */
	CHECK_INT(parse_token(200, "{\"access_token\":\"abc\","
	    "\"expires_in\":60,\"whatever\":[1,{\"x\":null}]}", &tok, &err),
	    0);
	CHECK_STR(tok.access_token, "abc");
	CHECK_INT(tok.expires_in, 60);
	graph_token_clear(&tok);

	CHECK(parse_token(200, "{\"token_type\":\"bearer\","
	    "\"expires_in\":5183944}", &tok, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK_INT(err.http_status, 200);
	CHECK_STR(err.message, "malformed response: missing access_token");
	CHECK(parse_token(200, "{\"access_token\":\"\"}", &tok, &err) < 0);
	CHECK(parse_token(200, "{\"access_token\":17}", &tok, &err) < 0);
	CHECK(parse_token(200, "{\"access_token\":\"a\",\"expires_in\":"
	    "\"60\"}", &tok, &err) < 0);
	CHECK_STR(err.message, "malformed response: bad expires_in");
	CHECK(parse_token(200, "{\"access_token\":\"a\",\"expires_in\":-1}",
	    &tok, &err) < 0);
}

static void
check_error(long status, const char *body, enum graph_class class, int code,
    int subcode)
{
	struct graph_error	err;

	graph_parse_error(status, body, strlen(body), &err);
	CHECK_INT(err.class, class);
	CHECK_INT(err.code, code);
	CHECK_INT(err.subcode, subcode);
	CHECK_INT(err.http_status, status);
	if (err.class != class)
		fprintf(stderr, "  for body %s\n", body);
}

static void
test_errors(void)
{
	struct graph_error	err;

	check_error(400, err_expired, GRAPH_AUTH, 190, 463);
	graph_parse_error(400, err_expired, strlen(err_expired), &err);
	CHECK(!graph_error_is_revoked(&err));
	/* The owner removed the app: still auth, but revoked (Meta 458). */
	{
		static const char removed[] = "{\"error\":{\"message\":"
		    "\"Error validating access token: The user has not "
		    "authorized application 1000000000000001.\",\"type\":"
		    "\"OAuthException\",\"code\":190,\"error_subcode\":458,"
		    "\"fbtrace_id\":\"x\"}}";
		struct graph_error rv;

		check_error(400, removed, GRAPH_AUTH, 190, 458);
		graph_parse_error(400, removed, strlen(removed), &rv);
		CHECK(graph_error_is_revoked(&rv));
		graph_parse_error(400, "{\"error\":{\"code\":102,"
		    "\"error_subcode\":458}}", 42, &rv);
		CHECK_INT(rv.class, GRAPH_AUTH);
		CHECK(!graph_error_is_revoked(&rv));
	}
	CHECK_STR(err.type, "OAuthException");
	CHECK_STR(err.fbtrace_id, "AXS25JPViBb5AY5tP5EzTnD");
	CHECK(strncmp(err.message, "Error validating access token", 29) == 0);

	check_error(400, err_not_ready, GRAPH_NOT_READY, 24, 4279009);
	graph_parse_error(400, err_not_ready, strlen(err_not_ready), &err);
	/* Meta's English message, not the localised error_user_msg. */
	CHECK_STR(err.message, "The requested resource does not exist");
	CHECK_STR(err.fbtrace_id, "AOxKXdpgjW6_ToP1OrPobtf");

	check_error(400, err_unknown_object, GRAPH_PERMANENT, 100, 33);
	graph_parse_error(400, err_unknown_object, strlen(err_unknown_object),
	    &err);
	CHECK_STR(err.type, "THApiException");
	CHECK_STR(err.fbtrace_id, "abcdefg");

	check_error(400, "{\"error\":{\"message\":\"Application request limit "
	    "reached\",\"type\":\"OAuthException\",\"is_transient\":true,"
	    "\"code\":4,\"fbtrace_id\":\"x\"}}", GRAPH_THROTTLED, 4, 0);
	check_error(400, "{\"error\":{\"message\":\"User request limit "
	    "reached\",\"code\":17}}", GRAPH_THROTTLED, 17, 0);
	check_error(400, "{\"error\":{\"code\":32}}", GRAPH_THROTTLED, 32, 0);
	check_error(400, "{\"error\":{\"code\":613}}", GRAPH_THROTTLED, 613, 0);
	check_error(400, "{\"error\":{\"code\":341}}", GRAPH_THROTTLED, 341, 0);
	check_error(500, "{\"error\":{\"message\":\"An unknown error has "
	    "occurred.\",\"type\":\"OAuthException\",\"code\":1,"
	    "\"is_transient\":true}}", GRAPH_TRANSIENT, 1, 0);
	check_error(500, "{\"error\":{\"message\":\"Service temporarily "
	    "unavailable\",\"code\":2}}", GRAPH_TRANSIENT, 2, 0);
	check_error(400, "{\"error\":{\"message\":\"x\",\"code\":1,"
	    "\"error_subcode\":2207052,\"is_transient\":true}}",
	    GRAPH_PERMANENT, 1, 2207052);
	check_error(400, "{\"error\":{\"code\":102}}", GRAPH_AUTH, 102, 0);
	check_error(500, "{\"error\":{\"code\":10}}", GRAPH_PERMANENT, 10, 0);
	check_error(400, "{\"error\":{\"code\":368}}", GRAPH_PERMANENT, 368, 0);
	check_error(400, "{\"error\":{\"code\":100,\"is_transient\":true}}",
	    GRAPH_TRANSIENT, 100, 0);
	check_error(400, "{\"error\":{\"code\":9,\"error_subcode\":4279009}}",
	    GRAPH_NOT_READY, 9, 4279009);
	/* Classified by code, whatever the status; 200 included. */
	check_error(200, err_expired, GRAPH_AUTH, 190, 463);
	check_error(500, err_expired, GRAPH_AUTH, 190, 463);
	/* An error object without a code: the status decides. */
	check_error(503, "{\"error\":{\"message\":\"x\"}}", GRAPH_TRANSIENT,
	    0, 0);
	check_error(400, "{\"error\":{\"message\":\"x\"}}", GRAPH_PERMANENT,
	    0, 0);
	/* Plain OAuth 2 shape. */
	check_error(400, "{\"error\":\"invalid_request\","
	    "\"error_description\":\"bad\"}", GRAPH_PERMANENT, 0, 0);
	graph_parse_error(400, B("{\"error\":\"invalid_request\"}"), &err);
	CHECK_STR(err.type, "invalid_request");
	CHECK_STR(err.message, "invalid_request");

	/* No message: still something to log. */
	graph_parse_error(400, B("{\"error\":{\"code\":613}}"), &err);
	CHECK_STR(err.message, "Graph API error code 613");
}

static void
test_bad_bodies(void)
{
	struct graph_error	 err;
	struct graph_token	 tok;
	static const char	 html[] = "<!DOCTYPE html><html><body>"
	    "<h1>502 Bad Gateway</h1></body></html>";
	static const char	 trunc[] = "{\"access_token\": \"THQVJ...\", "
	    "\"user_id\": 1784140";

	check_error(500, "", GRAPH_TRANSIENT, 0, 0);
	graph_parse_error(500, B(""), &err);
	CHECK_STR(err.message, "HTTP status 500");
	graph_parse_error(500, NULL, 0, &err);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	check_error(502, html, GRAPH_TRANSIENT, 0, 0);
	check_error(404, html, GRAPH_PERMANENT, 0, 0);
	check_error(429, "", GRAPH_THROTTLED, 0, 0);
	check_error(408, "", GRAPH_TRANSIENT, 0, 0);
	check_error(301, "", GRAPH_PERMANENT, 0, 0);
	check_error(500, "{\"data\":[]}", GRAPH_TRANSIENT, 0, 0);

	/* 200 but not a JSON object: malformed, which is transient. */
	CHECK(parse_token(200, html, &tok, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK_STR(err.message, "malformed response");
	CHECK(parse_token(200, trunc, &tok, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK_STR(err.message, "malformed response");
	CHECK(parse_token(200, "", &tok, &err) < 0);
	CHECK_STR(err.message, "malformed response");
	CHECK(parse_token(200, "[{\"access_token\":\"a\"}]", &tok, &err) < 0);
	CHECK_STR(err.message, "malformed response");
	CHECK(parse_token(200, "\"access_token\"", &tok, &err) < 0);
	CHECK(parse_token(200, "{\"access_token\":\"a\"} trailing", &tok,
	    &err) < 0);
	CHECK(parse_token(200, "{'access_token':'a'}", &tok, &err) < 0);
	CHECK(parse_token(200, "null", &tok, &err) < 0);

	/* Trailing white space is fine; a NUL byte and text after it not. */
	CHECK_INT(parse_token(200, "{\"access_token\":\"a\"}\r\n \t", &tok,
	    &err), 0);
	graph_token_clear(&tok);
	CHECK(graph_parse_token(200, B("{\"access_token\":\"a\"}\0{}"), &tok,
	    &err) < 0);

	/* Only len bytes are read: no NUL needed, none past len looked at. */
	CHECK(graph_parse_token(200, code_ok, 20, &tok, &err) < 0);
	CHECK_STR(err.message, "malformed response");

	/* A 2xx without an error is no error. */
	graph_parse_error(200, me_ok, strlen(me_ok), &err);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_INT(err.http_status, 200);
	/* Not 2xx, JSON, no error object. */
	graph_parse_error(400, me_ok, strlen(me_ok), &err);
	CHECK_INT(err.class, GRAPH_PERMANENT);
}

static void
test_message_truncation(void)
{
	struct graph_error	 err;
	char			 body[2048], *p;
	size_t			 i, len;
	int			 k;

	/* 300 two-byte characters, one byte in: every cut is mid-sequence. */
	p = body + snprintf(body, sizeof(body),
	    "{\"error\":{\"code\":100,\"message\":\"x");
	for (k = 0; k < 300; k++) {
		*p++ = '\xc3';
		*p++ = '\xa9';
	}
	snprintf(p, sizeof(body) - (p - body), "\"}}");
	graph_parse_error(400, body, strlen(body), &err);
	len = strlen(err.message);
	CHECK(len < sizeof(err.message));
	CHECK(len >= sizeof(err.message) - 3);
	CHECK(((unsigned char)err.message[len - 1]) == 0xa9);
	CHECK_INT(len % 2, 1);

	/* Control characters do not reach a log line. */
	graph_parse_error(400, B("{\"error\":{\"code\":1,\"message\":"
	    "\"a\\nb\\r\\u0000c\\td\"}}"), &err);
	for (i = 0; err.message[i] != '\0'; i++)
		CHECK((unsigned char)err.message[i] >= 0x20);
	CHECK(strncmp(err.message, "a b ", 4) == 0);
}

static void
test_profile(void)
{
	struct graph_profile	prof;
	struct graph_error	err;

	memset(&prof, 0, sizeof(prof));
	CHECK_INT(graph_parse_profile(200, me_ok, strlen(me_ok), &prof, &err),
	    0);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_STR(prof.id, "1234567");
	CHECK_STR(prof.username, "threadsapitestuser");
	CHECK_STR(prof.name, "Threads API Test User");
	CHECK_STR(prof.picture_url, "https://scontent-sjc3-1.cdninstagram.com"
	    "/link/to/profile/picture/on/threads/");
	graph_profile_clear(&prof);
	CHECK(prof.username == NULL);

	/* Meta omits null fields. */
	CHECK_INT(graph_parse_profile(200,
	    B("{\"id\":\"42\",\"username\":\"u\"}"), &prof, &err), 0);
	CHECK_STR(prof.id, "42");
	CHECK_STR(prof.username, "u");
	CHECK(prof.name == NULL);
	CHECK(prof.picture_url == NULL);
	graph_profile_clear(&prof);
	CHECK_INT(graph_parse_profile(200, B("{\"id\":\"42\",\"name\":null}"),
	    &prof, &err), 0);
	CHECK(prof.username == NULL);
	CHECK(prof.name == NULL);
	graph_profile_clear(&prof);

	CHECK(graph_parse_profile(200, B("{\"username\":\"u\"}"), &prof,
	    &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK_STR(err.message, "malformed response: missing id");
	/* An id goes into URLs: digits only. */
	CHECK(graph_parse_profile(200, B("{\"id\":\"../x\"}"), &prof,
	    &err) < 0);
	CHECK_STR(err.message, "malformed response: bad id");

	CHECK(graph_parse_profile(400, err_expired, strlen(err_expired), &prof,
	    &err) < 0);
	CHECK_INT(err.class, GRAPH_AUTH);
}

static void
test_token_info(void)
{
	struct graph_token_info	info;
	struct graph_error	err;

	memset(&info, 0, sizeof(info));
	CHECK_INT(graph_parse_token_info(200, debug_ok, strlen(debug_ok),
	    &info, &err), 0);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_INT(info.is_valid, 1);
	CHECK_INT(info.issued_at, 1747070132);
	CHECK_INT(info.expires_at, 1752254132);
	CHECK_STR(info.user_id, "1234567890123456");

	/* An invalid token is an answer, not an error. */
	CHECK_INT(graph_parse_token_info(200, B("{\"data\":{\"error\":"
	    "{\"code\":190,\"message\":\"expired\"},\"is_valid\":false}}"),
	    &info, &err), 0);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_INT(info.is_valid, 0);
	CHECK_INT(info.issued_at, 0);
	CHECK_INT(info.expires_at, 0);
	CHECK_STR(info.user_id, "");

	CHECK(graph_parse_token_info(200, B("{\"is_valid\":true}"), &info,
	    &err) < 0);
	CHECK_STR(err.message, "malformed response: missing data");
	CHECK(graph_parse_token_info(200, B("{\"data\":[]}"), &info,
	    &err) < 0);
	/* §2.6: code 190 comes back as HTTP 500 here. */
	CHECK(graph_parse_token_info(500, err_expired, strlen(err_expired),
	    &info, &err) < 0);
	CHECK_INT(err.class, GRAPH_AUTH);
}

static void
test_class_names(void)
{
	CHECK_STR(graph_class_name(GRAPH_OK), "ok");
	CHECK_STR(graph_class_name(GRAPH_TRANSIENT), "transient");
	CHECK_STR(graph_class_name(GRAPH_THROTTLED), "throttled");
	CHECK_STR(graph_class_name(GRAPH_AUTH), "auth");
	CHECK_STR(graph_class_name(GRAPH_NOT_READY), "not_ready");
	CHECK_STR(graph_class_name(GRAPH_PERMANENT), "permanent");
}

/* §9.5, verbatim (views, likes, followers_count; then clicks) */
static const char insights_doc[] =
    "{\n"
    "    \"data\": [\n"
    "        {\n"
    "            \"name\": \"views\",\n"
    "            \"period\": \"day\",\n"
    "            \"values\": [\n"
    "                { \"value\": 0, \"end_time\": "
    "\"2024-09-16T07:00:00+0000\" },\n"
    "                { \"value\": 0, \"end_time\": "
    "\"2024-09-17T07:00:00+0000\" }\n"
    "            ],\n"
    "            \"title\": \"views\",\n"
    "            \"description\": \"The number of times your profile "
    "was viewed.\",\n"
    "            \"id\": \"{user_id}/insights/views/day\"\n"
    "        },\n"
    "        {\n"
    "            \"name\": \"likes\",\n"
    "            \"period\": \"day\",\n"
    "            \"title\": \"likes\",\n"
    "            \"description\": \"The number of likes on your posts.\",\n"
    "            \"total_value\": { \"value\": 0 },\n"
    "            \"id\": \"{user_id}/insights/likes/day\"\n"
    "        },\n"
    "        {\n"
    "            \"name\": \"followers_count\",\n"
    "            \"period\": \"day\",\n"
    "            \"title\": \"followers_count\",\n"
    "            \"description\": \"This is your total number of "
    "followers on Threads.\",\n"
    "            \"total_value\": { \"value\": 0 },\n"
    "            \"id\": \"{user_id}/insights/followers_count/day\"\n"
    "        }\n"
    "    ],\n"
    "    \"paging\": { \"previous\": \"string\", \"next\": \"string\" }\n"
    "}\n";
static const char clicks_doc[] =
    "{\n"
    "  \"data\": [\n"
    "    {\n"
    "      \"name\": \"clicks\",\n"
    "      \"period\": \"day\",\n"
    "      \"link_total_values\": [\n"
    "        { \"value\": 11, \"link_url\": \"https://ai.meta.com/blog/\" }\n"
    "      ],\n"
    "      \"title\": \"clicks\",\n"
    "      \"description\": \"The number of times users clicked on a link.\",\n"
    "      \"id\": \"37602215421583/insights/clicks/day\"\n"
    "    }\n"
    "  ]\n"
    "}\n";
/* Every metric, as the fake sends them: the latest day is not last. */
static const char insights_all[] =
    "{\"data\":["
    "{\"name\":\"views\",\"period\":\"day\",\"values\":["
    "{\"value\":87,\"end_time\":\"2026-11-23T07:00:00+0000\"},"
    "{\"value\":91,\"end_time\":\"2026-11-24T07:00:00+0000\"},"
    "{\"value\":5,\"end_time\":\"2026-11-22T07:00:00+0000\"}]},"
    "{\"name\":\"likes\",\"total_value\":{\"value\":42}},"
    "{\"name\":\"replies\",\"total_value\":{\"value\":7}},"
    "{\"name\":\"reposts\",\"total_value\":{\"value\":3}},"
    "{\"name\":\"quotes\",\"total_value\":{\"value\":1}},"
    "{\"name\":\"clicks\",\"link_total_values\":["
    "{\"value\":8,\"link_url\":\"https://example.com/\"},"
    "{\"value\":4,\"link_url\":\"https://example.org/news\"}]},"
    "{\"name\":\"followers_count\",\"total_value\":"
    "{\"value\":17841400000000001}}]}";
/* The fake's "no insights" refusal (fakegraph README, choice 12). */
static const char insights_refused[] =
    "{\"error\":{\"message\":\"(#10) THREADS_API__FEATURE_NOT_AVAILABLE: "
    "this metric is not available for this profile\",\"type\":"
    "\"THApiException\",\"code\":10,\"is_transient\":false,"
    "\"error_user_title\":\"THREADS_API__FEATURE_NOT_AVAILABLE\","
    "\"error_user_msg\":\"Insights are not available for this profile.\","
    "\"fbtrace_id\":\"AbCdEf\"}}";

static void
test_insights(void)
{
	struct graph_insights	ins;
	struct graph_error	err;

	CHECK_INT(graph_parse_insights(200, insights_doc,
	    strlen(insights_doc), &ins, &err), 0);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_INT(ins.views, 0);
	CHECK_INT(ins.likes, 0);
	CHECK_INT(ins.followers, 0);
	/* Not asked for, not sent: unknown, not 0. */
	CHECK_INT(ins.replies, GRAPH_UNKNOWN);
	CHECK_INT(ins.clicks, GRAPH_UNKNOWN);
	CHECK_INT(graph_parse_insights(200, clicks_doc, strlen(clicks_doc),
	    &ins, &err), 0);
	CHECK_INT(ins.clicks, 11);
	CHECK_INT(ins.views, GRAPH_UNKNOWN);

	CHECK_INT(graph_parse_insights(200, insights_all,
	    strlen(insights_all), &ins, &err), 0);
	CHECK_INT(ins.views, 91);		/* the latest end_time */
	CHECK_INT(ins.likes, 42);
	CHECK_INT(ins.replies, 7);
	CHECK_INT(ins.reposts, 3);
	CHECK_INT(ins.quotes, 1);
	CHECK_INT(ins.clicks, 12);		/* 8 + 4 */
	CHECK(ins.followers == 17841400000000001LL);

	/* Without end_time the last value of the series counts. */
	CHECK_INT(graph_parse_insights(200, B("{\"data\":[{\"name\":\"views\","
	    "\"values\":[{\"value\":1},{\"value\":2}]}]}"), &ins, &err), 0);
	CHECK_INT(ins.views, 2);
	/* Shapes swapped or broken: what can be read is, the rest unknown. */
	CHECK_INT(graph_parse_insights(200, B("{\"data\":["
	    "{\"name\":\"views\",\"total_value\":{\"value\":9}},"
	    "{\"name\":\"likes\",\"total_value\":{\"value\":-3}},"
	    "{\"name\":\"replies\",\"total_value\":{\"value\":1.5}},"
	    "{\"name\":\"clicks\",\"link_total_values\":[]},"
	    "{\"name\":\"quotes\"},{\"value\":3},7,"
	    "{\"name\":\"reposts\",\"link_total_values\":["
	    "{\"value\":9223372036854775807},{\"value\":5}]}]}"),
	    &ins, &err), 0);
	CHECK_INT(ins.views, 9);
	CHECK_INT(ins.likes, GRAPH_UNKNOWN);
	CHECK_INT(ins.replies, GRAPH_UNKNOWN);
	CHECK_INT(ins.clicks, 0);		/* no link clicked */
	CHECK_INT(ins.quotes, GRAPH_UNKNOWN);
	CHECK(ins.reposts == INT64_MAX);	/* the sum saturates */

	CHECK(graph_parse_insights(200, B("{\"data\":{}}"), &ins, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK_STR(err.message, "malformed response: missing data");
	/* A refusal is permanent: the poller falls back on it. */
	CHECK(graph_parse_insights(400, insights_refused,
	    strlen(insights_refused), &ins, &err) < 0);
	CHECK_INT(err.class, GRAPH_PERMANENT);
	CHECK_INT(err.code, 10);
	CHECK(strstr(err.message, "THREADS_API__FEATURE_NOT_AVAILABLE") !=
	    NULL);
	CHECK(graph_parse_insights(400, B("{\"error\":{\"message\":\"(#4) "
	    "Application request limit reached\",\"type\":\"OAuthException\","
	    "\"code\":4,\"is_transient\":true}}"), &ins, &err) < 0);
	CHECK_INT(err.class, GRAPH_THROTTLED);
}

/* §9.7, verbatim */
static const char lookup_doc[] =
    "{\n"
    "  \"username\": \"meta\",\n"
    "  \"name\": \"Meta\",\n"
    "  \"profile_picture_url\": \"https://scontent-sjc3-1.cdninstagram"
    ".com/link/to/profile/picture/on/threads/\",\n"
    "  \"biography\": \"Connect with what you love to make things "
    "happen. It\xe2\x80\x99s Your World.\",\n"
    "  \"is_verified\": true,\n"
    "  \"follower_count\": 1234567,\n"
    "  \"likes_count\": 1234567,\n"
    "  \"quotes_count\": 1234567,\n"
    "  \"replies_count\": 1234567,\n"
    "  \"reposts_count\": 1234567,\n"
    "  \"views_count\": 1234567\n"
    "}\n";

static void
test_lookup(void)
{
	struct graph_lookup	lk;
	struct graph_error	err;

	CHECK_INT(graph_parse_lookup(200, lookup_doc, strlen(lookup_doc), &lk,
	    &err), 0);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_INT(lk.followers, 1234567);
	CHECK_INT(graph_parse_lookup(200, B("{\"username\":\"x\"}"), &lk,
	    &err), 0);
	CHECK_INT(lk.followers, GRAPH_UNKNOWN);
	CHECK_INT(graph_parse_lookup(200, B("{\"follower_count\":\"12\"}"),
	    &lk, &err), 0);
	CHECK_INT(lk.followers, GRAPH_UNKNOWN);
	/* Under 100 followers or not public: Meta's 100/33. */
	CHECK(graph_parse_lookup(400, B("{\"error\":{\"message\":\"Unsupported "
	    "get request.\",\"type\":\"THApiException\",\"code\":100,"
	    "\"error_subcode\":33}}"), &lk, &err) < 0);
	CHECK_INT(err.class, GRAPH_PERMANENT);
	CHECK(graph_parse_lookup(200, B("[]"), &lk, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
}

/* §9.10, verbatim but for the docs' trailing commas and escapes */
static const char threads_doc[] =
    "{\n"
    "  \"data\": [\n"
    "    {\n"
    "      \"id\": \"1234567\",\n"
    "      \"media_product_type\": \"THREADS\",\n"
    "      \"media_type\": \"TEXT_POST\",\n"
    "      \"permalink\": \"https://www.threads.net/@threadsapitestuser"
    "/post/abcdefg\",\n"
    "      \"owner\": { \"id\": \"1234567\" },\n"
    "      \"username\": \"threadsapitestuser\",\n"
    "      \"text\": \"Today Is Monday\",\n"
    "      \"topic_tag\": \"Mondays\",\n"
    "      \"timestamp\": \"2023-10-17T05:42:03+0000\",\n"
    "      \"shortcode\": \"abcdefg\",\n"
    "      \"is_quote_post\": false\n"
    "    }\n"
    "  ],\n"
    "  \"paging\": { \"cursors\": { \"before\": \"BEFORE_CURSOR\", "
    "\"after\": \"AFTER_CURSOR\" } }\n"
    "}\n";

static void
test_page(void)
{
	struct graph_page	page;
	struct graph_error	err;
	char			*body, *p;
	size_t			 i;

	memset(&page, 0, sizeof(page));
	CHECK_INT(graph_parse_page(200, threads_doc, strlen(threads_doc),
	    &page, &err), 0);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_INT((long long)page.n, 1);
	CHECK_INT(page.at[0], 1697521323);
	/* A short page with no next URL is the last one. */
	CHECK(page.after == NULL);
	graph_page_clear(&page);
	CHECK(page.at == NULL);

	/* With a next URL (Meta), the cursor is followed. */
	CHECK_INT(graph_parse_page(200, B("{\"data\":[{\"id\":\"1\"}],"
	    "\"paging\":{\"cursors\":{\"after\":\"QVFH\"},\"next\":"
	    "\"https://graph.threads.net/...\"}}"), &page, &err), 0);
	CHECK_STR(page.after, "QVFH");
	CHECK_INT(page.at[0], 0);	/* no timestamp asked for */
	graph_page_clear(&page);

	/* A full page with cursors only (the fake) goes on too. */
	body = malloc(GRAPH_PAGE_LIMIT * 80 + 128);
	p = body + sprintf(body, "{\"data\":[");
	for (i = 0; i < GRAPH_PAGE_LIMIT; i++)
		p += sprintf(p, "%s{\"id\":\"%zu\",\"timestamp\":"
		    "\"2026-01-02T03:04:05+0000\"}", i ? "," : "", i + 1);
	sprintf(p, "],\"paging\":{\"cursors\":{\"after\":\"NEXT\"}}}");
	CHECK_INT(graph_parse_page(200, body, strlen(body), &page, &err), 0);
	CHECK_INT((long long)page.n, GRAPH_PAGE_LIMIT);
	CHECK_INT(page.at[99], 1767323045);
	CHECK_STR(page.after, "NEXT");
	graph_page_clear(&page);
	free(body);

	/* Past the end: no posts, no paging. */
	CHECK_INT(graph_parse_page(200, B("{\"data\":[]}"), &page, &err), 0);
	CHECK_INT((long long)page.n, 0);
	CHECK(page.after == NULL);
	graph_page_clear(&page);
	/* Entries that are not posts are not counted. */
	CHECK_INT(graph_parse_page(200, B("{\"data\":[1,{},{\"id\":\"2\","
	    "\"timestamp\":\"junk\"}]}"), &page, &err), 0);
	CHECK_INT((long long)page.n, 1);
	CHECK_INT(page.at[0], 0);
	graph_page_clear(&page);

	CHECK(graph_parse_page(200, B("{\"paging\":{}}"), &page, &err) < 0);
	CHECK_STR(err.message, "malformed response: missing data");
	CHECK(page.at == NULL && page.after == NULL);
	CHECK(graph_parse_page(500, B("{\"error\":{\"message\":\"An unknown "
	    "error has occurred.\",\"type\":\"OAuthException\",\"code\":1,"
	    "\"is_transient\":true}}"), &page, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
}

int
main(void)
{
	test_code_exchange();
	test_user_id_shapes();
	test_long_lived();
	test_errors();
	test_bad_bodies();
	test_message_truncation();
	test_profile();
	test_token_info();
	test_insights();
	test_lookup();
	test_page();
	test_class_names();
	return check_status();
}
