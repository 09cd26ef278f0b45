/*
 * media: publishing containers and published media (threads-api.md 6).
 *
 * media.c owns every container and media object; users hold borrowed
 * pointers to their published posts.  Container status is computed from
 * the fake clock: IN_PROGRESS until ready_at, then FINISHED, EXPIRED 24 h
 * after creation unless published, ERROR when processing "failed".
 */
#ifndef FG_MEDIA_H
#define FG_MEDIA_H

#include <stddef.h>
#include <stdint.h>

struct fguser;

enum cstatus {
	C_IN_PROGRESS,
	C_FINISHED,
	C_PUBLISHED,
	C_ERROR,
	C_EXPIRED
};

enum mtype {
	MT_TEXT,
	MT_IMAGE,
	MT_VIDEO,
	MT_CAROUSEL,
	MT_REPOST	/* read back as REPOST_FACADE; never created */
};

#define CONTAINER_TTL	86400
#define CAROUSEL_MIN	2
#define CAROUSEL_MAX	20

/* What a container is made of; strings are copied. */
struct post_spec {
	enum mtype		 type;
	const char		*text;
	const char		*media_url; /* image_url or video_url */
	const char		*alt_text;
	const char		*link_attachment;
	const char		*topic_tag;
	const char		*reply_control;
	const char		*reply_to_id;
	const char		*quote_post_id;
	int			 is_carousel_item;
	char			*attach;	/* attach.c's JSON; owned */
};

struct fgcontainer {
	char			 idstr[24];
	struct fguser		*owner;
	enum mtype		 type;
	char			*text, *media_url, *alt_text;
	char			*link_attachment;
	char			*topic_tag, *reply_control, *reply_to_id;
	char			*quote_post_id;
	char			*attach;	/* the newer options, JSON */
	int			 is_carousel_item;
	int			 in_carousel; /* a parent claimed it */
	struct fgcontainer	**children;
	size_t			 nchildren;
	int64_t			 created_at, ready_at;
	char			*error_message; /* set: status ERROR */
	char			 media_id[24];	/* set: PUBLISHED */
	/* What the client asked of it, for /__admin/container. */
	int64_t			 status_reads;
	int64_t			 publish_tries;
};

struct fgmedia {
	char			 idstr[24];
	struct fguser		*owner;
	enum mtype		 type;
	char			*text, *media_url, *alt_text, *link_url;
	char			*topic_tag, *reply_to_id, *quote_post_id;
	char			*attach;	/* the newer options, JSON */
	char			*reposted_id;	/* MT_REPOST: of this media */
	char			 shortcode[16];
	char			 container_id[24];
	int64_t			 timestamp;
	int64_t			 at_ms;		/* published, in ms; 0: seeded */
	int			 is_carousel_item;
	int			 deleted;
	int			 seeded;
	struct fgmedia		**children;
	size_t			 nchildren;
	int64_t			 views, likes, replies, reposts;
	int64_t			 quotes, shares;
};

int			 media_init(void);
void			 media_free(void);

int			 container_new(struct fguser *,
			    const struct post_spec *, struct fgcontainer **,
			    size_t, struct fgcontainer **);
struct fgcontainer	*container_get(const char *);
/* The k-th container made (0: the first); NULL past the last. */
struct fgcontainer	*container_nth(size_t);
enum cstatus		 container_status(const struct fgcontainer *,
			    int64_t);
const char		*cstatus_name(enum cstatus);

int			 media_publish(struct fgcontainer *, int64_t,
			    struct fgmedia **);
int			 media_seed(struct fguser *, const char *, int64_t,
			    struct fgmedia **);
/* A repost of of by u, published now; the caller checked it may. */
int			 media_repost(struct fguser *u, struct fgmedia *of,
			    int64_t now, struct fgmedia **);
struct fgmedia		*media_get(const char *);
const char		*mtype_read_name(enum mtype);

#endif
