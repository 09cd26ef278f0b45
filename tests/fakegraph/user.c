/*
 * user: the user node (GET /me, GET /{user-id}), the GET /{id} switch,
 * and GET /profile_lookup (threads-api.md 3, 5.1).
 *
 * It owns the profile field tables.  Only the token's own user can be
 * read; ids of other users, and ids that name nothing, answer
 * THApiException 100/33.
 */
#include <string.h>

#include "fgreq.h"
#include "handlers.h"
#include "media.h"
#include "reply.h"
#include "store.h"

#define LOOKUP_MIN_FOLLOWERS	100

static const char *const user_fields[] = {
	"id", "username", "name", "threads_profile_picture_url",
	"threads_biography", "is_verified", "recently_searched_keywords",
	"is_eligible_for_geo_gating", NULL
};

void
user_node(struct fgreq *r, struct fguser *u)
{
	json_object	*o;
	unsigned	 f;

	if (req_fields(r, user_fields, 0x01, &f) < 0)
		return;
	if ((o = json_object_new_object()) == NULL) {
		reply_json(r, 500, NULL);
		return;
	}
	if (f & 0x01)
		json_add_str(o, "id", u->idstr);
	if (f & 0x02)
		json_add_str(o, "username", u->username);
	if (f & 0x04)
		json_add_str(o, "name", u->name);
	if (f & 0x08)
		json_add_str(o, "threads_profile_picture_url", u->picture);
	if (f & 0x10)
		json_add_str(o, "threads_biography", u->biography);
	if (f & 0x20)
		json_object_object_add(o, "is_verified",
		    json_object_new_boolean(u->verified));
	/* 0x40: recently_searched_keywords is null here, so omitted. */
	if (f & 0x80)
		json_object_object_add(o, "is_eligible_for_geo_gating",
		    json_object_new_boolean(0));
	reply_json(r, 200, o);
}

/* GET /{id}: me, the own user id, an own container, or a media id. */
void
node_get(struct fgreq *r)
{
	struct fgcontainer		*c;
	const struct fgmedia		*m;
	const char			*id = r->segv[0];

	if (strcmp(id, "me") == 0 || strcmp(id, r->user->idstr) == 0) {
		user_node(r, r->user);
		return;
	}
	if ((c = container_get(id)) != NULL && c->owner == r->user) {
		container_node(r, c);
		return;
	}
	if ((m = media_get(id)) != NULL && !m->deleted) {
		media_node(r, m);
		return;
	}
	route_unsupported(r, id);
}

/*
 * GET /profile_lookup?username= (5.1).  No id in the reply; fields= is
 * honoured though the docs show none [UNCERTAIN]; public profiles with
 * fewer than 100 followers are not found.
 */
void
user_profile_lookup(struct fgreq *r)
{
	static const char *const fields[] = { "username", "name",
	    "profile_picture_url", "biography", "is_verified",
	    "follower_count", "likes_count", "quotes_count",
	    "replies_count", "reposts_count", "views_count", NULL };
	const char		*name;
	struct fguser		*u;
	json_object		*o;
	unsigned		 f;

	if (req_fields(r, fields, 0x7ff, &f) < 0)
		return;
	if ((name = req_param(r, "username")) == NULL || *name == '\0') {
		reply_error(r, 400, "THApiException", 100, 0,
		    "(#100) The parameter username is required");
		return;
	}
	if (*name == '@')
		name++;
	u = store_user_by_name(name);
	if (u == NULL || u->followers < LOOKUP_MIN_FOLLOWERS) {
		reply_error(r, 400, "THApiException", 100, 33,
		    "Unsupported get request. The profile '%.40s' does not "
		    "exist, is not public or has fewer than %d followers",
		    name, LOOKUP_MIN_FOLLOWERS);
		return;
	}
	if ((o = json_object_new_object()) == NULL) {
		reply_json(r, 500, NULL);
		return;
	}
	if (f & 0x001)
		json_add_str(o, "username", u->username);
	if (f & 0x002)
		json_add_str(o, "name", u->name);
	if (f & 0x004)
		json_add_str(o, "profile_picture_url", u->picture);
	if (f & 0x008)
		json_add_str(o, "biography", u->biography);
	if (f & 0x010)
		json_object_object_add(o, "is_verified",
		    json_object_new_boolean(u->verified));
	if (f & 0x020)
		json_add_int(o, "follower_count", u->followers);
	if (f & 0x040)
		json_add_int(o, "likes_count", u->likes);
	if (f & 0x080)
		json_add_int(o, "quotes_count", u->quotes);
	if (f & 0x100)
		json_add_int(o, "replies_count", u->replies);
	if (f & 0x200)
		json_add_int(o, "reposts_count", u->reposts);
	if (f & 0x400)
		json_add_int(o, "views_count", u->views * 7);
	reply_json(r, 200, o);
}
