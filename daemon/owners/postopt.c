/*
 * Meta's shapes for the newer options.  The names are those of Meta's
 * Create Posts pages: poll_attachment {option_a..option_d}, text_entities
 * [{entity_type: SPOILER, offset, length}], text_attachment {plaintext,
 * link_attachment_url}, gif_attachment {gif_id, provider: GIPHY}.
 */
#include <errno.h>
#include <string.h>

#include "daemon/graph/graph.h"
#include "daemon/store/post.h"
#include "daemon/owners/postopt.h"

static const char *const poll_keys[POST_POLL_MAX] = {
	"option_a", "option_b", "option_c", "option_d"
};

static const char *
plain(struct json_object *o)
{
	return o != NULL ? json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
}

static struct json_object *
poll_json(const struct post *p)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; o != NULL && i < p->npoll; i++)
		json_object_object_add(o, poll_keys[i],
		    json_object_new_string(p->poll[i]));
	return o;
}

static struct json_object *
entities_json(const struct post *p)
{
	struct json_object *arr = json_object_new_array(), *e;
	size_t i;

	for (i = 0; arr != NULL && i < p->nspoilers; i++) {
		if ((e = json_object_new_object()) == NULL)
			break;
		json_object_object_add(e, "entity_type",
		    json_object_new_string("SPOILER"));
		json_object_object_add(e, "offset",
		    json_object_new_int64(p->spoilers[i].offset));
		json_object_object_add(e, "length",
		    json_object_new_int64(p->spoilers[i].length));
		json_object_array_add(arr, e);
	}
	return arr;
}

static struct json_object *
attachment_json(const struct post *p)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "plaintext",
	    json_object_new_string(p->attachment));
	if (p->attachment_link != NULL)
		json_object_object_add(o, "link_attachment_url",
		    json_object_new_string(p->attachment_link));
	return o;
}

static struct json_object *
gif_json(const struct post *p)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "gif_id", json_object_new_string(p->gif));
	json_object_object_add(o, "provider",
	    json_object_new_string("GIPHY"));
	return o;
}

int
postopt_fill(struct postopt *po, const struct post *p,
    struct graph_container_spec *spec)
{
	memset(po, 0, sizeof(*po));
	if (spec->is_carousel_item)
		return 0;
	spec->is_ghost_post = p->ghost;
	spec->is_spoiler_media = p->spoiler_media;
	if ((p->npoll > 0 && (po->poll = poll_json(p)) == NULL) ||
	    (p->nspoilers > 0 && (po->entities = entities_json(p)) == NULL) ||
	    (p->attachment != NULL &&
	    (po->attachment = attachment_json(p)) == NULL) ||
	    (p->gif != NULL && (po->gif = gif_json(p)) == NULL)) {
		postopt_clear(po);
		return -ENOMEM;
	}
	spec->poll_attachment = plain(po->poll);
	spec->text_entities = plain(po->entities);
	spec->text_attachment = plain(po->attachment);
	spec->gif_attachment = plain(po->gif);
	return 0;
}

void
postopt_clear(struct postopt *po)
{
	json_object_put(po->poll);
	json_object_put(po->entities);
	json_object_put(po->attachment);
	json_object_put(po->gif);
	memset(po, 0, sizeof(*po));
}
