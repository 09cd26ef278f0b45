/*
 * Checking a request's arguments against a handler's field table: names,
 * JSON types, required fields.  Unknown arguments are refused so a typo in
 * a client never passes silently.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "daemon/control/req.h"

static const char *const type_names[] = {
	[ARG_STRING] = "a string (without NUL)",
	[ARG_INT] = "an integer",
	[ARG_BOOL] = "a boolean",
	[ARG_ARRAY] = "an array",
};

static int
arg_fill(const struct req_arg *a, struct json_object *v, void *out)
{
	char *p = (char *)out + a->offset;

	switch (a->type) {
	case ARG_STRING:
		/* A NUL inside would cut the string short unseen. */
		if (!json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v))
			return -EINVAL;
		*(const char **)p = json_object_get_string(v);
		return 0;
	case ARG_INT:
		if (!json_object_is_type(v, json_type_int))
			return -EINVAL;
		*(int64_t *)p = json_object_get_int64(v);
		return 0;
	case ARG_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return -EINVAL;
		*(int *)p = json_object_get_boolean(v);
		return 0;
	case ARG_ARRAY:
		if (!json_object_is_type(v, json_type_array))
			return -EINVAL;
		*(struct json_object **)p = v;
		return 0;
	}
	return -EINVAL;
}

int
req_args_obj(struct json_object *args, const struct req_arg *table,
    void *out, char *err, size_t errlen)
{
	const struct req_arg *a;
	struct json_object *v;

	if (!json_object_is_type(args, json_type_object)) {
		snprintf(err, errlen, "not an object of arguments");
		return -EINVAL;
	}
	json_object_object_foreach(args, key, val) {
		(void)val;
		for (a = table; a != NULL && a->name != NULL; a++)
			if (strcmp(a->name, key) == 0)
				break;
		if (a == NULL || a->name == NULL) {
			snprintf(err, errlen, "unknown argument '%.64s'", key);
			return -EINVAL;
		}
	}
	for (a = table; a != NULL && a->name != NULL; a++) {
		if (!json_object_object_get_ex(args, a->name, &v) ||
		    json_object_is_type(v, json_type_null)) {
			if (a->required) {
				snprintf(err, errlen, "missing argument '%s'",
				    a->name);
				return -EINVAL;
			}
			continue;
		}
		if (arg_fill(a, v, out) < 0) {
			snprintf(err, errlen, "argument '%s' must be %s",
			    a->name, type_names[a->type]);
			return -EINVAL;
		}
	}
	return 0;
}

int
req_args(struct req *req, const struct req_arg *table, void *out)
{
	char err[256];

	if (req_args_obj(req->pr.args, table, out, err, sizeof(err)) < 0) {
		req_fail(req, ERR_INVALID_ARGUMENT, "%s", err);
		return -EINVAL;
	}
	return 0;
}
