/*
 * libFuzzer target for the Graph API response parsers.  The first byte
 * picks the HTTP status; the rest is the body, handed over in a buffer of
 * exactly its size and without a NUL, so that reading past len shows.
 * Besides memory errors it checks what callers rely on: a known class,
 * a NUL-terminated message, results only on success, ids of digits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/graph/graph.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const long statuses[] = {
	200, 201, 204, 400, 401, 403, 404, 408, 429, 500, 502, 503, 0, 302,
	100, 999,
};

static void
check_err(const struct graph_error *err, long status)
{
	if (err->class < GRAPH_OK || err->class > GRAPH_PERMANENT)
		abort();
	if (err->http_status != status)
		abort();
	if (memchr(err->message, '\0', sizeof(err->message)) == NULL ||
	    memchr(err->type, '\0', sizeof(err->type)) == NULL ||
	    memchr(err->fbtrace_id, '\0', sizeof(err->fbtrace_id)) == NULL)
		abort();
	if (err->class != GRAPH_OK && err->message[0] == '\0')
		abort();
}

static void
check_id(const char *id, int may_be_empty)
{
	size_t	 len;

	if (memchr(id, '\0', GRAPH_ID_LEN) == NULL)
		abort();
	len = strlen(id);
	if ((len == 0 && !may_be_empty) || strspn(id, "0123456789") != len)
		abort();
}

/* The scheduler's reads: ids of digits, known states, bounded strings. */
static void
fuzz_publishing(long status, const char *body, size_t len)
{
	struct graph_error	 err;
	struct graph_container	 c;
	struct graph_quota	 q;
	struct graph_media	 m;
	struct graph_threads	 t;
	char			 id[GRAPH_ID_LEN];
	size_t			 i;

	if (graph_parse_id(status, body, len, id, &err) == 0) {
		if (err.class != GRAPH_OK)
			abort();
		check_id(id, 0);
	} else if (err.class == GRAPH_OK)
		abort();
	check_err(&err, status);

	if (graph_parse_container(status, body, len, &c, &err) == 0) {
		if (err.class != GRAPH_OK ||
		    c.state > GRAPH_CONTAINER_EXPIRED ||
		    memchr(c.error_message, '\0',
		    sizeof(c.error_message)) == NULL)
			abort();
		check_id(c.id, 0);
	} else if (err.class == GRAPH_OK)
		abort();
	check_err(&err, status);

	if (graph_parse_quota(status, body, len, &q, &err) == 0) {
		if (err.class != GRAPH_OK || q.posts_used < -1 ||
		    q.posts_total < -1 || q.replies_used < -1 ||
		    q.replies_total < -1 || q.duration < -1)
			abort();
	} else if (err.class == GRAPH_OK)
		abort();
	check_err(&err, status);

	if (graph_parse_media(status, body, len, &m, &err) == 0) {
		if (err.class != GRAPH_OK ||
		    memchr(m.permalink, '\0', sizeof(m.permalink)) == NULL)
			abort();
		check_id(m.id, 0);
	} else if (err.class == GRAPH_OK)
		abort();
	check_err(&err, status);

	memset(&t, 0, sizeof(t));
	if (graph_parse_threads(status, body, len, &t, &err) == 0) {
		if (err.class != GRAPH_OK || (t.n > 0 && t.items == NULL) ||
		    (t.after != NULL && t.after[0] == '\0'))
			abort();
		for (i = 0; i < t.n; i++) {
			check_id(t.items[i].id, 0);
			if (memchr(t.items[i].media_type, '\0',
			    sizeof(t.items[i].media_type)) == NULL)
				abort();
		}
		graph_threads_clear(&t);
	} else if (err.class == GRAPH_OK || t.items != NULL ||
	    t.after != NULL)
		abort();
	check_err(&err, status);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct graph_error	 err;
	struct graph_token	 tok;
	struct graph_profile	 prof;
	struct graph_token_info	 info;
	struct graph_insights	 ins;
	struct graph_lookup	 lookup;
	struct graph_page	 page;
	size_t			 i;
	char			*body;
	long			 status;
	size_t			 len;

	if (size < 1)
		return 0;
	status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
	len = size - 1;
	if ((body = malloc(len > 0 ? len : 1)) == NULL)
		return 0;
	memcpy(body, data + 1, len);

	graph_parse_error(status, body, len, &err);
	check_err(&err, status);

	memset(&tok, 0, sizeof(tok));
	if (graph_parse_token(status, body, len, &tok, &err) == 0) {
		if (err.class != GRAPH_OK || tok.access_token == NULL ||
		    tok.access_token[0] == '\0' || tok.expires_in < -1)
			abort();
		check_id(tok.user_id, 1);
		graph_token_clear(&tok);
		if (tok.access_token != NULL)
			abort();
	} else if (err.class == GRAPH_OK || tok.access_token != NULL)
		abort();
	check_err(&err, status);

	memset(&prof, 0, sizeof(prof));
	if (graph_parse_profile(status, body, len, &prof, &err) == 0) {
		if (err.class != GRAPH_OK)
			abort();
		check_id(prof.id, 0);
		graph_profile_clear(&prof);
	} else if (err.class == GRAPH_OK || prof.username != NULL ||
	    prof.name != NULL || prof.picture_url != NULL)
		abort();
	check_err(&err, status);

	memset(&info, 0, sizeof(info));
	if (graph_parse_token_info(status, body, len, &info, &err) == 0) {
		if (err.class != GRAPH_OK)
			abort();
		check_id(info.user_id, 1);
	} else if (err.class == GRAPH_OK)
		abort();
	check_err(&err, status);

	/* The poller's reads: counts are unknown (-1) or not negative. */
	if (graph_parse_insights(status, body, len, &ins, &err) == 0) {
		if (err.class != GRAPH_OK || ins.views < -1 ||
		    ins.likes < -1 || ins.replies < -1 ||
		    ins.reposts < -1 || ins.quotes < -1 ||
		    ins.clicks < -1 || ins.followers < -1)
			abort();
	} else if (err.class == GRAPH_OK)
		abort();
	check_err(&err, status);

	if (graph_parse_lookup(status, body, len, &lookup, &err) == 0) {
		if (err.class != GRAPH_OK || lookup.followers < -1)
			abort();
	} else if (err.class == GRAPH_OK)
		abort();
	check_err(&err, status);

	memset(&page, 0, sizeof(page));
	if (graph_parse_page(status, body, len, &page, &err) == 0) {
		if (err.class != GRAPH_OK || page.at == NULL ||
		    (page.after != NULL && (page.n == 0 ||
		    page.after[0] == '\0')))
			abort();
		for (i = 0; i < page.n; i++)
			if (page.at[i] < 0)
				abort();
		graph_page_clear(&page);
	} else if (err.class == GRAPH_OK || page.at != NULL ||
	    page.after != NULL)
		abort();
	check_err(&err, status);

	fuzz_publishing(status, body, len);
	free(body);
	return 0;
}
