/*
 * attach: is_ghost_post, poll_attachment, text_entities, is_spoiler_media,
 * text_attachment and gif_attachment.  Each rule is one of Meta's
 * documented limitations; the few the docs leave open are in README.md.
 * What passes is kept on the container as one JSON object, and shown by
 * /__admin/posts once published, so tests see exactly what Meta got.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "attach.h"
#include "fgreq.h"
#include "media.h"
#include "reply.h"
#include "textlen.h"

#define POLL_MIN	2
#define POLL_MAX	4
#define OPTION_MAX	25	/* characters */
#define SPOILERS_MAX	10
#define PLAINTEXT_MAX	10000	/* characters */
#define GIF_ID_MAX	64
#define LINKS_MAX	5

static int
refuse(struct fgreq *r, const char *msg)
{
	reply_error(r, 400, "THApiException", 100, 0, "(#100) %s", msg);
	return -EINVAL;
}

/* "true" or "false", as the Graph API takes booleans; -1: neither. */
static int
boolean(const char *s)
{
	if (s == NULL || strcmp(s, "false") == 0)
		return 0;
	return strcmp(s, "true") == 0 ? 1 : -1;
}

static json_object *
parse(const char *s, json_type type)
{
	json_object *o;

	if (s == NULL || (o = json_tokener_parse(s)) == NULL)
		return NULL;
	if (!json_object_is_type(o, type)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static const char *
str_of(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* {"option_a","option_b"[,"option_c"[,"option_d"]]}, 1-25 characters. */
static int
check_poll(struct fgreq *r, json_object *poll)
{
	static const char *const keys[] = { "option_a", "option_b",
	    "option_c", "option_d" };
	const char *s;
	size_t i, n = 0, k;

	json_object_object_foreach(poll, key, val) {
		(void)val;
		for (k = 0; k < POLL_MAX; k++)
			if (strcmp(key, keys[k]) == 0)
				break;
		if (k == POLL_MAX)
			return refuse(r, "Param poll_attachment has an unknown "
			    "key.");
		n++;
	}
	for (i = 0; i < n; i++) {
		if ((s = str_of(poll, keys[i])) == NULL)
			return refuse(r, "Param poll_attachment options must "
			    "be option_a, option_b, option_c, option_d in "
			    "order.");
		k = textlen_chars(s);
		if (k < 1 || k > OPTION_MAX)
			return refuse(r, "Each poll option must be between 1 "
			    "and 25 characters long.");
	}
	if (n < POLL_MIN || n > POLL_MAX)
		return refuse(r, "The poll_attachment object must contain at "
		    "least 2 options and no more than 4 options.");
	return 0;
}

/* [{"entity_type":"SPOILER","offset","length"}], at most 10, in text. */
static int
check_entities(struct fgreq *r, json_object *arr, const char *text)
{
	json_object *e, *v;
	const char *type;
	int64_t off, len;
	size_t i, n = json_object_array_length(arr), tlen = textlen_chars(text);

	if (n == 0 || n > SPOILERS_MAX)
		return refuse(r, "The maximum number of text spoiler entities "
		    "per post is limited to 10.");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_object) ||
		    (type = str_of(e, "entity_type")) == NULL ||
		    strcasecmp(type, "SPOILER") != 0)
			return refuse(r, "Param text_entities: entity_type "
			    "must be SPOILER.");
		if (!json_object_object_get_ex(e, "offset", &v) ||
		    !json_object_is_type(v, json_type_int) ||
		    (off = json_object_get_int64(v)) < 0 ||
		    !json_object_object_get_ex(e, "length", &v) ||
		    !json_object_is_type(v, json_type_int) ||
		    (len = json_object_get_int64(v)) < 1)
			return refuse(r, "Param text_entities: offset and "
			    "length must be whole numbers, length positive.");
		if ((uint64_t)off + (uint64_t)len > tlen)
			return refuse(r, "Param text_entities: a spoiler falls "
			    "outside the text.");
	}
	return 0;
}

