/*
 * reqlog: the ring of the last REQLOG_CAP Graph requests, for
 * GET /__admin/requests.  Entries name the user and the token generation
 * used, never the token.
 */
#ifndef FG_REQLOG_H
#define FG_REQLOG_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "fgreq.h"

#define REQLOG_CAP	100000

struct fgtoken;

uint64_t	 reqlog_add(const char *, const char *, enum auth_kind,
		    const struct fgtoken *);
void		 reqlog_set(uint64_t, int, const char *);
json_object	*reqlog_json(uint64_t, size_t, const char *);
void		 reqlog_clear(void);
void		 reqlog_free(void);

#endif
