/*
 * Posts in the store: the record (what was asked for, and where the
 * state machine stands), its keys, and the one function that writes a
 * post, post_put(), which keeps the `due` index, `account_posts` and the
 * per-state tallies in meta exact in the caller's transaction.  A post
 * has a `due` key exactly when next_at is set: the time of its next
 * action; the key's value holds the post's due time, state and pause, so
 * that what is next due is read from the index.  Nothing here logs or
 * talks to the network.
 */
#ifndef THREADSD_POST_H
#define THREADSD_POST_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <lmdb.h>

#include "daemon/graph/graph.h"
#include "daemon/store/record.h"

struct store;
struct wbuf;

enum post_state {
	POST_SCHEDULED,
	POST_STAGING,
	POST_STAGED,
	POST_READY,
	POST_PUBLISHING,
	POST_PUBLISHED,
	POST_FAILED,
	POST_CANCELLED,
	POST_NSTATES
};

extern const char *const post_state_names[POST_NSTATES];

#define POST_MAX_MEDIA	20	/* carousel items (threads-api §6.1) */
#define POST_ID_LEN	24	/* a post id as a decimal string */

enum post_kind {
	POST_TEXT,
	POST_IMAGE,
	POST_VIDEO,
	POST_CAROUSEL,
	POST_REPOST,	/* POST /{media-id}/repost: no container */
};

#define POST_POLL_MAX		4	/* options (Polls) */
#define POST_SPOILER_MAX	10	/* text spoiler ranges (Spoilers) */

struct post_spoiler {
	uint32_t	 offset;	/* in characters of the text */
	uint32_t	 length;
};

struct post_media {
	int		 video;		/* else an image */
	char		*url;
	char		*alt;		/* NULL: none */
};

struct post {
	uint64_t	 id;
	char		 user_id[GRAPH_ID_LEN];
	enum post_state	 state;
	enum post_kind	 kind;
	int64_t		 due_at;	/* when it should be published */
	int64_t		 next_at;	/* its `due` key; 0: none */
	int64_t		 created_at;

	/* what was asked for */
	char		*text;
	struct post_media media[POST_MAX_MEDIA];
	size_t		 nmedia;
	uint64_t	 reply_to_post;	/* a queued parent; 0: none */
	char		 reply_to[GRAPH_ID_LEN];	/* media id; "" */
	char		*reply_control;
	char		 quote[GRAPH_ID_LEN];
	char		*link;
	char		*topic;
	uint64_t	*replies;	/* queued posts replying to this one */
	size_t		 nreplies;
	int		 ghost;		/* is_ghost_post */
	char		*poll[POST_POLL_MAX];	/* option_a..option_d */
	size_t		 npoll;
	struct post_spoiler spoilers[POST_SPOILER_MAX];	/* text_entities */
	size_t		 nspoilers;
	int		 spoiler_media;	/* is_spoiler_media */
	char		*attachment;	/* text_attachment plaintext */
	char		*attachment_link;	/* its link_attachment_url */
	char		*gif;		/* gif_attachment gif_id (GIPHY) */
	char		 repost_of[GRAPH_ID_LEN];	/* POST_REPOST: media id */

	/* where the state machine stands */
	int		 attempts;	/* publish requests sent */
	int		 tries;		/* failures of this step */
	char		 container[GRAPH_ID_LEN];	/* "": none yet */
	char		 children[POST_MAX_MEDIA][GRAPH_ID_LEN];
	size_t		 nchildren;
	int64_t		 quota_ok_at;	/* ready: quota seen then */
	int64_t		 publish_at;	/* last publish sent */
	int		 check;		/* outcome unknown */
	int		 paused;	/* its account needs re-auth */
	int		 searches;	/* searches of /me/threads */
	int		 remakes;	/* containers made again (Meta) */
	int64_t		 staged_at;	/* its container(s) made then; 0 */
	int		 notready;	/* publishes Meta called not ready */
	int		 stuck;		/* containers IN_PROGRESS too long */
	int		 children_ready;	/* items read FINISHED */
	char		 media_id[GRAPH_ID_LEN];	/* "": unknown */
	int		 media_unknown;	/* published, id not found */
	char		*permalink;
	char		*error;		/* why it failed */
	int64_t		 published_at;
};

