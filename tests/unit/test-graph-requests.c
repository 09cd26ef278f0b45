/*
 * The exact request of every Graph call, against Meta's documented
 * examples (threads-api.md §2-§6 and the pages they cite): method, path,
 * the parameter names and values, and where the token goes.  A small
 * evhttp server on 127.0.0.1 records what arrives; parameters are
 * compared as sets (Meta does not care about their order), the rest
 * exactly.  The answers do not matter here: test-graph*.c parse them.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/graph/graph.h"
#include "daemon/graph/http.h"
#include "tests/unit/check.h"

static struct event_base	*base;

/* What arrived last. */
static struct {
	char	 method[8];
	char	*path;
	char	*query;		/* raw, "" when none */
	char	*body;
	char	*auth;		/* Authorization, NULL when none */
	char	*ctype;
	int	 n;
} seen;

static int	 done;

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
seen_clear(void)
{
	free(seen.path);
	free(seen.query);
	free(seen.body);
	free(seen.auth);
	free(seen.ctype);
	memset(&seen, 0, sizeof(seen));
}

static void
server_cb(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evbuffer		*b = evhttp_request_get_input_buffer(req);
	struct evbuffer		*out;
	size_t			 len = evbuffer_get_length(b);
	const char		*q;

	(void)arg;
	seen_clear();
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
		strcpy(seen.method, "GET");
		break;
	case EVHTTP_REQ_POST:
		strcpy(seen.method, "POST");
		break;
	case EVHTTP_REQ_DELETE:
		strcpy(seen.method, "DELETE");
		break;
	default:
		strcpy(seen.method, "OTHER");
		break;
	}
	seen.path = strdup(evhttp_uri_get_path(uri));
	q = evhttp_uri_get_query(uri);
	seen.query = strdup(q != NULL ? q : "");
	seen.body = calloc(1, len + 1);
	evbuffer_copyout(b, seen.body, len);
	seen.auth = dup_or_null(evhttp_find_header(in, "Authorization"));
	seen.ctype = dup_or_null(evhttp_find_header(in, "Content-Type"));
	seen.n++;
	out = evbuffer_new();
	evbuffer_add(out, "{}", 2);
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

static void
token_cb(const struct graph_error *e, struct graph_token *t, void *arg)
{
	(void)e;
	(void)t;
	(void)arg;
	done++;
}

static void
profile_cb(const struct graph_error *e, const struct graph_profile *p,
    void *arg)
{
	(void)e;
	(void)p;
	(void)arg;
	done++;
}

static void
info_cb(const struct graph_error *e, const struct graph_token_info *i,
    void *arg)
{
	(void)e;
	(void)i;
	(void)arg;
	done++;
}

static void
insights_cb(const struct graph_error *e, const struct graph_insights *i,
    void *arg)
{
	(void)e;
	(void)i;
	(void)arg;
	done++;
}

static void
lookup_cb(const struct graph_error *e, const struct graph_lookup *l,
    void *arg)
{
	(void)e;
	(void)l;
	(void)arg;
	done++;
}

static void
page_cb(const struct graph_error *e, const struct graph_page *p, void *arg)
{
	(void)e;
	(void)p;
	(void)arg;
	done++;
}

static void
id_cb(const struct graph_error *e, const char *id, void *arg)
{
	(void)e;
	(void)id;
	(void)arg;
	done++;
}

static void
container_cb(const struct graph_error *e, const struct graph_container *c,
    void *arg)
{
	(void)e;
	(void)c;
	(void)arg;
	done++;
}

static void
quota_cb(const struct graph_error *e, const struct graph_quota *q, void *arg)
{
	(void)e;
	(void)q;
	(void)arg;
	done++;
}

static void
media_cb(const struct graph_error *e, const struct graph_media *m, void *arg)
{
	(void)e;
	(void)m;
	(void)arg;
	done++;
}

static void
threads_cb(const struct graph_error *e, const struct graph_threads *t,
    void *arg)
{
	(void)e;
	(void)t;
	(void)arg;
	done++;
}

static int	timed_out;

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	timed_out = 1;
}

