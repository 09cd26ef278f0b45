/*
 * For the tests of post.c's flat reader and post-write.c's straight
 * writer (unit/test-postrec.c and fuzz/fuzz-postrec.c): two posts alike
 * field by field; one record read both ways, by post_from_flat() and by
 * json-c with post_from_record(), which must agree whenever the flat
 * reader takes the record; and a post written straight, which must be
 * json-c's old record of it byte for byte.
 */
#ifndef THREADSD_POST_AGREE_H
#define THREADSD_POST_AGREE_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/post.h"
#include "daemon/store/store.h"
#include "daemon/store/wbuf.h"

static int
agree_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * NULL when a and b are alike, else the first field that is not (or, for
 * a field this list does not know yet, the record post_record() writes).
 */
static const char *
post_differs(const struct post *a, const struct post *b)
{
	size_t i;

#define SAME(f)		if (a->f != b->f) return #f
#define SAME_STR(f)	if (!agree_str_eq(a->f, b->f)) return #f
	SAME(id);
	SAME_STR(user_id);
	SAME(state);
	SAME(kind);
	SAME(due_at);
	SAME(next_at);
	SAME(created_at);
	SAME_STR(text);
	SAME(nmedia);
	for (i = 0; i < a->nmedia; i++) {
		SAME(media[i].video);
		SAME_STR(media[i].url);
		SAME_STR(media[i].alt);
	}
	SAME(reply_to_post);
	SAME_STR(reply_to);
	SAME_STR(reply_control);
	SAME_STR(quote);
	SAME_STR(link);
	SAME_STR(topic);
	SAME(nreplies);
	for (i = 0; i < a->nreplies; i++)
		SAME(replies[i]);
	SAME(ghost);
	SAME(npoll);
	for (i = 0; i < a->npoll; i++)
		SAME_STR(poll[i]);
	SAME(nspoilers);
	for (i = 0; i < a->nspoilers; i++) {
		SAME(spoilers[i].offset);
		SAME(spoilers[i].length);
	}
	SAME(spoiler_media);
	SAME_STR(attachment);
	SAME_STR(attachment_link);
	SAME_STR(gif);
	SAME_STR(repost_of);
	SAME(attempts);
	SAME(tries);
	SAME_STR(container);
	SAME(nchildren);
	for (i = 0; i < a->nchildren; i++)
		SAME_STR(children[i]);
	SAME(quota_ok_at);
	SAME(publish_at);
	SAME(check);
	SAME(paused);
	SAME(searches);
	SAME(remakes);
	SAME(staged_at);
	SAME(notready);
	SAME(stuck);
	SAME(children_ready);
	SAME_STR(media_id);
	SAME(media_unknown);
	SAME_STR(permalink);
	SAME_STR(error);
	SAME(published_at);
#undef SAME
#undef SAME_STR
	/* And whatever field is newer than this list: the records differ. */
	{
		struct json_object *ra = post_record(a), *rb = post_record(b);
		int same = strcmp(json_object_to_json_string_ext(ra,
		    JSON_C_TO_STRING_PLAIN), json_object_to_json_string_ext(rb,
		    JSON_C_TO_STRING_PLAIN)) == 0;

		json_object_put(ra);
		json_object_put(rb);
		if (!same)
			return "the record written back";
	}
	return NULL;
}

/*
 * rec read both ways.  0: the flat reader took it and json-c reads the
 * same post; -ENOTSUP: the flat reader left it to json-c; -1: they
 * disagree (said on stderr).  *ret_p (may be NULL) gets the flat
 * reader's post, to post_clear().
 */
static int
post_agree(const char *rec, size_t len, struct post *ret_p)
{
	MDB_val v = { len, (void *)rec };
	struct json_object *o;
	struct post f, j;
	const char *field = NULL;
	int rf, rj;

	post_init(&f);
	post_init(&j);
	rf = post_from_flat(rec, len, &f);
	if (rf == -ENOTSUP || rf == -ENOMEM)
		return rf;
	rj = store_json_from_val(&v, &o);
	if (rj == 0) {
		rj = post_from_record(o, &j);
		json_object_put(o);
	}
	if (rf != 0 || rj != 0 || (field = post_differs(&f, &j)) != NULL) {
		fprintf(stderr, "flat %d, json-c %d%s%s: %.*s\n", rf, rj,
		    field != NULL ? ", differ in " : "",
		    field != NULL ? field : "", (int)len, rec);
		post_clear(&f);
		post_clear(&j);
		return -1;
	}
	post_clear(&j);
	if (ret_p != NULL)
		*ret_p = f;
	else
		post_clear(&f);
	return 0;
}

/*
 * The record as post_record() built it with json-c before post-write.c
 * wrote it straight, printed by json-c: what the straight writer must
 * write byte for byte.  Kept as it was, field by field, so that it does
 * not follow a change of post-fields.h's table: a new field is added
 * here too.
 */
static void
old_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v != NULL && *v != '\0' ?
	    json_object_new_string(v) : NULL);
}

static void
old_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void
old_id(struct json_object *o, const char *k, uint64_t id)
{
	char buf[POST_ID_LEN];

	old_str(o, k, id != 0 ? post_id_str(id, buf) : NULL);
}