const char	*post_kind_name(enum post_kind);
/* -1 when s names no state. */
int		 post_state_from_name(const char *s);
/* The stopping states: published, failed, cancelled. */
int		 post_state_final(enum post_state);

void		 post_init(struct post *);
void		 post_clear(struct post *);
/* Replaces *dst with a copy of src (NULL allowed).  0 or -ENOMEM. */
static inline int
post_set_str(char **dst, const char *src)
{
	return record_set_str(dst, src);
}
/* A deep copy into an initialised dst.  0 or -ENOMEM. */
int		 post_copy(struct post *dst, const struct post *src);
/* Adds a reply's id to the parent's list.  0 or -ENOMEM. */
int		 post_add_reply(struct post *, uint64_t reply_id);
/* Forgets the post's containers (its own and a carousel's items). */
void		 post_drop_containers(struct post *);

/*
 * The record's text (JSON_C_TO_STRING_PLAIN, as json-c writes it),
 * straight into w (wbuf.h, initialised here; wbuf_free() it; w->nomem
 * when an allocation failed): what post_put() stores (post-write.c).
 */
void		 post_record_write(const struct post *, struct wbuf *w);
/*
 * The record as json-c reads it (NULL: no memory), and back; -EBADMSG
 * when it is not a post record.
 */
struct json_object *post_record(const struct post *);
int		 post_from_record(struct json_object *, struct post *ret_p);
/*
 * The same from the record's text, without json-c: what post_get()
 * reads first.  -ENOTSUP for whatever it leaves to json-c (a record
 * post_from_record() refuses, a key given twice, a value of a kind
 * post_record() does not write: flatrec.h), and then nothing is set.
 */
int		 post_from_flat(const char *buf, size_t len, struct post *ret_p);
/* A record as stored: post_from_flat(), else post_from_record(). */
int		 post_from_val(const MDB_val *, struct post *ret_p);

/* -ENOENT when there is no such post. */
int		 post_get(MDB_txn *, struct store *, uint64_t id,
		    struct post *ret_p);
/*
 * Writes p.  A new post (p->id 0) gets the next id and its account_posts
 * key; for an existing one the stored record says which `due` key and
 * which tally to move, so callers cannot get them out of step.
 */
int		 post_put(MDB_txn *, struct store *, struct post *p);

/*
 * A number that changes whenever a post of user_id is created or erased,
 * or a published reply of it is written (one is published, or changed,
 * or is no longer one): a count of the account's published replies kept
 * in memory holds while it stays the same.  Accounts share numbers (a
 * bucket each), so it also changes for others' posts.  Not stored: it
 * starts again with the process.
 */
uint32_t	 post_replies_gen(const struct store *, const char *user_id);
/* Changes it: the account's posts are erased (account_erase()). */
void		 post_replies_touch(struct store *, const char *user_id);

/*
 * What a `due` entry (k and v, from a cursor on st->due) says of its
 * post: the entry's value holds what the next due post is chosen by, so
 * the record is read only for an entry written without it (by an older
 * threadsd, or a generator).  -EBADMSG: not a `due` key, or a damaged
 * record; -ENOENT: no record.
 */
struct post_due {
	int64_t		 at;		/* its next action: the key's time */
	uint64_t	 id;
	int64_t		 due_at;
	enum post_state	 state;
	int		 paused;
};

int		 post_due_entry(MDB_txn *, struct store *, const MDB_val *k,
		    const MDB_val *v, struct post_due *ret);

/* "123" into buf (POST_ID_LEN).  Returns buf. */
char		*post_id_str(uint64_t id, char *buf);
/* A decimal post id; 0 when s is not one. */
uint64_t	 post_id_parse(const char *s);

/*
 * The wire form (DESIGN.md §3).  username is the account's current name
 * (NULL: unknown).
 */
struct json_object *post_to_json(const struct post *, const char *username);

#endif
