/*
 * The straight record writer (wbuf.h): json-c's bytes without json-c's
 * objects.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/store/wbuf.h"

void
wbuf_init(struct wbuf *w)
{
	w->p = w->stack;
	w->len = 0;
	w->cap = sizeof(w->stack);
	w->nomem = 0;
}

void
wbuf_free(struct wbuf *w)
{
	if (w->p != w->stack)
		free(w->p);
	wbuf_init(w);
}

void
wbuf_add(struct wbuf *w, const char *s, size_t n)
{
	size_t cap;
	char *np;

	if (w->nomem)
		return;
	if (w->len + n > w->cap) {
		for (cap = w->cap * 2; cap < w->len + n; cap *= 2)
			;
		if ((np = malloc(cap)) == NULL) {
			w->nomem = 1;
			return;
		}
		memcpy(np, w->p, w->len);
		if (w->p != w->stack)
			free(w->p);
		w->p = np;
		w->cap = cap;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

void
wbuf_sep(struct wbuf *w)
{
	char c;

	if (w->len == 0)
		return;
	c = w->p[w->len - 1];
	if (c != '{' && c != '[' && c != ':')
		wbuf_add(w, ",", 1);
}

void
wbuf_str(struct wbuf *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	char esc[6];
	unsigned char c;

	if (s == NULL) {
		wbuf_add(w, "null", 4);
		return;
	}
	wbuf_add(w, "\"", 1);
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c >= 0x20 && c != '"' && c != '\\' && c != '/')
			continue;
		wbuf_add(w, run, (size_t)(s - run));
		run = s + 1;
		esc[0] = '\\';
		switch (c) {
		case '\b': esc[1] = 'b'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\f': esc[1] = 'f'; break;
		case '"': case '\\': case '/': esc[1] = (char)c; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			wbuf_add(w, esc, 6);
			continue;
		}
		wbuf_add(w, esc, 2);
	}
	wbuf_add(w, run, (size_t)(s - run));
	wbuf_add(w, "\"", 1);
}

void
wbuf_int(struct wbuf *w, int64_t v)
{
	char num[24], *e = num + sizeof(num), *d = e;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	/* As "%" PRId64 writes it, without printf's cost a member. */
	do
		*--d = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--d = '-';
	wbuf_add(w, d, (size_t)(e - d));
}

void
wbuf_key(struct wbuf *w, const char *key)
{
	wbuf_sep(w);
	wbuf_add(w, "\"", 1);
	wbuf_add(w, key, strlen(key));
	wbuf_add(w, "\":", 2);
}

void
wbuf_str_member(struct wbuf *w, const char *key, const char *v)
{
	wbuf_key(w, key);
	wbuf_str(w, v);
}

void
wbuf_int_member(struct wbuf *w, const char *key, int64_t v, int null_if_neg)
{
	wbuf_key(w, key);
	if (null_if_neg && v < 0)
		wbuf_add(w, "null", 4);
	else
		wbuf_int(w, v);
}
