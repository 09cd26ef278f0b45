/*
 * req: turn an evhttp request into a struct fgreq.
 *
 * It owns the parsing of method, path, parameters and where the token
 * came from (Authorization: Bearer, access_token in the query, or in the
 * body).  It does not look the token up: auth.c does that when a route
 * needs it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "fgreq.h"
#include "reply.h"

static int
req_method(struct fgreq *r)
{
	switch (evhttp_request_get_command(r->ev)) {
	case EVHTTP_REQ_GET:
		r->method_name = "GET";
		return M_GET;
	case EVHTTP_REQ_POST:
		r->method_name = "POST";
		return M_POST;
	case EVHTTP_REQ_DELETE:
		r->method_name = "DELETE";
		return M_DELETE;
	default:
		r->method_name = "OTHER";
		return M_OTHER;
	}
}

/* Decode the path, drop the /v1.0 prefix and split it into segments. */
static int
req_path(struct fgreq *r, const char *raw)
{
	char	*p, *s, *save = NULL;
	int	 rc;

	if ((rc = url_decode(raw, strlen(raw), 0, &p)) < 0)
		return rc;
	if (strncmp(p, "/v1.0", 5) == 0 && (p[5] == '/' || p[5] == '\0'))
		memmove(p, p + 5, strlen(p + 5) + 1);
	if (p[0] == '\0') {
		free(p);
		if ((p = strdup("/")) == NULL)
			return -ENOMEM;
	}
	r->path = p;
	if ((r->segbuf = strdup(p)) == NULL)
		return -ENOMEM;
	for (s = strtok_r(r->segbuf, "/", &save); s != NULL;
	    s = strtok_r(NULL, "/", &save)) {
		if (r->segc == FGREQ_MAXSEG) {
			r->segc++;	/* too deep: matches no route */
			break;
		}
		r->segv[r->segc++] = s;
	}
	return 0;
}

static int
req_body(struct fgreq *r)
{
	struct evbuffer	*buf;
	const char	*ctype;
	unsigned char	*data;
	size_t		 len;

	/*
	 * A GET's parameters are its query, as every GET in the docs has
	 * them: a body on a GET means nothing and is not read.
	 */
	if (r->method == M_GET)
		return 0;
	buf = evhttp_request_get_input_buffer(r->ev);
	if (buf == NULL || (len = evbuffer_get_length(buf)) == 0)
		return 0;
	if ((data = evbuffer_pullup(buf, -1)) == NULL)
		return -ENOMEM;
	ctype = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "Content-Type");
	if (ctype != NULL && strncasecmp(ctype, "multipart/form-data",
	    19) == 0)
		return params_add_multipart(&r->params, ctype,
		    (const char *)data, len);
	/* JSON bodies are [UNCERTAIN] upstream; other types are ignored. */
	if (ctype == NULL || strncasecmp(ctype,
	    "application/x-www-form-urlencoded", 33) == 0)
		return params_add_urlencoded(&r->params, (const char *)data,
		    len, PARAM_BODY);
	return 0;
}

static int
req_auth(struct fgreq *r)
{
	const struct param	*p;
	const char		*h;
	size_t			 n;

	h = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "Authorization");
	/* Bearer only: the one scheme Meta documents (oEmbed page). */
	if (h != NULL) {
		if (strncasecmp(h, "Bearer ", 7) == 0)
			h += 7;
		else
			h = NULL;
	}
	if (h != NULL) {
		while (*h == ' ')
			h++;
		n = strcspn(h, " \t\r\n");
		if (n > 0) {
			if ((r->bearer = strndup(h, n)) == NULL)
				return -ENOMEM;
			r->token = r->bearer;
			r->auth = AUTH_BEARER;
			return 0;
		}
	}
	if ((p = params_find(&r->params, "access_token")) != NULL &&
	    p->value[0] != '\0') {
		r->token = p->value;
		r->auth = p->src == PARAM_QUERY ? AUTH_QUERY : AUTH_FORM;
	}
	return 0;
}

int
fgreq_new(struct evhttp_request *ev, struct fgreq **ret_req)
{
	const struct evhttp_uri	*uri;
	struct fgreq		*r;
	const char		*path, *query;
	int			 rc;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	r->ev = ev;
	r->method = req_method(r);
	if ((uri = evhttp_request_get_evhttp_uri(ev)) == NULL) {
		rc = -EINVAL;
		goto fail;
	}
	if ((path = evhttp_uri_get_path(uri)) == NULL || path[0] == '\0')
		path = "/";
	if ((rc = req_path(r, path)) < 0)
		goto fail;
	query = evhttp_uri_get_query(uri);
	if (query != NULL && (rc = params_add_urlencoded(&r->params, query,
	    strlen(query), PARAM_QUERY)) < 0)
		goto fail;
	if ((rc = req_body(r)) < 0)
		goto fail;
	if ((rc = req_auth(r)) < 0)
		goto fail;
	*ret_req = r;
	return 0;
fail:
	fgreq_free(r);
	return rc;
}

void
fgreq_free(struct fgreq *r)
{
	if (r == NULL)
		return;
	free(r->path);
	free(r->segbuf);
	params_clear(&r->params);
	free(r->bearer);
	reply_clear(r);
	free(r);
}

const char *
req_param(const struct fgreq *r, const char *name)
{
	return params_get(&r->params, name);
}

/* A whole-string decimal int64. */
int
parse_int64(const char *s, int64_t *ret)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*ret = v;
	return 0;
}

/*
 * An integer parameter in [min, max]; def when absent.  Returns -EINVAL
 * for a bad value and leaves the reply to the caller.
 */
int
req_int(struct fgreq *r, const char *name, int64_t def, int64_t min,
    int64_t max, int64_t *ret)
{
	const char	*s;
	int64_t		 v;

	if ((s = req_param(r, name)) == NULL) {
		*ret = def;
		return 0;
	}
	if (parse_int64(s, &v) < 0 || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/*
 * Parse fields= against a NULL-terminated table (index = bit).  A nested
 * selection such as owner{id} selects owner.  An unknown name is the
 * Graph error "Tried accessing nonexisting field (X)".
 */
int
req_fields(struct fgreq *r, const char *const *allowed, unsigned defmask,
    unsigned *ret_mask)
{
	const char	*s, *p, *start;
	unsigned	 mask = 0;
	size_t		 n;
	int		 depth, i;

	if ((s = req_param(r, "fields")) == NULL || *s == '\0') {
		*ret_mask = defmask;
		return 0;
	}
	for (p = s; *p != '\0';) {
		while (*p == ',' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		start = p;
		n = strcspn(p, ",{ ");
		p += n;
		for (depth = 0; *p != '\0'; p++) {
			if (*p == '{')
				depth++;
			else if (*p == '}')
				depth--;
			else if (*p == ',' && depth <= 0)
				break;
		}
		for (i = 0; allowed[i] != NULL; i++)
			if (strlen(allowed[i]) == n &&
			    strncmp(allowed[i], start, n) == 0)
				break;
		if (allowed[i] == NULL) {
			reply_error(r, 400, "THApiException", 100, 0,
			    "Tried accessing nonexisting field (%.*s)",
			    (int)(n > 100 ? 100 : n), start);
			return -EINVAL;
		}
		mask |= 1u << i;
	}
	*ret_mask = mask != 0 ? mask : defmask;
	return 0;
}

const char *
auth_kind_name(enum auth_kind k)
{
	switch (k) {
	case AUTH_BEARER:
		return "bearer";
	case AUTH_QUERY:
		return "query";
	case AUTH_FORM:
		return "form";
	default:
		return "none";
	}
}
