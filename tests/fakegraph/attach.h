/*
 * attach: the newer options of POST /threads (Meta's Create Posts pages:
 * Ghost posts, Polls, Spoilers, Text Attachments, GIFs), checked as
 * strictly as Meta documents them.
 */
#ifndef FG_ATTACH_H
#define FG_ATTACH_H

#include <stddef.h>

struct fgreq;
struct post_spec;

/*
 * Reads the options from the request into ps (borrowed strings) and
 * checks them against the rest of ps.  On a refusal it replies (code 100)
 * and returns -EINVAL.  *ret_json is what was asked for, normalised, for
 * the container to keep (NULL: no option), or -ENOMEM.
 */
int	attach_check(struct fgreq *, struct post_spec *, char **ret_json);

#endif