/* Runs the loop until the call's callback ran; 1 when it did. */
static int
finish(struct graph_call *c)
{
	struct event	*dl;
	struct timeval	 tv = { 5, 0 };

	CHECK(c != NULL);
	if (c == NULL)
		return 0;
	dl = evtimer_new(base, deadline_cb, NULL);
	timed_out = 0;
	evtimer_add(dl, &tv);
	while (done == 0 && !timed_out)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(dl);
	CHECK_INT(done, 1);
	CHECK_INT(seen.n, 1);
	done = 0;
	return seen.n == 1;
}

/*
 * Whether a urlencoded string holds exactly the pairs of want
 * ("k=v" each, decoded, NULL-terminated), in any order.
 */
static int
same_params(const char *raw, const char *const *want)
{
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	size_t			 n = 0, i, klen;
	int			 ok = 1;

	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(raw, &q) < 0)
		return 0;
	TAILQ_FOREACH(kv, &q, next) {
		n++;
		for (i = 0; want[i] != NULL; i++) {
			klen = strcspn(want[i], "=");
			if (strlen(kv->key) == klen &&
			    strncmp(kv->key, want[i], klen) == 0 &&
			    strcmp(kv->value, want[i] + klen + 1) == 0)
				break;
		}
		if (want[i] == NULL) {
			fprintf(stderr, "  unexpected parameter %s=%s\n",
			    kv->key, kv->value);
			ok = 0;
		}
	}
	for (i = 0; want[i] != NULL; i++)
		;
	if (n != i) {
		fprintf(stderr, "  %zu parameters, expected %zu\n", n, i);
		ok = 0;
	}
	evhttp_clear_headers(&q);
	return ok;
}

/* What one call must look like on the wire. */
struct expect {
	const char	*method;
	const char	*path;
	const char	*const *query;	/* decoded pairs */
	const char	*const *body;	/* form pairs; NULL: no body */
	const char	*bearer;	/* NULL: no Authorization header */
};

static void
check_request(const char *what, const struct expect *x)
{
	static const char *const none[] = { NULL };
	int	 bad = check_failures;

	CHECK_STR(seen.method, x->method);
	CHECK_STR(seen.path, x->path);
	CHECK(same_params(seen.query, x->query != NULL ? x->query : none));
	if (x->body != NULL) {
		CHECK(same_params(seen.body, x->body));
		CHECK(seen.ctype != NULL && strcmp(seen.ctype,
		    "application/x-www-form-urlencoded") == 0);
	} else
		CHECK_STR(seen.body, "");
	if (x->bearer != NULL) {
		char	want[256];

		snprintf(want, sizeof(want), "Bearer %s", x->bearer);
		CHECK_STR(seen.auth, want);
	} else
		CHECK(seen.auth == NULL);
	if (check_failures != bad)
		fprintf(stderr, "  in %s: %s %s?%s body '%s'\n", what,
		    seen.method, seen.path, seen.query, seen.body);
}

/*
 * D-tok: "curl -X POST https://graph.threads.net/oauth/access_token
 * -F client_id=... -F client_secret=... -F grant_type=authorization_code
 * -F redirect_uri=... -F code=...": a form body, no token, no query.
 */
static void
test_code_exchange(struct graph *g)
{
	static const char *const body[] = { "client_id=990602627938098",
	    "client_secret=a1b2C3D4", "code=AQBx-hBsH3",
	    "grant_type=authorization_code",
	    "redirect_uri=https://socialsizzle.herokuapp.com/auth/", NULL };
	const struct expect x = { "POST", "/oauth/access_token", NULL, body,
	    NULL };

	if (finish(graph_exchange_code(g, "AQBx-hBsH3", token_cb, NULL)))
		check_request("code exchange", &x);
}

/*
 * D-ll: "GET https://graph.threads.net/access_token
 * ?grant_type=th_exchange_token&client_secret=<THREADS_APP_SECRET>
 * &access_token=<SHORT_LIVED_ACCESS_TOKEN>", and the refresh, with no
 * secret.  No Bearer header: the token is the access_token parameter.
 */