static int
is_url(const char *s)
{
	return s != NULL && (strncasecmp(s, "https://", 8) == 0 ||
	    strncasecmp(s, "http://", 7) == 0) && strpbrk(s, " \t\r\n") ==
	    NULL;
}

static int
check_text_attachment(struct fgreq *r, json_object *ta,
    const struct post_spec *ps)
{
	json_object *v;
	const char *link;
	size_t n;

	json_object_object_foreach(ta, key, val) {
		(void)val;
		if (strcmp(key, "plaintext") != 0 &&
		    strcmp(key, "link_attachment_url") != 0)
			return refuse(r, "Param text_attachment has an unknown "
			    "key.");
	}
	n = textlen_chars(str_of(ta, "plaintext"));
	if (str_of(ta, "plaintext") == NULL || n < 1 || n > PLAINTEXT_MAX)
		return refuse(r, "Param text_attachment plaintext must be "
		    "1-10000 characters.");
	if (!json_object_object_get_ex(ta, "link_attachment_url", &v))
		return 0;
	if ((link = str_of(ta, "link_attachment_url")) == NULL ||
	    !is_url(link))
		return refuse(r, "Param text_attachment link_attachment_url "
		    "must be a URL.");
	if (ps->link_attachment != NULL)
		return refuse(r, "A link attachment cannot be added in the "
		    "text attachment when the post has a link attachment.");
	if (textlen_links(ps->text, link) > LINKS_MAX) {
		struct gerr g = { 400, "THApiException", 100, 0, 0,
		    "THREADS_API__LINK_LIMIT_EXCEEDED", NULL };

		reply_gerr(r, &g, "(#100) THREADS_API__LINK_LIMIT_EXCEEDED: "
		    "a post can contain at most 5 links");
		return -EINVAL;
	}
	return 0;
}

/* {"gif_id","provider":"GIPHY"} (Tenor's API closed on 2026-06-30). */
static int
check_gif(struct fgreq *r, json_object *gif)
{
	const char *id = str_of(gif, "gif_id"), *pv = str_of(gif, "provider");
	size_t len;

	json_object_object_foreach(gif, key, val) {
		(void)val;
		if (strcmp(key, "gif_id") != 0 && strcmp(key, "provider") != 0)
			return refuse(r, "Param gif_attachment has an unknown "
			    "key.");
	}
	if (id == NULL || (len = strlen(id)) == 0 || len > GIF_ID_MAX ||
	    strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != len)
		return refuse(r, "Param gif_attachment gif_id is not a GIF "
		    "id.");
	if (pv == NULL || strcmp(pv, "GIPHY") != 0)
		return refuse(r, "Param gif_attachment provider must be "
		    "GIPHY.");
	return 0;
}

struct opts {
	int		 ghost, spoiler_media;
	json_object	*poll, *entities, *ta, *gif;
};

static void
opts_clear(struct opts *o)
{
	json_object_put(o->poll);
	json_object_put(o->entities);
	json_object_put(o->ta);
	json_object_put(o->gif);
}

/* The combinations Meta's pages rule out. */
static int
check_combination(struct fgreq *r, const struct post_spec *ps,
    const struct opts *o)
{
	int text = ps->type == MT_TEXT && !ps->is_carousel_item;

	if (o->ghost && !text)
		return refuse(r, "Ghost posts are text-only posts.");
	if (o->ghost && ps->reply_to_id != NULL)
		return refuse(r, "You cannot reply to any post with a ghost "
		    "post.");
	if (o->ghost && (o->poll != NULL || o->ta != NULL || o->gif != NULL ||
	    ps->link_attachment != NULL || ps->quote_post_id != NULL ||
	    ps->topic_tag != NULL))
		return refuse(r, "The only feature supported with ghost posts "
		    "is text spoilers.");
	if (o->poll != NULL && !text)
		return refuse(r, "You can attach polls only to text-only "
		    "posts.");
	if (o->ta != NULL && !text)
		return refuse(r, "Text attachments can only be attached to "
		    "text-only posts.");
	if (o->ta != NULL && o->poll != NULL)
		return refuse(r, "Text attachments cannot be attached to a "
		    "post that has a poll.");
	if (o->gif != NULL && !text)
		return refuse(r, "GIF attachments can only be attached to "
		    "text-only posts.");
	if (o->gif != NULL && (o->poll != NULL || o->ta != NULL))
		return refuse(r, "A post takes one of a poll, a text "
		    "attachment and a GIF.");
	if (o->spoiler_media && ps->type != MT_IMAGE && ps->type != MT_VIDEO &&
	    ps->type != MT_CAROUSEL)
		return refuse(r, "Media spoilers only work with a media_type "
		    "of IMAGE, VIDEO, or CAROUSEL.");
	if (o->entities != NULL && (ps->text == NULL || *ps->text == '\0'))
		return refuse(r, "Param text_entities needs text.");
	return 0;
}

