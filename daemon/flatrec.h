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
 */
#ifndef THREADSD_FLATREC_H
#define THREADSD_FLATREC_H

#include <stddef.h>
#include <stdint.h>

#define FLATREC_STR_MAX	4096

enum flatrec_type {
	FLATREC_NULL,
	FLATREC_INT,
	FLATREC_STR,
};

struct flatrec_val {
	enum flatrec_type	 type;
	int64_t			 i;	/* FLATREC_INT */
	const char		*s;	/* FLATREC_STR: unescaped, not NUL-ended */
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

#endif