static void
test_exchange_and_refresh(struct graph *g)
{
	static const char *const xq[] = { "grant_type=th_exchange_token",
	    "client_secret=a1b2C3D4", "access_token=THSHORT", NULL };
	static const char *const rq[] = { "grant_type=th_refresh_token",
	    "access_token=THLONG", NULL };
	const struct expect x = { "GET", "/access_token", xq, NULL, NULL };
	const struct expect r = { "GET", "/refresh_access_token", rq, NULL,
	    NULL };

	if (finish(graph_exchange_long(g, "THSHORT", token_cb, NULL)))
		check_request("th_exchange_token", &x);
	if (finish(graph_refresh(g, "THLONG", token_cb, NULL)))
		check_request("th_refresh_token", &r);
}

/*
 * D-dbg: "GET https://graph.threads.com/v1.0/debug_token
 * ?access_token=<THREADS_TESTER_ACCESS_TOKEN>&input_token=<...>"; the
 * daemon's token inspects itself, as Meta's sample app does.
 */
static void
test_debug_token(struct graph *g)
{
	static const char *const q[] = { "access_token=THLONG",
	    "input_token=THLONG", NULL };
	const struct expect x = { "GET", "/v1.0/debug_token", q, NULL, NULL };

	if (finish(graph_debug_token(g, "THLONG", info_cb, NULL)))
		check_request("debug_token", &x);
}

/*
 * The reads (D-prof, D-ins, D-rp): GETs with the documented parameters;
 * the token as a Bearer header (threads-api.md §1: "Clients should send
 * the header").
 */
static void
test_reads(struct graph *g)
{
	static const char *const me[] = {
	    "fields=id,username,name,threads_profile_picture_url", NULL };
	static const char *const ins[] = { "metric=followers_count", NULL };
	static const char *const look[] = { "username=meta",
	    "fields=username,follower_count", NULL };
	static const char *const page1[] = { "fields=id,timestamp",
	    "limit=100", NULL };
	static const char *const page2[] = { "fields=id,timestamp",
	    "limit=100", "since=1712991600", "after=QVFIUmx1WTBpMGpJ", NULL };
	const struct expect xme = { "GET", "/v1.0/me", me, NULL, "THLONG" };
	const struct expect xins = { "GET",
	    "/v1.0/17841405793187218/threads_insights", ins, NULL, "THLONG" };
	const struct expect xlook = { "GET", "/v1.0/profile_lookup", look,
	    NULL, "THLONG" };
	const struct expect xp1 = { "GET", "/v1.0/me/threads", page1, NULL,
	    "THLONG" };
	const struct expect xp2 = { "GET", "/v1.0/me/threads", page2, NULL,
	    "THLONG" };

	if (finish(graph_me(g, "THLONG", profile_cb, NULL)))
		check_request("/me", &xme);
	if (finish(graph_insights(g, "THLONG", "17841405793187218",
	    "followers_count", insights_cb, NULL)))
		check_request("threads_insights", &xins);
	if (finish(graph_profile_lookup(g, "THLONG", "meta", lookup_cb, NULL)))
		check_request("profile_lookup", &xlook);
	if (finish(graph_threads_page(g, "THLONG", 0, NULL, page_cb, NULL)))
		check_request("/me/threads", &xp1);
	if (finish(graph_threads_page(g, "THLONG", 1712991600,
	    "QVFIUmx1WTBpMGpJ", page_cb, NULL)))
		check_request("/me/threads after", &xp2);
}

/*
 * Publishing (D-posts, D-pub, D-ts): the container create and the
 * publish are POSTs with form bodies, the status, permalink and listing
 * GETs; all with the Bearer token.
 */
