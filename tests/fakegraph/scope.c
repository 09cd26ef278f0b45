/*
 * scope: parse scope lists and print them back.
 *
 * The authorize dialog sends them comma separated or space separated
 * (a '+' in the query has already become a space); both are accepted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scope.h"

static const char *const scope_names[] = {
	"threads_basic",
	"threads_content_publish",
	"threads_read_replies",
	"threads_manage_replies",
	"threads_manage_insights",
	"threads_profile_discovery",
	"threads_delete",
	"threads_keyword_search",
	"threads_manage_mentions",
	"threads_location_tagging",
	"threads_share_to_instagram",
	NULL
};

/*
 * Parse "a,b c" into a mask.  On an unknown name, copy it to bad and
 * return -EINVAL.
 */
int
scope_parse(const char *list, unsigned *ret_mask, char *bad, size_t badlen)
{
	const char	*p, *end;
	unsigned	 mask = 0;
	size_t		 n;
	int		 i;

	for (p = list; *p != '\0'; p = end) {
		while (*p == ',' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (end = p; *end != '\0' && *end != ',' && *end != ' '; end++)
			;
		n = (size_t)(end - p);
		for (i = 0; scope_names[i] != NULL; i++)
			if (strlen(scope_names[i]) == n &&
			    strncmp(scope_names[i], p, n) == 0)
				break;
		if (scope_names[i] == NULL) {
			snprintf(bad, badlen, "%.*s", (int)(n > 64 ? 64 : n),
			    p);
			return -EINVAL;
		}
		mask |= 1u << i;
	}
	*ret_mask = mask;
	return 0;
}

/* The name of the first scope in need that have lacks, or NULL. */
const char *
scope_first_missing(unsigned have, unsigned need)
{
	int	i;

	for (i = 0; scope_names[i] != NULL; i++)
		if ((need & (1u << i)) && !(have & (1u << i)))
			return scope_names[i];
	return NULL;
}

json_object *
scope_to_json(unsigned mask)
{
	json_object	*a;
	int		 i;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; scope_names[i] != NULL; i++)
		if (mask & (1u << i))
			json_object_array_add(a,
			    json_object_new_string(scope_names[i]));
	return a;
}
