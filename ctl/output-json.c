/*
 * --json: every hook prints the daemon's result object unchanged, pretty
 * enough for a person, plain enough for jq.
 */
#include <stdio.h>

#include "output.h"

static void
json_result(struct json_object *result)
{
	printf("%s\n", json_object_to_json_string_ext(result,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void
json_done(struct json_object *result, const char *what)
{
	(void)what;
	json_result(result);
}

const struct output output_json = {
	.status = json_result,
	.accounts = json_result,
	.account = json_result,
	.added = json_result,
	.stats = json_result,
	.metrics = json_result,
	.posts = json_result,
	.post = json_result,
	.scheduled = json_result,
	.calendar = json_result,
	.done = json_done,
};
