/*
 * params: parse query strings, urlencoded and multipart bodies.
 *
 * It owns the decoded copies in struct params.  evhttp's own query parser
 * rejects a whole query for one "key" without "=", and has no multipart
 * support, so this file does both.  Anything malformed is an error for the
 * caller to turn into HTTP 400, never a crash.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "params.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode len bytes; with plus, '+' is a space.  Bad escapes are
 * kept literally, as browsers do; an encoded NUL is refused.
 */
int
url_decode(const char *s, size_t len, int plus, char **ret)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	if ((out = malloc(len + 1)) == NULL)
		return -ENOMEM;
	for (i = 0, o = out; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			if (hi == 0 && lo == 0) {
				free(out);
				return -EINVAL;
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus)
			*o++ = ' ';
		else if (s[i] == '\0') {
			free(out);
			return -EINVAL;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	*ret = out;
	return 0;
}

char *
url_encode(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*out, *o;
	unsigned char		 c;

	if ((out = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (o = out; (c = (unsigned char)*s) != '\0'; s++) {
		if (isalnum(c) || c == '-' || c == '_' || c == '.' ||
		    c == '~')
			*o++ = (char)c;
		else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/* Takes ownership of name and value, also on failure. */
static int
params_push(struct params *p, char *name, char *value, enum param_src src)
{
	struct param	*v;
	size_t		 cap;

	if (p->n >= PARAMS_MAX) {
		free(name);
		free(value);
		return -E2BIG;
	}
	if (p->n == p->cap) {
		cap = p->cap ? p->cap * 2 : 8;
		if ((v = reallocarray(p->v, cap, sizeof(*v))) == NULL) {
			free(name);
			free(value);
			return -ENOMEM;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].name = name;
	p->v[p->n].value = value;
	p->v[p->n].src = src;
	p->n++;
	return 0;
}

int
params_add_urlencoded(struct params *p, const char *s, size_t len,
    enum param_src src)
{
	const char	*end, *amp, *eq;
	char		*name, *value;
	int		 r;

	for (end = s + len; s < end; s = amp + 1) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		if (amp == s)
			continue;
		if ((eq = memchr(s, '=', (size_t)(amp - s))) == NULL)
			eq = amp;
		if ((r = url_decode(s, (size_t)(eq - s), 1, &name)) < 0)
			return r;
		if (eq == amp)
			r = url_decode("", 0, 1, &value);
		else
			r = url_decode(eq + 1, (size_t)(amp - eq - 1), 1,
			    &value);
		if (r < 0) {
			free(name);
			return r;
		}
		if ((r = params_push(p, name, value, src)) < 0)
			return r;
		if (amp == end)
			break;
	}
	return 0;
}

/* The boundary from a multipart Content-Type, into buf. */
static int
multipart_boundary(const char *ctype, char *buf, size_t len)
{
	const char	*b;
	size_t		 n;

	if ((b = strcasestr(ctype, "boundary=")) == NULL)
		return -EINVAL;
	b += strlen("boundary=");
	if (*b == '"') {
		b++;
		n = strcspn(b, "\"");
	} else
		n = strcspn(b, "; \t");
	if (n == 0 || n + 3 > len)
		return -EINVAL;
	memcpy(buf, "--", 2);
	memcpy(buf + 2, b, n);
	buf[n + 2] = '\0';
	return 0;
}

/* The name="..." of a part's headers [h, hend), malloc'd. */
static char *
multipart_name(const char *h, const char *hend)
{
	const char	*p, *q;
	char		*name;

	for (p = h; p + 6 <= hend; p++) {
		if (strncasecmp(p, "name=\"", 6) != 0 ||
		    (p > h && (p[-1] != ' ' && p[-1] != ';')))
			continue;
		p += 6;
		if ((q = memchr(p, '"', (size_t)(hend - p))) == NULL)
			return NULL;
		if ((name = malloc((size_t)(q - p) + 1)) == NULL)
			return NULL;
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
		return name;
	}
	return NULL;
}

/*
 * Minimal multipart/form-data: each part's name and its bytes up to the
 * next delimiter.  File parts are read as text like any other.
 */
int
params_add_multipart(struct params *p, const char *ctype, const char *body,
    size_t len)
{
	const char	*end = body + len, *part, *hend, *next;
	char		 delim[80], *name, *value;
	size_t		 dlen, vlen;
	int		 r;

	if ((r = multipart_boundary(ctype, delim, sizeof(delim))) < 0)
		return r;
	dlen = strlen(delim);
	if ((part = memmem(body, len, delim, dlen)) == NULL)
		return -EINVAL;
	for (;;) {
		part += dlen;
		if (end - part >= 2 && part[0] == '-' && part[1] == '-')
			return 0;
		if (end - part < 2 || part[0] != '\r' || part[1] != '\n')
			return -EINVAL;
		part += 2;
		if ((hend = memmem(part, (size_t)(end - part), "\r\n\r\n",
		    4)) == NULL)
			return -EINVAL;
		if ((next = memmem(hend + 4, (size_t)(end - hend - 4),
		    delim, dlen)) == NULL || next - (hend + 4) < 2)
			return -EINVAL;
		if ((name = multipart_name(part, hend)) == NULL)
			return -EINVAL;
		vlen = (size_t)(next - (hend + 4) - 2);	/* drop CRLF */
		if (memchr(hend + 4, '\0', vlen) != NULL ||
		    (value = malloc(vlen + 1)) == NULL) {
			free(name);
			return -EINVAL;
		}
		memcpy(value, hend + 4, vlen);
		value[vlen] = '\0';
		if ((r = params_push(p, name, value, PARAM_BODY)) < 0)
			return r;
		part = next;
	}
}

/* The first parameter of that name: the query string wins over the body. */
const struct param *
params_find(const struct params *p, const char *name)
{
	size_t	i;
	int	src;

	for (src = PARAM_QUERY; src <= PARAM_BODY; src++)
		for (i = 0; i < p->n; i++)
			if ((int)p->v[i].src == src &&
			    strcmp(p->v[i].name, name) == 0)
				return &p->v[i];
	return NULL;
}

const char *
params_get(const struct params *p, const char *name)
{
	const struct param	*v;

	v = params_find(p, name);
	return v != NULL ? v->value : NULL;
}

void
params_clear(struct params *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}
