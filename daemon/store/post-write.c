/*
 * A post written: its record, straight into a buffer (wbuf.h) in the
 * bytes json-c writes (post_put() stores them; building a json-c object
 * and printing it was half of a put), that record as json-c reads it, and
 * the wire form.  The record's fields are post-fields.h's table; the
 * readers are post.c's.  tests/unit/test-postrec.c holds the bytes to
 * what json-c wrote of the same post before.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/store/post.h"
#include "daemon/store/post-fields.h"
#include "daemon/store/record.h"
#include "daemon/store/wbuf.h"

/* An empty string is not kept: the record holds what was given. */
static const char *
given(const char *v)
{
	return v != NULL && *v != '\0' ? v : NULL;
}

/* A queued post's id as the record and the wire form hold it. */
static const char *
id_given(uint64_t id, char buf[POST_ID_LEN])
{
	return id != 0 ? post_id_str(id, buf) : NULL;
}

static void
write_str(struct wbuf *w, const char *k, const char *v)
{
	wbuf_str_member(w, k, given(v));
}

/*
 * The newer options (Create Posts: ghost posts, polls, spoilers, text
 * attachments, GIFs, reposts).  Each key is written only when set, so a
 * record from before them reads back as a post without them.
 */
static void
write_options(struct wbuf *w, const struct post *p)
{
	size_t i;

	if (p->ghost)
		wbuf_int_member(w, "ghost", 1, 0);
	if (p->npoll > 0) {
		wbuf_key(w, "poll");
		wbuf_add(w, "[", 1);
		for (i = 0; i < p->npoll; i++) {
			wbuf_sep(w);
			wbuf_str(w, p->poll[i]);
		}
		wbuf_add(w, "]", 1);
	}
	if (p->nspoilers > 0) {
		wbuf_key(w, "spoilers");
		wbuf_add(w, "[", 1);
		for (i = 0; i < p->nspoilers; i++) {
			wbuf_sep(w);
			wbuf_add(w, "{", 1);
			wbuf_int_member(w, "offset", p->spoilers[i].offset, 0);
			wbuf_int_member(w, "length", p->spoilers[i].length, 0);
			wbuf_add(w, "}", 1);
		}
		wbuf_add(w, "]", 1);
	}
	if (p->spoiler_media)
		wbuf_int_member(w, "spoiler_media", 1, 0);
	if (p->attachment != NULL)
		write_str(w, "attachment", p->attachment);
	if (p->attachment_link != NULL)
		write_str(w, "attachment_link", p->attachment_link);
	if (p->gif != NULL)
		write_str(w, "gif", p->gif);
	if (p->repost_of[0] != '\0')
		write_str(w, "repost_of", p->repost_of);
}

/* A list of post_fields[], in its place: always there, maybe empty. */
static void
write_list(struct wbuf *w, enum post_list l, const struct post *p)
{
	char buf[POST_ID_LEN];
	size_t i;

	if (l == PL_OPTIONS) {
		write_options(w, p);
		return;
	}
	wbuf_key(w, l == PL_MEDIA ? "media" : l == PL_REPLIES ? "replies" :
	    "children");
	wbuf_add(w, "[", 1);
	for (i = 0; l == PL_MEDIA && i < p->nmedia; i++) {
		wbuf_sep(w);
		wbuf_add(w, "{", 1);
		write_str(w, "type", p->media[i].video ? "video" : "image");
		write_str(w, "url", p->media[i].url);
		write_str(w, "alt", p->media[i].alt);
		wbuf_add(w, "}", 1);
	}
	for (i = 0; l == PL_REPLIES && i < p->nreplies; i++) {
		wbuf_sep(w);
		wbuf_str(w, post_id_str(p->replies[i], buf));
	}
	for (i = 0; l == PL_CHILDREN && i < p->nchildren; i++) {
		wbuf_sep(w);
		wbuf_str(w, p->children[i]);
	}
	wbuf_add(w, "]", 1);
}

void
post_record_write(const struct post *p, struct wbuf *w)
{
	const struct post_field *f;
	char buf[POST_ID_LEN];
	const char *v;

	wbuf_init(w);
	wbuf_add(w, "{", 1);
	wbuf_int_member(w, "v", POST_RECORD_VERSION, 0);
	write_str(w, "id", id_given(p->id, buf));
	write_str(w, "user_id", p->user_id);
	write_str(w, "state", post_state_names[p->state]);
	write_str(w, "kind", post_kind_name(p->kind));
	for (f = post_fields; f < post_fields + POST_NFIELDS; f++) {
		v = (const char *)p + f->off;
		switch (f->kind) {
		case PF_TIME:
			wbuf_int_member(w, f->key,
			    *(const int64_t *)(const void *)v, 0);
			break;
		case PF_NUM:
			wbuf_int_member(w, f->key,
			    *(const int *)(const void *)v, 0);
			break;
		case PF_STR:
			write_str(w, f->key, *(char *const *)(const void *)v);
			break;
		case PF_GID:
			write_str(w, f->key, v);
			break;
		case PF_PID:
			write_str(w, f->key, id_given(
			    *(const uint64_t *)(const void *)v, buf));
			break;
		case PF_LIST:
			write_list(w, f->list, p);
			break;
		}
	}
	wbuf_add(w, "}", 1);
}

struct json_object *
post_record(const struct post *p)
{
	struct json_tokener *tok;
	struct json_object *o = NULL;
	struct wbuf w;

	post_record_write(p, &w);
	if (!w.nomem && (tok = json_tokener_new()) != NULL) {
		o = json_tokener_parse_ex(tok, w.p, (int)w.len);
		json_tokener_free(tok);
	}
	wbuf_free(&w);
	return o;
}

struct json_object *
post_to_json(const struct post *p, const char *username)
{
	struct json_object *o = json_object_new_object();
	char buf[POST_ID_LEN];

	record_add_str(o, "id", id_given(p->id, buf));
	record_add_str(o, "user_id", given(p->user_id));
	record_add_str(o, "username", given(username));
	record_add_str(o, "state", post_state_names[p->state]);
	record_add_time(o, "due_at", p->due_at);
	record_add_str(o, "kind", post_kind_name(p->kind));
	record_add_str(o, "text", given(p->text));
	/*
	 * A reply also says what it replies to (a queued post's id, or a
	 * media id), so the queue can show it; other posts keep exactly
	 * DESIGN.md's fields.
	 */
	if (p->reply_to_post != 0)
		record_add_str(o, "reply_to_post", id_given(p->reply_to_post,
		    buf));
	if (p->reply_to[0] != '\0')
		record_add_str(o, "reply_to", p->reply_to);
	record_add_int(o, "attempts", p->attempts);
	record_add_str(o, "media_id", given(p->media_id));
	record_add_str(o, "permalink", given(p->permalink));
	record_add_str(o, "error", given(p->error));
	record_add_time(o, "published_at", p->published_at);
	return o;
}
