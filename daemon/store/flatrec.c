/*
 * The flat record reader (flatrec.h).  One pass over the bytes: a string
 * without escapes is handed out where it lies; one with escapes is
 * unescaped into a buffer of the reader's.  Whatever it meets that json-c
 * might read differently ends the pass with -ENOTSUP, before anything is
 * decided from it: the caller starts again with json-c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "daemon/store/flatrec.h"

#define INT_DIGITS_MAX	18	/* always fits an int64_t */

struct reader {
	const char	*p;
	const char	*end;
	int		 depth;		/* levels of arrays and objects left */
	char		 buf[FLATREC_STR_MAX];
};

typedef int member_fn(const char *, size_t, const struct flatrec_val *,
    void *);
typedef int element_fn(size_t, const struct flatrec_val *, void *);

static void
skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int
hex4(const char *p, unsigned *ret)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= (unsigned)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			v |= (unsigned)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			v |= (unsigned)(p[i] - 'A' + 10);
		else
			return -ENOTSUP;
	}
	*ret = v;
	return 0;
}

/* \uXXXX (and its low surrogate) at q; the code point as UTF-8 at *o. */
static int
unicode(struct reader *r, const char **q, char **o)
{
	unsigned c, lo;
	char *end = r->buf + sizeof(r->buf);

	if (r->end - *q < 6 || hex4(*q + 2, &c) < 0 || c == 0)
		return -ENOTSUP;
	*q += 6;
	if (c >= 0xdc00 && c <= 0xdfff)
		return -ENOTSUP;	/* a low surrogate alone */
	if (c >= 0xd800 && c <= 0xdbff) {
		if (r->end - *q < 6 || (*q)[0] != '\\' || (*q)[1] != 'u' ||
		    hex4(*q + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return -ENOTSUP;
		*q += 6;
		c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (end - *o < 4)
		return -ENOTSUP;
	if (c < 0x80)
		*(*o)++ = (char)c;
	else if (c < 0x800) {
		*(*o)++ = (char)(0xc0 | c >> 6);
		*(*o)++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*(*o)++ = (char)(0xe0 | c >> 12);
		*(*o)++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*(*o)++ = (char)(0x80 | (c & 0x3f));
	} else {
		*(*o)++ = (char)(0xf0 | c >> 18);
		*(*o)++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*(*o)++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*(*o)++ = (char)(0x80 | (c & 0x3f));
	}
	return 0;
}

/* The string at r->p ('"'); escapes only when unescape (values). */
static int
string(struct reader *r, int unescape, const char **ret_s, size_t *ret_len)
{
	const char *q = r->p + 1;
	char *o, *end = r->buf + sizeof(r->buf);
	int e;

	for (; q < r->end && *q != '"' && *q != '\\'; q++)
		if ((unsigned char)*q < 0x20)
			return -ENOTSUP;
	if (q == r->end)
		return -ENOTSUP;
	if (*q == '"') {
		*ret_s = r->p + 1;
		*ret_len = (size_t)(q - (r->p + 1));
		r->p = q + 1;
		return 0;
	}
	if (!unescape || (size_t)(q - (r->p + 1)) > sizeof(r->buf))
		return -ENOTSUP;
	o = r->buf;
	memcpy(o, r->p + 1, (size_t)(q - (r->p + 1)));
	o += q - (r->p + 1);
	while (q < r->end && *q != '"') {
		if ((unsigned char)*q < 0x20 || o == end)
			return -ENOTSUP;
		if (*q != '\\') {
			*o++ = *q++;
			continue;
		}
		if (q + 1 == r->end)
			return -ENOTSUP;
		switch (q[1]) {
		case '"': case '\\': case '/':
			*o++ = q[1];
			break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if ((e = unicode(r, &q, &o)) < 0)
				return e;
			continue;
		default:
			return -ENOTSUP;
		}
		q += 2;
	}
	if (q == r->end)
		return -ENOTSUP;
	*ret_s = r->buf;
	*ret_len = (size_t)(o - r->buf);
	r->p = q + 1;
	return 0;
}

static int
integer(struct reader *r, int64_t *ret)
{
	const char *q = r->p;
	int64_t v = 0;
	int neg = 0, n = 0;

	if (q < r->end && *q == '-') {
		neg = 1;
		q++;
	}
	for (; q < r->end && *q >= '0' && *q <= '9'; q++, n++) {
		if (n == INT_DIGITS_MAX)
			return -ENOTSUP;
		v = v * 10 + (*q - '0');
	}
	/* No digits, a leading zero, a fraction or an exponent. */
	if (n == 0 || (n > 1 && r->p[neg] == '0') ||
	    (q < r->end && (*q == '.' || *q == 'e' || *q == 'E')))
		return -ENOTSUP;
	*ret = neg ? -v : v;
	r->p = q;
	return 0;
}

static int	object(struct reader *, member_fn *, void *);
static int	array(struct reader *, element_fn *, void *);

static int
value(struct reader *r, struct flatrec_val *v)
{
	int e;

	memset(v, 0, sizeof(*v));
	if (r->p == r->end)
		return -ENOTSUP;
	if (*r->p == '"') {
		v->type = FLATREC_STR;
		return string(r, 1, &v->s, &v->len);
	}
	if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
		v->type = FLATREC_INT;
		return integer(r, &v->i);
	}
	if (r->end - r->p >= 4 && memcmp(r->p, "null", 4) == 0) {
		v->type = FLATREC_NULL;
		r->p += 4;
		return 0;
	}
	if ((*r->p == '[' || *r->p == '{') && r->depth > 0) {
		/* Checked whole now, read by the caller later if at all. */
		v->type = *r->p == '[' ? FLATREC_ARRAY : FLATREC_OBJECT;
		v->s = r->p;
		r->depth--;
		e = v->type == FLATREC_ARRAY ? array(r, NULL, NULL) :
		    object(r, NULL, NULL);
		r->depth++;
		v->len = (size_t)(r->p - v->s);
		return e;
	}
	return -ENOTSUP;
}

/* The object at r->p ('{'); fn (NULL: none) on each member, in order. */
static int
object(struct reader *r, member_fn *fn, void *arg)
{
	struct flatrec_val v;
	const char *key;
	size_t klen;
	int e;

	if (r->p == r->end || *r->p++ != '{')
		return -ENOTSUP;
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (r->p == r->end || *r->p != '"' ||
		    string(r, 0, &key, &klen) < 0)
			return -ENOTSUP;
		skip_ws(r);
		if (r->p == r->end || *r->p++ != ':')
			return -ENOTSUP;
		skip_ws(r);
		if ((e = value(r, &v)) < 0)
			return e;
		skip_ws(r);
		if (r->p == r->end || (*r->p != ',' && *r->p != '}'))
			return -ENOTSUP;
		if (fn != NULL && (e = fn(key, klen, &v, arg)) != 0)
			return e;
		if (*r->p++ == '}')
			return 0;
		skip_ws(r);
	}
}

/* The array at r->p ('['); fn (NULL: none) on each element. */
static int
array(struct reader *r, element_fn *fn, void *arg)
{
	struct flatrec_val v;
	size_t i;
	int e;

	if (r->p == r->end || *r->p++ != '[')
		return -ENOTSUP;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (i = 0;; i++) {
		if ((e = value(r, &v)) < 0)
			return e;
		skip_ws(r);
		if (r->p == r->end || (*r->p != ',' && *r->p != ']'))
			return -ENOTSUP;
		if (fn != NULL && (e = fn(i, &v, arg)) != 0)
			return e;
		if (*r->p++ == ']')
			return 0;
		skip_ws(r);
	}
}

/* The whole of buf is one object (or array), white space around it. */
static int
whole(const char *buf, size_t len, int depth, member_fn *mfn,
    element_fn *efn, void *arg)
{
	struct reader r;
	int e;

	r.p = buf;
	r.end = buf + len;
	r.depth = depth;
	skip_ws(&r);
	if ((e = efn != NULL ? array(&r, efn, arg) : object(&r, mfn, arg)) != 0)
		return e;
	skip_ws(&r);
	return r.p == r.end ? 0 : -ENOTSUP;
}

int
flatrec_each(const char *buf, size_t len, member_fn *fn, void *arg)
{
	return whole(buf, len, 0, fn, NULL, arg);
}

int
flatrec_object(const char *buf, size_t len, member_fn *fn, void *arg)
{
	return whole(buf, len, FLATREC_DEPTH_MAX, fn, NULL, arg);
}

int
flatrec_array(const char *buf, size_t len, element_fn *fn, void *arg)
{
	return whole(buf, len, FLATREC_DEPTH_MAX, NULL, fn, arg);
}

int
flatrec_is(const struct flatrec_val *v, const char *s)
{
	return v->type == FLATREC_STR && v->len == strlen(s) &&
	    memcmp(v->s, s, v->len) == 0;
}

int
flatrec_key_bit(const char *k, size_t kl, const char *const *names,
    unsigned *seen)
{
	unsigned bit;
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == kl && memcmp(names[i], k, kl) == 0)
			break;
	if (names[i] == NULL)
		return 0;
	bit = 1u << i;
	if (*seen & bit)
		return -ENOTSUP;
	*seen |= bit;
	return (int)bit;
}
