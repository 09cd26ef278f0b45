/*
 * scope: the Threads permission names (threads-api.md section 2.2) as bits.
 */
#ifndef FG_SCOPE_H
#define FG_SCOPE_H

#include <stddef.h>

#include <json-c/json.h>

#define SCOPE_BASIC		0x001u
#define SCOPE_CONTENT_PUBLISH	0x002u
#define SCOPE_READ_REPLIES	0x004u
#define SCOPE_MANAGE_REPLIES	0x008u
#define SCOPE_MANAGE_INSIGHTS	0x010u
#define SCOPE_PROFILE_DISCOVERY	0x020u
#define SCOPE_DELETE		0x040u
#define SCOPE_KEYWORD_SEARCH	0x080u
#define SCOPE_MANAGE_MENTIONS	0x100u
#define SCOPE_LOCATION_TAGGING	0x200u
#define SCOPE_SHARE_TO_IG	0x400u
#define SCOPE_ALL		0x7ffu
/*
 * What /__admin/token grants by default: the four scopes a scheduling
 * app asks for (threadsd's), so that a call needing a fifth is refused
 * in every test that does not ask for more.
 */
#define SCOPE_DEFAULT		(SCOPE_BASIC | SCOPE_CONTENT_PUBLISH | \
				 SCOPE_MANAGE_INSIGHTS | SCOPE_PROFILE_DISCOVERY)

int		 scope_parse(const char *, unsigned *, char *, size_t);
const char	*scope_first_missing(unsigned, unsigned);
json_object	*scope_to_json(unsigned);

#endif
