/*
 * The JSON record helpers (record.h).  json-c takes ownership of what
 * is added; a NULL value is added as null.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "daemon/store/record.h"

void
record_add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v != NULL ?
	    json_object_new_string(v) : NULL);
}

void
record_add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void
record_add_time(struct json_object *o, const char *key, int64_t t)
{
	char buf[TIMEFMT_LEN];

	record_add_str(o, key, t > 0 ? timefmt_format(t, buf, sizeof(buf)) :
	    NULL);
}

void
record_add_count(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, v >= 0 ?
	    json_object_new_int64(v) : NULL);
}

const char *
record_get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

struct json_object *
record_get_array(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

int64_t
record_get_int(struct json_object *o, const char *key, int64_t dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

int
record_set_str(char **dst, const char *src)
{
	char *s = NULL;

	if (src != NULL && (s = strdup(src)) == NULL)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}