static char *
old_record(const struct post *p)
{
	static const char *const kinds[] = { "text", "image", "video",
	    "carousel", "repost" };
	struct json_object *o = json_object_new_object(), *arr, *m;
	char buf[POST_ID_LEN], *s;
	size_t i;

	old_int(o, "v", 1);
	old_id(o, "id", p->id);
	old_str(o, "user_id", p->user_id);
	old_str(o, "state", post_state_names[p->state]);
	old_str(o, "kind", (size_t)p->kind < 5 ? kinds[p->kind] : "text");
	old_int(o, "due_at", p->due_at);
	old_int(o, "next_at", p->next_at);
	old_int(o, "created_at", p->created_at);
	old_str(o, "text", p->text);
	arr = json_object_new_array();
	for (i = 0; i < p->nmedia; i++) {
		m = json_object_new_object();
		old_str(m, "type", p->media[i].video ? "video" : "image");
		old_str(m, "url", p->media[i].url);
		old_str(m, "alt", p->media[i].alt);
		json_object_array_add(arr, m);
	}
	json_object_object_add(o, "media", arr);
	old_id(o, "reply_to_post", p->reply_to_post);
	old_str(o, "reply_to", p->reply_to);
	old_str(o, "reply_control", p->reply_control);
	old_str(o, "quote", p->quote);
	old_str(o, "link", p->link);
	old_str(o, "topic", p->topic);
	if (p->ghost)
		old_int(o, "ghost", 1);
	if (p->npoll > 0) {
		arr = json_object_new_array();
		for (i = 0; i < p->npoll; i++)
			json_object_array_add(arr,
			    json_object_new_string(p->poll[i]));
		json_object_object_add(o, "poll", arr);
	}
	if (p->nspoilers > 0) {
		arr = json_object_new_array();
		for (i = 0; i < p->nspoilers; i++) {
			m = json_object_new_object();
			old_int(m, "offset", p->spoilers[i].offset);
			old_int(m, "length", p->spoilers[i].length);
			json_object_array_add(arr, m);
		}
		json_object_object_add(o, "spoilers", arr);
	}
	if (p->spoiler_media)
		old_int(o, "spoiler_media", 1);
	if (p->attachment != NULL)
		old_str(o, "attachment", p->attachment);
	if (p->attachment_link != NULL)
		old_str(o, "attachment_link", p->attachment_link);
	if (p->gif != NULL)
		old_str(o, "gif", p->gif);
	if (p->repost_of[0] != '\0')
		old_str(o, "repost_of", p->repost_of);
	arr = json_object_new_array();
	for (i = 0; i < p->nreplies; i++)
		json_object_array_add(arr, json_object_new_string(
		    post_id_str(p->replies[i], buf)));
	json_object_object_add(o, "replies", arr);
	old_int(o, "attempts", p->attempts);
	old_int(o, "tries", p->tries);
	old_str(o, "container", p->container);
	arr = json_object_new_array();
	for (i = 0; i < p->nchildren; i++)
		json_object_array_add(arr,
		    json_object_new_string(p->children[i]));
	json_object_object_add(o, "children", arr);
	old_int(o, "quota_ok_at", p->quota_ok_at);
	old_int(o, "publish_at", p->publish_at);
	old_int(o, "check", p->check);
	old_int(o, "paused", p->paused);
	old_int(o, "searches", p->searches);
	old_int(o, "remakes", p->remakes);
	old_int(o, "staged_at", p->staged_at);
	old_int(o, "notready", p->notready);
	old_int(o, "stuck", p->stuck);
	old_int(o, "children_ready", p->children_ready);
	old_str(o, "media_id", p->media_id);
	old_int(o, "media_unknown", p->media_unknown);
	old_str(o, "permalink", p->permalink);
	old_str(o, "error", p->error);
	old_int(o, "published_at", p->published_at);
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

/*
 * Whether the record of p is one the readers take: json-c's record
 * wrote an empty string as null, and an id, the account and a media
 * url are required.
 */
static int
agree_readable(const struct post *p)
{
	size_t i;

	if (p->id == 0 || p->user_id[0] == '\0')
		return 0;
	for (i = 0; i < p->nmedia; i++)
		if (p->media[i].url == NULL || p->media[i].url[0] == '\0')
			return 0;
	return 1;
}

/*
 * p written straight (post_record_write()): NULL when it is json-c's
 * old record byte for byte and, for a post the readers take
 * (agree_readable()), both readers take it and read it alike (json-c
 * alone past what the flat reader takes), and what they read is
 * written as json-c's old record of it again; else what is not (and the
 * records on stderr).
 */
static const char *
post_write_agrees(const struct post *p)
{
	struct wbuf w, w2;
	struct json_object *o;
	struct post back;
	const char *why = NULL;
	char *old = old_record(p);
	int r = 0;

	post_record_write(p, &w);
	wbuf_init(&w2);
	post_init(&back);
	if (old == NULL || w.nomem)
		why = "no memory";
	else if (strlen(old) != w.len || memcmp(old, w.p, w.len) != 0)
		why = "the bytes";
	else if (!agree_readable(p))
		;	/* not a record the readers take: the bytes only */
	else if ((r = post_agree(w.p, w.len, &back)) == -ENOTSUP &&
	    (r = store_json_from_val(&(MDB_val){ w.len, w.p }, &o)) == 0) {
		/* Past what the flat reader takes (a long string): json-c's. */
		r = post_from_record(o, &back);
		json_object_put(o);
	}
	if (why == NULL && r != 0)
		why = "the readers";
	else if (why == NULL && agree_readable(p)) {
		/* What the readers made of it, written again: json-c's too. */
		post_record_write(&back, &w2);
		free(old);
		if ((old = old_record(&back)) == NULL || w2.nomem ||
		    w2.len != strlen(old) || memcmp(w2.p, old, w2.len) != 0)
			why = "written back";
	}
	if (why != NULL)
		fprintf(stderr, "straight writer: %s\n  json-c: %s\n  "
		    "straight: %.*s\n", why, old != NULL ? old : "",
		    (int)w.len, w.p);
	free(old);
	post_clear(&back);
	wbuf_free(&w);
	wbuf_free(&w2);
	return why;
}

#endif
