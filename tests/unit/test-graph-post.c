/*
 * The publishing parsers of graph.c against threads-api.md §9.8-9.11:
 * container and media ids stay exact strings, a container in ERROR is a
 * status and not a failed call, the quota's two counts are read apart,
 * the /me/threads page gives what recovery matches on, and Meta's
 * refusals get the classes the scheduler relies on.  No network.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/graph/graph.h"
#include "tests/unit/check.h"

#define B(s)	(s), sizeof(s) - 1

/* §9.8, verbatim, and with real ids. */
static const char id_doc[] = "{ \"id\": \"<THREADS_MEDIA_CONTAINER_ID>\" }";
static const char id_str[] = "{\"id\":\"17890000000000001\"}";
static const char id_num[] = "{\"id\":17890000000000001}";
static const char finished[] =
    "{\n  \"status\": \"FINISHED\",\n  \"id\": \"17889615691921648\"\n}";
static const char errored[] =
    "{\n  \"status\": \"ERROR\",\n  \"id\": \"17889615691921648\",\n"
    "  \"error_message\": \"FAILED_DOWNLOADING_VIDEO\"\n}";

/* §9.9, verbatim */
static const char limit[] =
    "{\n  \"data\": [\n    {\n      \"quota_usage\": 4,\n"
    "      \"config\": { \"quota_total\": 250, \"quota_duration\": 86400 },\n"
    "      \"reply_quota_usage\": 1000,\n"
    "      \"reply_config\": { \"quota_total\": 1000, \"quota_duration\": "
    "86400 },\n"
    "      \"delete_quota_usage\": 0,\n"
    "      \"delete_config\": { \"quota_total\": 100, \"quota_duration\": "
    "86400 },\n"
    "      \"location_search_quota_usage\": 0,\n"
    "      \"location_search_config\": { \"quota_total\": 500, "
    "\"quota_duration\": 86400 }\n    }\n  ]\n}";

/* §9.10, verbatim (as the reference gives it) */
static const char threads[] =
    "{\n  \"data\": [\n    {\n      \"id\": \"1234567\",\n"
    "      \"media_product_type\": \"THREADS\",\n"
    "      \"media_type\": \"TEXT_POST\",\n"
    "      \"permalink\": \"https://www.threads.net/@threadsapitestuser/post/"
    "abcdefg\",\n"
    "      \"owner\": { \"id\": \"1234567\" },\n"
    "      \"username\": \"threadsapitestuser\",\n"
    "      \"text\": \"Today Is Monday\",\n"
    "      \"topic_tag\": \"Mondays\",\n"
    "      \"timestamp\": \"2023-10-17T05:42:03+0000\",\n"
    "      \"shortcode\": \"abcdefg\",\n"
    "      \"is_quote_post\": false\n    }\n  ],\n"
    "  \"paging\": { \"cursors\": { \"before\": \"BEFORE_CURSOR\", "
    "\"after\": \"AFTER_CURSOR\" } }\n}";

/* §9.11 and §6.3 */
static const char early[] =
    "{\"error\":{\"message\":\"The requested resource does not exist\","
    "\"type\":\"OAuthException\",\"code\":24,\"error_subcode\":4279009,"
    "\"is_transient\":false,\"error_user_title\":\"Media Not Found\","
    "\"fbtrace_id\":\"AOxKXdpgjW6_ToP1OrPobtf\"}}";
static const char false_failure[] =
    "{\"error\":{\"message\":\"Application does not have permission for "
    "this action\",\"type\":\"OAuthException\",\"code\":10,"
    "\"fbtrace_id\":\"Ax\"}}";
static const char quota[] =
    "{\"error\":{\"message\":\"Reached publishing limit\",\"type\":"
    "\"OAuthException\",\"code\":9,\"error_subcode\":2207042,"
    "\"error_user_title\":\"Reached publishing limit\","
    "\"fbtrace_id\":\"Ay\"}}";
