/*
 * repost: POST /{media-id}/repost (Meta's Reposts page): the answer is
 * the repost's own media id, read back as REPOST_FACADE with
 * reposted_post {id}.  No container, no publish step.
 *
 * Meta does not say what a second repost of one post by one user does
 * [UNCERTAIN]; Threads shows a repost once, so the fake refuses it
 * (code 100), which is also what makes a blind retry harmless.
 */
#include <string.h>

#include <json-c/json.h>

#include "clock.h"
#include "fgreq.h"
#include "handlers.h"
#include "media.h"
#include "reply.h"
#include "store.h"

void
threads_repost(struct fgreq *r)
{
	struct fgmedia	*of, *m;
	struct fguser	*u = r->user;
	json_object	*o;
	size_t		 i;

	of = media_get(r->segv[0]);
	if (of == NULL || of->deleted || of->is_carousel_item ||
	    of->type == MT_REPOST) {
		route_unsupported(r, r->segv[0]);
		return;
	}
	for (i = 0; i < u->nposts; i++) {
		m = u->posts[i];
		if (m->type == MT_REPOST && !m->deleted &&
		    strcmp(m->reposted_id, of->idstr) == 0) {
			reply_error(r, 400, "THApiException", 100, 0, "(#100) "
			    "The post %.24s has already been reposted.",
			    of->idstr);
			return;
		}
	}
	if (media_repost(u, of, fgclock_now(), &m) < 0) {
		reply_json(r, 500, NULL);
		return;
	}
	if ((o = json_object_new_object()) != NULL)
		json_add_str(o, "id", m->idstr);
	reply_json(r, 200, o);
}
