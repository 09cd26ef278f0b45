/*
 * Records written straight into a buffer, byte for byte as json-c writes
 * them (json_object_to_json_string_ext() with JSON_C_TO_STRING_PLAIN):
 * building a json-c object and printing it was most of the cost of a
 * record's put.  The account and post records are written with it
 * (account.c, post-write.c); their tests hold the bytes to json-c's.
 *
 * A buffer starts on its own storage and grows on the heap; an
 * allocation that fails sets nomem and the rest is not written.  A
 * member or an element gets its comma from what precedes it: none after
 * '{', '[' or ':'.
 */
#ifndef THREADSD_WBUF_H
#define THREADSD_WBUF_H

#include <stddef.h>
#include <stdint.h>

struct wbuf {
	char		*p;
	size_t		 len;
	size_t		 cap;
	int		 nomem;
	char		 stack[1024];
};

void	wbuf_init(struct wbuf *);
/* What the heap holds, if anything; the buffer is empty again. */
void	wbuf_free(struct wbuf *);
void	wbuf_add(struct wbuf *, const char *s, size_t n);
/* The comma before a member or an element, unless it is the first. */
void	wbuf_sep(struct wbuf *);
/* s as json-c writes a string (json_escape_str()); NULL: null. */
void	wbuf_str(struct wbuf *, const char *s);
/* v as json-c writes an int64 ("%" PRId64). */
void	wbuf_int(struct wbuf *, int64_t v);
/* ,"key": (our keys need no escape). */
void	wbuf_key(struct wbuf *, const char *key);
void	wbuf_str_member(struct wbuf *, const char *key, const char *v);
/* null_if_neg: a negative v is null (an unknown count). */
void	wbuf_int_member(struct wbuf *, const char *key, int64_t v,
	    int null_if_neg);

#endif
