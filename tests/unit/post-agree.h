/*
 * For the tests of post.c's flat reader (unit/test-postrec.c and
 * fuzz/fuzz-postrec.c): two posts alike field by field, and one record
 * read both ways, by post_from_flat() and by json-c with
 * post_from_record(), which must agree whenever the flat reader takes
 * the record.
 */
#ifndef THREADSD_POST_AGREE_H
#define THREADSD_POST_AGREE_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon/store/post.h"
#include "daemon/store/store.h"

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

#endif