static const char throttled[] =
    "{\"error\":{\"message\":\"Calls to this api have exceeded the rate "
    "limit.\",\"type\":\"OAuthException\",\"code\":613,"
    "\"is_transient\":true,\"fbtrace_id\":\"Az\"}}";

static void
test_ids(void)
{
	struct graph_error err;
	char id[GRAPH_ID_LEN] = "";

	CHECK_INT(graph_parse_id(200, B(id_str), id, &err), 0);
	CHECK_STR(id, "17890000000000001");
	CHECK_INT(err.class, GRAPH_OK);
	strcpy(id, "");
	CHECK_INT(graph_parse_id(200, B(id_num), id, &err), 0);
	CHECK_STR(id, "17890000000000001");	/* above 2^53, exact */
	CHECK(graph_parse_id(200, B(id_doc), id, &err) < 0);
	/* Unclear, so not known to be published. */
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK(graph_parse_id(200, B("{}"), id, &err) < 0);
	CHECK(graph_parse_id(200, B("<html>"), id, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK(graph_parse_id(200, B("{\"id\":\"17890000000"), id, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
}

static void
test_containers(void)
{
	struct graph_container c;
	struct graph_error err;

	CHECK_INT(graph_parse_container(200, B(finished), &c, &err), 0);
	CHECK_INT(c.state, GRAPH_CONTAINER_FINISHED);
	CHECK_STR(c.id, "17889615691921648");
	CHECK_STR(c.error_message, "");
	/* ERROR comes with HTTP 200 and error_message: a status. */
	CHECK_INT(graph_parse_container(200, B(errored), &c, &err), 0);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK_INT(c.state, GRAPH_CONTAINER_ERROR);
	CHECK_STR(c.error_message, "FAILED_DOWNLOADING_VIDEO");
	CHECK_INT(graph_parse_container(200, B("{\"id\":\"1\",\"status\":"
	    "\"PUBLISHED\"}"), &c, &err), 0);
	CHECK_INT(c.state, GRAPH_CONTAINER_PUBLISHED);
	CHECK_INT(graph_parse_container(200, B("{\"id\":\"1\",\"status\":"
	    "\"EXPIRED\"}"), &c, &err), 0);
	CHECK_INT(c.state, GRAPH_CONTAINER_EXPIRED);
	CHECK_INT(graph_parse_container(200, B("{\"id\":\"1\",\"status\":"
	    "\"IN_PROGRESS\"}"), &c, &err), 0);
	CHECK_INT(c.state, GRAPH_CONTAINER_IN_PROGRESS);
	/* An unknown status is not guessed at. */
	CHECK(graph_parse_container(200, B("{\"id\":\"1\",\"status\":"
	    "\"SCHEDULED\"}"), &c, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	CHECK(graph_parse_container(200, B("{\"id\":\"1\"}"), &c, &err) < 0);
	/* The flat OAuth error shape is still an error. */
	CHECK(graph_parse_container(400, B("{\"error_type\":\"OAuthException\","
	    "\"code\":400,\"error_message\":\"no\"}"), &c, &err) < 0);
	CHECK_INT(err.class, GRAPH_PERMANENT);
}

static void
test_quota(void)
{
	struct graph_quota q;
	struct graph_error err;

	CHECK_INT(graph_parse_quota(200, B(limit), &q, &err), 0);
	CHECK_INT(q.posts_used, 4);
	CHECK_INT(q.posts_total, 250);
	CHECK_INT(q.replies_used, 1000);
	CHECK_INT(q.replies_total, 1000);
	CHECK_INT(q.duration, 86400);
	CHECK_INT(graph_parse_quota(200, B("{\"data\":[{\"quota_usage\":7}]}"),
	    &q, &err), 0);
	CHECK_INT(q.posts_used, 7);
	CHECK_INT(q.posts_total, -1);	/* unknown, never 0 */
	CHECK_INT(q.replies_used, -1);
	CHECK(graph_parse_quota(200, B("{\"data\":[]}"), &q, &err) < 0);
	CHECK(graph_parse_quota(200, B("{\"data\":{}}"), &q, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
}

static void
test_media_and_threads(void)
{
	struct graph_media m;
	struct graph_threads t;
	struct graph_error err;

	CHECK_INT(graph_parse_media(200, B("{\"id\":\"18050000000000001\","
	    "\"permalink\":\"https://www.threads.net/@a/post/x\"}"), &m,
	    &err), 0);
	CHECK_STR(m.id, "18050000000000001");
	CHECK_STR(m.permalink, "https://www.threads.net/@a/post/x");
	/* Withheld for flagged media: no permalink, not an error. */
	CHECK_INT(graph_parse_media(200, B("{\"id\":\"18050000000000001\"}"),
	    &m, &err), 0);
	CHECK_STR(m.permalink, "");

	CHECK_INT(graph_parse_threads(200, B(threads), &t, &err), 0);
	CHECK_INT(t.n, 1);
	if (t.n == 1) {
		CHECK_STR(t.items[0].id, "1234567");
		CHECK_STR(t.items[0].text, "Today Is Monday");
		CHECK_STR(t.items[0].media_type, "TEXT_POST");
		CHECK_INT(t.items[0].timestamp, 1697521323);
	}
	CHECK_STR(t.after, "AFTER_CURSOR");
	graph_threads_clear(&t);
	CHECK(t.items == NULL && t.after == NULL);
	/* The last page: no cursor; entries without an id are skipped. */
	CHECK_INT(graph_parse_threads(200, B("{\"data\":[{\"text\":\"x\"},"
	    "{\"id\":\"5\"},7]}"), &t, &err), 0);
	CHECK_INT(t.n, 1);
	CHECK(t.after == NULL);
	CHECK(t.n == 1 && t.items[0].text == NULL &&
	    t.items[0].timestamp == 0);
	graph_threads_clear(&t);
	CHECK_INT(graph_parse_threads(200, B("{\"data\":[]}"), &t, &err), 0);
	CHECK_INT(t.n, 0);
	graph_threads_clear(&t);
	CHECK(graph_parse_threads(200, B("{\"paging\":{}}"), &t, &err) < 0);
}

/* What the scheduler switches on after a publish. */
static void
test_refusals(void)
{
	struct graph_error err;
	char id[GRAPH_ID_LEN];

	CHECK(graph_parse_id(400, B(early), id, &err) < 0);
	CHECK_INT(err.class, GRAPH_NOT_READY);
	CHECK_INT(err.code, 24);
	CHECK_INT(err.subcode, 4279009);
	CHECK(!graph_error_is_quota(&err));
	/* A false failure is not transient, not OK: the caller must look. */
	CHECK(graph_parse_id(500, B(false_failure), id, &err) < 0);
	CHECK(err.class != GRAPH_OK && err.class != GRAPH_NOT_READY &&
	    err.class != GRAPH_THROTTLED && err.class != GRAPH_AUTH);
	CHECK_INT(err.http_status, 500);
	CHECK(graph_parse_id(400, B(quota), id, &err) < 0);
	CHECK(graph_error_is_quota(&err));
	CHECK(graph_parse_id(400, B(throttled), id, &err) < 0);
	CHECK_INT(err.class, GRAPH_THROTTLED);
	CHECK(!graph_error_is_quota(&err));
	CHECK(graph_parse_id(502, B("Bad gateway"), id, &err) < 0);
	CHECK_INT(err.class, GRAPH_TRANSIENT);
	graph_parse_error(200, B(finished), &err);
	CHECK_INT(err.class, GRAPH_OK);
	CHECK(!graph_error_is_quota(&err));
	CHECK_STR(graph_media_read_name(GRAPH_MEDIA_CAROUSEL),
	    "CAROUSEL_ALBUM");
	CHECK_STR(graph_media_read_name(GRAPH_MEDIA_TEXT), "TEXT_POST");
}

int
main(void)
{
	test_ids();
	test_containers();
	test_quota();
	test_media_and_threads();
	test_refusals();
	return check_status();
}
