/*
 * A reader for flat JSON records: an object whose values are strings,
 * integers or null, as json-c writes the account records.  It calls back
 * with each member in order and builds nothing, where json-c builds a
 * tree, a hash table and a copy of every string (most of what reading an
 * account record cost).  Anything else, or anything it is not sure to
 * read exactly as json-c would (nested values, booleans, fractions,
 * \u0000, raw control bytes, numbers past 18 digits, keys with escapes,
 * strings past FLATREC_STR_MAX once unescaped), is -ENOTSUP: the caller
 * then reads the record with json-c, so no record means anything else
 * than it did.
 *
 * flatrec_object() reads records with arrays and objects in them (the
 * post records) by the same rules: a nested value is checked whole and
 * handed to the callback as its text, for flatrec_object() or
 * flatrec_array() to read in turn, or for nothing (a key the caller does
 * not know).
 */
#ifndef THREADSD_FLATREC_H
#define THREADSD_FLATREC_H

#include <stddef.h>
#include <stdint.h>

#define FLATREC_STR_MAX	4096
#define FLATREC_DEPTH_MAX	4	/* arrays and objects in one another */

enum flatrec_type {
	FLATREC_NULL,
	FLATREC_INT,
	FLATREC_STR,
	FLATREC_ARRAY,		/* flatrec_object() and flatrec_array() only */
	FLATREC_OBJECT,
};

struct flatrec_val {
	enum flatrec_type	 type;
	int64_t			 i;	/* FLATREC_INT */
	const char		*s;	/* FLATREC_STR: unescaped, not NUL-ended;
					   ARRAY, OBJECT: its text, brackets
					   included */
	size_t			 len;
};

/*
 * Calls fn(key, keylen, value, arg) for each member of the object in
 * buf, in order, until fn returns non-zero (returned).  -ENOTSUP: not a
 * flat record (read it with json-c); -EBADMSG: not JSON at all.
 */
int	flatrec_each(const char *buf, size_t len,
	    int (*fn)(const char *, size_t, const struct flatrec_val *, void *),
	    void *arg);
/* The same, with arrays and objects (FLATREC_DEPTH_MAX deep) as values. */
int	flatrec_object(const char *buf, size_t len,
	    int (*fn)(const char *, size_t, const struct flatrec_val *, void *),
	    void *arg);
/* Calls fn(index, value, arg) for each element of the array in buf. */
int	flatrec_array(const char *buf, size_t len,
	    int (*fn)(size_t, const struct flatrec_val *, void *), void *arg);
/*
 * Which of names (NULL-terminated, at most 32) the key k (kl bytes) is, as
 * a bit: 1 << its index, 0 for none of them.  A key met before (its bit in
 * *seen) is -ENOTSUP, since json-c keeps the last of two; *seen gets the
 * bit.
 */
int	flatrec_key_bit(const char *k, size_t kl, const char *const *names,
	    unsigned *seen);
/* Whether v is the string s. */
int	flatrec_is(const struct flatrec_val *v, const char *s);

#endif
