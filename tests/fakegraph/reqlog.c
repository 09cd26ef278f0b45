/*
 * reqlog: a fixed ring of request summaries.
 *
 * It owns the ring, allocated on first use.  Sequence numbers keep
 * counting across /__admin/reset so a test's "since" never matches an
 * older run's entry.  A request is logged when it arrives (status 0) and
 * its status is filled in when the reply goes out, so a stalled or reset
 * request still shows up.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "clock.h"
#include "reply.h"
#include "reqlog.h"
#include "store.h"

struct reqlog_entry {
	uint64_t	seq;		/* 0: empty slot */
	int64_t		at;
	int		gen;		/* -1: no known token */
	int		status;
	enum auth_kind	auth;
	char		method[8];
	char		path[96];
	char		user[USERNAME_MAX + 1];
	char		fault[12];
};

static struct reqlog_entry	*ring;
static uint64_t			 next_seq = 1;

uint64_t
reqlog_add(const char *method, const char *path, enum auth_kind auth,
    const struct fgtoken *t)
{
	struct reqlog_entry	*e;
	uint64_t		 seq = next_seq++;

	if (ring == NULL && (ring = calloc(REQLOG_CAP,
	    sizeof(*ring))) == NULL)
		return seq;
	e = &ring[seq % REQLOG_CAP];
	memset(e, 0, sizeof(*e));
	e->seq = seq;
	e->at = fgclock_now();
	e->auth = auth;
	e->gen = -1;
	snprintf(e->method, sizeof(e->method), "%s", method);
	snprintf(e->path, sizeof(e->path), "%s", path);
	if (t != NULL) {
		snprintf(e->user, sizeof(e->user), "%s", t->user->username);
		e->gen = (int)t->gen;
	}
	return seq;
}

void
reqlog_set(uint64_t seq, int status, const char *fault)
{
	struct reqlog_entry	*e;

	if (ring == NULL || seq == 0)
		return;
	e = &ring[seq % REQLOG_CAP];
	if (e->seq != seq)
		return;
	if (status >= 0)
		e->status = status;
	if (fault != NULL)
		snprintf(e->fault, sizeof(e->fault), "%s", fault);
}

static json_object *
entry_json(const struct reqlog_entry *e)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_add_int(o, "seq", (int64_t)e->seq);
	json_add_str(o, "method", e->method);
	json_add_str(o, "path", e->path);
	json_add_str(o, "auth", auth_kind_name(e->auth));
	json_object_object_add(o, "user", e->user[0] != '\0' ?
	    json_object_new_string(e->user) : NULL);
	json_object_object_add(o, "token_gen", e->gen >= 0 ?
	    json_object_new_int(e->gen) : NULL);
	json_add_int(o, "status", e->status);
	if (e->fault[0] != '\0')
		json_add_str(o, "fault", e->fault);
	json_add_int(o, "at", e->at);
	return o;
}

/* {"requests":[...],"next":N}: entries with seq >= since. */
json_object *
reqlog_json(uint64_t since, size_t limit, const char *prefix)
{
	const struct reqlog_entry	*e;
	json_object			*top, *arr;
	uint64_t			 seq;
	size_t				 n = 0, plen;

	plen = prefix != NULL ? strlen(prefix) : 0;
	if (next_seq > REQLOG_CAP && since < next_seq - REQLOG_CAP)
		since = next_seq - REQLOG_CAP;
	if (since == 0)
		since = 1;
	top = json_object_new_object();
	if ((arr = json_object_new_array()) == NULL || top == NULL) {
		json_object_put(top);
		return NULL;
	}
	json_object_object_add(top, "requests", arr);
	for (seq = since; seq < next_seq && n < limit && ring != NULL;
	    seq++) {
		e = &ring[seq % REQLOG_CAP];
		if (e->seq != seq ||
		    (plen > 0 && strncmp(e->path, prefix, plen) != 0))
			continue;
		json_object_array_add(arr, entry_json(e));
		n++;
	}
	json_add_int(top, "next", (int64_t)seq);
	return top;
}

void
reqlog_clear(void)
{
	if (ring != NULL)
		memset(ring, 0, REQLOG_CAP * sizeof(*ring));
}

void
reqlog_free(void)
{
	free(ring);
	ring = NULL;
}
