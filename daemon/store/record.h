/*
 * What the JSON records of the store share (account.c, post.c): fields
 * written and read by name, and the string setter of their structs.
 * A missing or mistyped field reads as absent, never as an error: the
 * records carry a "v" field for upgrades, and old ones lack new keys.
 */
#ifndef THREADSD_RECORD_H
#define THREADSD_RECORD_H

#include <stdint.h>

#include <json-c/json.h>

/* v, or null for NULL. */
void		 record_add_str(struct json_object *, const char *key,
		    const char *v);
void		 record_add_int(struct json_object *, const char *key,
		    int64_t v);
/* A time as the wire shows it (RFC 3339), or null when not after 0. */
void		 record_add_time(struct json_object *, const char *key,
		    int64_t t);
/* A count or a time: null when negative (unknown, unset), never 0. */
void		 record_add_count(struct json_object *, const char *key,
		    int64_t v);
/* Borrowed from the object; NULL when absent or not a string. */
const char	*record_get_str(struct json_object *, const char *key);
/* Borrowed from the object; NULL when absent or not an array. */
struct json_object *record_get_array(struct json_object *, const char *key);
/* dflt when absent or not an integer. */
int64_t		 record_get_int(struct json_object *, const char *key,
		    int64_t dflt);

/* *dst becomes a copy of src (NULL: none), the old one freed; -ENOMEM. */
int		 record_set_str(char **dst, const char *src);

#endif