static void
test_publishing(struct graph *g)
{
	static const char *const text[] = { "media_type=TEXT",
	    "text=Hello \xc3\xa9 & 100%", "reply_to_id=18050000000000001",
	    "reply_control=accounts_you_follow", "topic_tag=Mondays",
	    "link_attachment=https://example.com/a?b=c", NULL };
	static const char *const item[] = { "media_type=VIDEO",
	    "video_url=https://example.com/v.mp4", "is_carousel_item=true",
	    "alt_text=A cat", NULL };
	static const char *const car[] = { "media_type=CAROUSEL",
	    "children=17890000000000001,17890000000000003",
	    "quote_post_id=18050000000000005", NULL };
	static const char *const pub[] = {
	    "creation_id=17890000000000001", NULL };
	static const char *const status[] = {
	    "fields=id,status,error_message", NULL };
	static const char *const perma[] = { "fields=id,permalink", NULL };
	static const char *const since[] = {
	    "fields=id,text,timestamp,media_type,reposted_post", "limit=100",
	    "since=1712991600", NULL };
	/* Create Posts: Ghost posts, Polls, Spoilers, Text Attachments, GIFs. */
	static const char *const newer[] = { "media_type=TEXT", "text=q",
	    "is_ghost_post=true",
	    "poll_attachment={\"option_a\":\"yes\",\"option_b\":\"no\"}",
	    "text_entities=[{\"entity_type\":\"SPOILER\",\"offset\":0,"
	    "\"length\":1}]",
	    "text_attachment={\"plaintext\":\"long\","
	    "\"link_attachment_url\":\"https://example.com/l\"}",
	    "gif_attachment={\"gif_id\":\"abc\",\"provider\":\"GIPHY\"}",
	    NULL };
	static const char *const spoiled[] = { "media_type=IMAGE",
	    "image_url=https://example.com/i.jpg", "is_spoiler_media=true",
	    NULL };
	const struct expect xnewer = { "POST", "/v1.0/me/threads", NULL,
	    newer, "THLONG" };
	const struct expect xspoiled = { "POST", "/v1.0/me/threads", NULL,
	    spoiled, "THLONG" };
	/* Reposts: a POST on the media, nothing in the body. */
	const struct expect xrepost = { "POST",
	    "/v1.0/18050000000000005/repost", NULL, NULL, "THLONG" };
	const struct expect xtext = { "POST", "/v1.0/me/threads", NULL, text,
	    "THLONG" };
	const struct expect xitem = { "POST", "/v1.0/me/threads", NULL, item,
	    "THLONG" };
	const struct expect xcar = { "POST", "/v1.0/me/threads", NULL, car,
	    "THLONG" };
	const struct expect xpub = { "POST", "/v1.0/me/threads_publish", NULL,
	    pub, "THLONG" };
	const struct expect xstatus = { "GET", "/v1.0/17890000000000001",
	    status, NULL, "THLONG" };
	const struct expect xperma = { "GET", "/v1.0/18050000000000001",
	    perma, NULL, "THLONG" };
	const struct expect xsince = { "GET", "/v1.0/me/threads", since, NULL,
	    "THLONG" };
	struct graph_container_spec	 s;

	memset(&s, 0, sizeof(s));
	s.type = GRAPH_MEDIA_TEXT;
	s.text = "Hello \xc3\xa9 & 100%";
	s.reply_to_id = "18050000000000001";
	s.reply_control = "accounts_you_follow";
	s.topic_tag = "Mondays";
	s.link_attachment = "https://example.com/a?b=c";
	if (finish(graph_create_container(g, "THLONG", &s, id_cb, NULL)))
		check_request("text container", &xtext);

	memset(&s, 0, sizeof(s));
	s.type = GRAPH_MEDIA_VIDEO;
	s.media_url = "https://example.com/v.mp4";
	s.is_carousel_item = 1;
	s.alt_text = "A cat";
	if (finish(graph_create_container(g, "THLONG", &s, id_cb, NULL)))
		check_request("carousel item", &xitem);

	memset(&s, 0, sizeof(s));
	s.type = GRAPH_MEDIA_CAROUSEL;
	s.children = "17890000000000001,17890000000000003";
	s.quote_post_id = "18050000000000005";
	if (finish(graph_create_container(g, "THLONG", &s, id_cb, NULL)))
		check_request("carousel", &xcar);

	/* Not a combination Meta takes: only the names and shapes here. */
	memset(&s, 0, sizeof(s));
	s.type = GRAPH_MEDIA_TEXT;
	s.text = "q";
	s.is_ghost_post = 1;
	s.poll_attachment = "{\"option_a\":\"yes\",\"option_b\":\"no\"}";
	s.text_entities = "[{\"entity_type\":\"SPOILER\",\"offset\":0,"
	    "\"length\":1}]";
	s.text_attachment = "{\"plaintext\":\"long\","
	    "\"link_attachment_url\":\"https://example.com/l\"}";
	s.gif_attachment = "{\"gif_id\":\"abc\",\"provider\":\"GIPHY\"}";
	if (finish(graph_create_container(g, "THLONG", &s, id_cb, NULL)))
		check_request("newer options", &xnewer);
	memset(&s, 0, sizeof(s));
	s.type = GRAPH_MEDIA_IMAGE;
	s.media_url = "https://example.com/i.jpg";
	s.is_spoiler_media = 1;
	if (finish(graph_create_container(g, "THLONG", &s, id_cb, NULL)))
		check_request("media spoiler", &xspoiled);
	if (finish(graph_repost(g, "THLONG", "18050000000000005", id_cb,
	    NULL)))
		check_request("repost", &xrepost);

	if (finish(graph_publish(g, "THLONG", "17890000000000001", id_cb,
	    NULL)))
		check_request("threads_publish", &xpub);
	if (finish(graph_container_status(g, "THLONG", "17890000000000001",
	    container_cb, NULL)))
		check_request("container status", &xstatus);
	if (finish(graph_media_permalink(g, "THLONG", "18050000000000001",
	    media_cb, NULL)))
		check_request("permalink", &xperma);
	if (finish(graph_threads_since(g, "THLONG", 1712991600, NULL,
	    threads_cb, NULL)))
		check_request("/me/threads since", &xsince);
}