static int
read_opts(struct fgreq *r, struct opts *o)
{
	const char *s;

	if ((o->ghost = boolean(req_param(r, "is_ghost_post"))) < 0 ||
	    (o->spoiler_media = boolean(req_param(r,
	    "is_spoiler_media"))) < 0)
		return refuse(r, "Param is_ghost_post and is_spoiler_media "
		    "take true or false.");
	if ((s = req_param(r, "poll_attachment")) != NULL &&
	    (o->poll = parse(s, json_type_object)) == NULL)
		return refuse(r, "Param poll_attachment must be a JSON "
		    "object.");
	if ((s = req_param(r, "text_entities")) != NULL &&
	    (o->entities = parse(s, json_type_array)) == NULL)
		return refuse(r, "Param text_entities must be a JSON array.");
	if ((s = req_param(r, "text_attachment")) != NULL &&
	    (o->ta = parse(s, json_type_object)) == NULL)
		return refuse(r, "Param text_attachment must be a JSON "
		    "object.");
	if ((s = req_param(r, "gif_attachment")) != NULL &&
	    (o->gif = parse(s, json_type_object)) == NULL)
		return refuse(r, "Param gif_attachment must be a JSON object.");
	return 0;
}

static int
keep(const struct opts *o, char **ret_json)
{
	json_object *k;
	const char *s;

	*ret_json = NULL;
	if (!o->ghost && !o->spoiler_media && o->poll == NULL &&
	    o->entities == NULL && o->ta == NULL && o->gif == NULL)
		return 0;
	if ((k = json_object_new_object()) == NULL)
		return -ENOMEM;
	if (o->ghost)
		json_object_object_add(k, "is_ghost_post",
		    json_object_new_boolean(1));
	if (o->spoiler_media)
		json_object_object_add(k, "is_spoiler_media",
		    json_object_new_boolean(1));
	if (o->poll != NULL)
		json_object_object_add(k, "poll_attachment",
		    json_object_get(o->poll));
	if (o->entities != NULL)
		json_object_object_add(k, "text_entities",
		    json_object_get(o->entities));
	if (o->ta != NULL)
		json_object_object_add(k, "text_attachment",
		    json_object_get(o->ta));
	if (o->gif != NULL)
		json_object_object_add(k, "gif_attachment",
		    json_object_get(o->gif));
	s = json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN);
	*ret_json = s != NULL ? strdup(s) : NULL;
	json_object_put(k);
	return *ret_json != NULL ? 0 : -ENOMEM;
}

int
attach_check(struct fgreq *r, struct post_spec *ps, char **ret_json)
{
	struct opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	*ret_json = NULL;
	if ((rc = read_opts(r, &o)) < 0 ||
	    (rc = check_combination(r, ps, &o)) < 0 ||
	    (o.poll != NULL && (rc = check_poll(r, o.poll)) < 0) ||
	    (o.entities != NULL &&
	    (rc = check_entities(r, o.entities, ps->text)) < 0) ||
	    (o.ta != NULL && (rc = check_text_attachment(r, o.ta, ps)) < 0) ||
	    (o.gif != NULL && (rc = check_gif(r, o.gif)) < 0)) {
		opts_clear(&o);
		return rc;
	}
	rc = keep(&o, ret_json);
	opts_clear(&o);
	if (rc < 0)
		reply_json(r, 500, NULL);
	return rc;
}
