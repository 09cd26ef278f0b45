/*
 * The table of a post record's fields, for the files that read and write
 * the record (post.c, post-write.c): the fields after the record's head
 * (v, id, user_id, state, kind), in the order they are written, each
 * under its field's name: an int64_t (PF_TIME), an int (PF_NUM), a
 * string (PF_STR), an id buffer (PF_GID), a queued post's id (PF_PID), or
 * a list written in its place by its own code (PF_LIST: media, the
 * options, replies, children), which the readers read by hand.  A new
 * field is one row of post_fields[] (post.c).
 */
#ifndef THREADSD_POST_FIELDS_H
#define THREADSD_POST_FIELDS_H

#include <stddef.h>

enum post_field_kind { PF_TIME, PF_NUM, PF_STR, PF_GID, PF_PID, PF_LIST };

/* What a PF_LIST row writes; PL_NONE for the others. */
enum post_list { PL_NONE, PL_MEDIA, PL_OPTIONS, PL_REPLIES, PL_CHILDREN };

struct post_field {
	const char		*key;		/* NULL for a list */
	enum post_field_kind	 kind;
	size_t			 off;		/* in struct post */
	enum post_list		 list;
};

#define POST_RECORD_VERSION	1

#define POST_NFIELDS	32
extern const struct post_field post_fields[POST_NFIELDS];

#endif