/*
 * threads_publishing_limit (D-ts): a GET with the Bearer token and the
 * fields asked for: the post quota and its config, and not the reply
 * fields, which need threads_manage_replies (a scope threadsd does not
 * ask for; the scheduler counts its replies itself).
 */
static void
test_publishing_limit(struct graph *g)
{
	static const char *const documented[] = { "quota_usage", "config",
	    NULL };
	struct evkeyvalq	 q;
	const char		*fields, *p;
	size_t			 n, i;
	int			 usage = 0, config = 0;

	if (!finish(graph_publishing_limit(g, "THLONG", quota_cb, NULL)))
		return;
	CHECK_STR(seen.method, "GET");
	CHECK_STR(seen.path, "/v1.0/me/threads_publishing_limit");
	CHECK_STR(seen.body, "");
	CHECK_STR(seen.auth, "Bearer THLONG");
	TAILQ_INIT(&q);
	CHECK(evhttp_parse_query_str(seen.query, &q) == 0);
	fields = evhttp_find_header(&q, "fields");
	CHECK(fields != NULL);
	for (p = fields; p != NULL && *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		for (i = 0; documented[i] != NULL; i++)
			if (strlen(documented[i]) == n &&
			    strncmp(documented[i], p, n) == 0)
				break;
		CHECK(documented[i] != NULL);
		usage |= i == 0;
		config |= i == 1;
	}
	CHECK(usage && config);
	evhttp_clear_headers(&q);
}

int
main(void)
{
	struct evhttp_bound_socket	*bs;
	struct evhttp			*srv;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);
	struct http			*h;
	struct graph			*g;
	char				 url[64];

	base = event_base_new();
	srv = evhttp_new(base);
	evhttp_set_allowed_methods(srv, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_DELETE);
	evhttp_set_gencb(srv, server_cb, NULL);
	bs = evhttp_bind_socket_with_handle(srv, "127.0.0.1", 0);
	if (bs == NULL || getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &slen) == -1) {
		fprintf(stderr, "cannot start the test server\n");
		return 1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d",
	    ntohs(sin.sin_port));
	h = http_new(base, 4, 10);
	/* D-tok's example app id, redirect URI and secret. */
	g = graph_new(h, url, "990602627938098",
	    "https://socialsizzle.herokuapp.com/auth/", "a1b2C3D4");
	CHECK(h != NULL && g != NULL);
	if (g == NULL)
		return check_status();

	test_code_exchange(g);
	test_exchange_and_refresh(g);
	test_debug_token(g);
	test_reads(g);
	test_publishing(g);
	test_publishing_limit(g);

	graph_free(g);
	http_free(h);
	seen_clear();
	evhttp_free(srv);
	event_base_free(base);
	return check_status();
}
