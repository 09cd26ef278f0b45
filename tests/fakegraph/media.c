/*
 * media: containers and media objects, found by id through hash tables.
 *
 * It owns both tables and every object in them.  Ids come from counters
 * (odd, 17 digits, above 2^53) so runs are reproducible for golden files
 * and a client that parses ids as doubles gets them wrong.  HTTP lives in
 * publish.c and threads.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf.h"
#include "htab.h"
#include "media.h"
#include "store.h"

#define CONTAINER_FIRST	17890000000000001LL
#define MEDIA_FIRST	18050000000000001LL

static struct htab	*containers;
static struct htab	*medias;
static int64_t		 next_container = CONTAINER_FIRST;
static int64_t		 next_media = MEDIA_FIRST;

static void
container_free(void *p)
{
	struct fgcontainer	*c = p;

	if (c == NULL)
		return;
	free(c->text);
	free(c->media_url);
	free(c->alt_text);
	free(c->link_attachment);
	free(c->topic_tag);
	free(c->reply_control);
	free(c->reply_to_id);
	free(c->quote_post_id);
	free(c->attach);
	free(c->children);
	free(c->error_message);
	free(c);
}

static void
mediaobj_free(void *p)
{
	struct fgmedia	*m = p;

	if (m == NULL)
		return;
	free(m->text);
	free(m->media_url);
	free(m->alt_text);
	free(m->link_url);
	free(m->topic_tag);
	free(m->reply_to_id);
	free(m->quote_post_id);
	free(m->attach);
	free(m->reposted_id);
	free(m->children);
	free(m);
}

int
media_init(void)
{
	containers = htab_new();
	medias = htab_new();
	next_container = CONTAINER_FIRST;
	next_media = MEDIA_FIRST;
	if (containers == NULL || medias == NULL) {
		media_free();
		return -ENOMEM;
	}
	return 0;
}

void
media_free(void)
{
	htab_free(containers, container_free);
	htab_free(medias, mediaobj_free);
	containers = medias = NULL;
}

static int
dup_opt(char **dst, const char *src)
{
	if (src == NULL)
		return 0;
	return (*dst = strdup(src)) == NULL ? -ENOMEM : 0;
}

/*
 * A media URL that "fails processing": one carrying
 * fakegraph-error=NAME gets error_message NAME; one that is not http(s)
 * gets UNKNOWN (threads-api.md 6.2).
 */
static int
container_error(struct fgcontainer *c)
{
	const char	*p;
	size_t		 n;

	if (c->media_url == NULL)
		return 0;
	if ((p = strstr(c->media_url, "fakegraph-error=")) != NULL) {
		p += strlen("fakegraph-error=");
		n = strcspn(p, "&#");
		if (n == 0 || n > 64)
			p = "UNKNOWN", n = 7;
		c->error_message = strndup(p, n);
	} else if (strncmp(c->media_url, "https://", 8) != 0 &&
	    strncmp(c->media_url, "http://", 7) != 0)
		c->error_message = strdup("UNKNOWN");
	else
		return 0;
	return c->error_message == NULL ? -ENOMEM : 0;
}

int
container_new(struct fguser *owner, const struct post_spec *ps,
    struct fgcontainer **children, size_t nchildren,
    struct fgcontainer **ret)
{
	struct fgcontainer	*c;
	int64_t			 delay;
	size_t			 i;
	int			 r = -ENOMEM;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->owner = owner;
	c->type = ps->type;
	c->is_carousel_item = ps->is_carousel_item;
	if (dup_opt(&c->text, ps->text) < 0 ||
	    dup_opt(&c->media_url, ps->media_url) < 0 ||
	    dup_opt(&c->alt_text, ps->alt_text) < 0 ||
	    dup_opt(&c->link_attachment, ps->link_attachment) < 0 ||
	    dup_opt(&c->topic_tag, ps->topic_tag) < 0 ||
	    dup_opt(&c->reply_control, ps->reply_control) < 0 ||
	    dup_opt(&c->reply_to_id, ps->reply_to_id) < 0 ||
	    dup_opt(&c->quote_post_id, ps->quote_post_id) < 0 ||
	    dup_opt(&c->attach, ps->attach) < 0 ||
	    container_error(c) < 0)
		goto fail;
	if (nchildren > 0) {
		if ((c->children = calloc(nchildren,
		    sizeof(*c->children))) == NULL)
			goto fail;
		memcpy(c->children, children, nchildren * sizeof(*children));
		c->nchildren = nchildren;
	}
	switch (c->type) {
	case MT_IMAGE:
		delay = fgconf.image_delay;
		break;
	case MT_VIDEO:
		delay = fgconf.video_delay;
		break;
	case MT_TEXT:
		delay = fgconf.text_delay;
		break;
	default:
		delay = 0;
		break;
	}
	c->created_at = fgclock_now();
	c->ready_at = c->created_at + delay;
	snprintf(c->idstr, sizeof(c->idstr), "%" PRId64, next_container);
	if ((r = htab_put(containers, c->idstr, c)) < 0)
		goto fail;
	next_container += 2;
	for (i = 0; i < nchildren; i++)
		children[i]->in_carousel = 1;
	*ret = c;
	return 0;
fail:
	container_free(c);
	return r;
}

struct fgcontainer *
container_get(const char *id)
{
	return htab_get(containers, id);
}

/* The k-th container made since the start or reset (ids count up). */
struct fgcontainer *
container_nth(size_t k)
{
	char	id[24];

	if ((int64_t)k >= (next_container - CONTAINER_FIRST) / 2)
		return NULL;
	snprintf(id, sizeof(id), "%" PRId64, (int64_t)CONTAINER_FIRST +
	    2 * (int64_t)k);
	return htab_get(containers, id);
}

enum cstatus
container_status(const struct fgcontainer *c, int64_t now)
{
	enum cstatus	s;
	size_t		i;

	if (c->media_id[0] != '\0')
		return C_PUBLISHED;
	if (now < c->ready_at)
		return C_IN_PROGRESS;
	if (c->error_message != NULL)
		return C_ERROR;
	if (now - c->created_at >= CONTAINER_TTL)
		return C_EXPIRED;
	for (i = 0; i < c->nchildren; i++) {
		s = container_status(c->children[i], now);
		if (s == C_ERROR || s == C_IN_PROGRESS || s == C_EXPIRED)
			return s;
	}
	return C_FINISHED;
}

const char *
cstatus_name(enum cstatus s)
{
	static const char *const names[] = {
		"IN_PROGRESS", "FINISHED", "PUBLISHED", "ERROR", "EXPIRED"
	};

	return names[s];
}

const char *
mtype_read_name(enum mtype t)
{
	static const char *const names[] = {
		"TEXT_POST", "IMAGE", "VIDEO", "CAROUSEL_ALBUM",
		"REPOST_FACADE"
	};

	return names[t];
}

static void
shortcode(int64_t id, char *buf, size_t len)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint64_t		 v = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
	size_t			 i;

	for (i = 0; i + 1 < len && i < 11; i++, v >>= 6)
		buf[i] = a[v & 63];
	buf[i] = '\0';
}

static int
posts_push(struct fguser *u, struct fgmedia *m)
{
	struct fgmedia	**v;
	size_t		  cap;

	if (u->nposts == u->posts_cap) {
		cap = u->posts_cap ? u->posts_cap * 2 : 16;
		if ((v = reallocarray(u->posts, cap, sizeof(*v))) == NULL)
			return -ENOMEM;
		u->posts = v;
		u->posts_cap = cap;
	}
	u->posts[u->nposts++] = m;
	return 0;
}

static struct fgmedia *
media_new(struct fguser *owner, enum mtype type, int64_t when)
{
	struct fgmedia	*m;
	int64_t		 id = next_media;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->owner = owner;
	m->type = type;
	m->timestamp = when;
	snprintf(m->idstr, sizeof(m->idstr), "%" PRId64, id);
	shortcode(id, m->shortcode, sizeof(m->shortcode));
	if (htab_put(medias, m->idstr, m) < 0) {
		free(m);
		return NULL;
	}
	next_media += 2;
	return m;
}

/* Publish a FINISHED container; the caller checked status and quota. */
int
media_publish(struct fgcontainer *c, int64_t now, struct fgmedia **ret)
{
	struct fgmedia	*m, *cm;
	size_t		 i;

	if ((m = media_new(c->owner, c->type, now)) == NULL)
		return -ENOMEM;
	/* From here on m is in the table, which frees it on failure too. */
	if (dup_opt(&m->text, c->text) < 0 ||
	    dup_opt(&m->media_url, c->media_url) < 0 ||
	    dup_opt(&m->alt_text, c->alt_text) < 0 ||
	    dup_opt(&m->link_url, c->link_attachment) < 0 ||
	    dup_opt(&m->topic_tag, c->topic_tag) < 0 ||
	    dup_opt(&m->reply_to_id, c->reply_to_id) < 0 ||
	    dup_opt(&m->quote_post_id, c->quote_post_id) < 0 ||
	    dup_opt(&m->attach, c->attach) < 0)
		return -ENOMEM;
	memcpy(m->container_id, c->idstr, sizeof(c->idstr));
	m->at_ms = fgclock_now_ms();
	if (c->nchildren > 0 && (m->children = calloc(c->nchildren,
	    sizeof(*m->children))) == NULL)
		return -ENOMEM;
	for (i = 0; i < c->nchildren; i++) {
		if ((cm = media_new(c->owner, c->children[i]->type,
		    now)) == NULL ||
		    dup_opt(&cm->media_url, c->children[i]->media_url) < 0 ||
		    dup_opt(&cm->alt_text, c->children[i]->alt_text) < 0)
			return -ENOMEM;
		cm->is_carousel_item = 1;
		memcpy(cm->container_id, c->children[i]->idstr,
		    sizeof(cm->container_id));
		memcpy(c->children[i]->media_id, cm->idstr,
		    sizeof(cm->idstr));
		m->children[m->nchildren++] = cm;
	}
	if (posts_push(c->owner, m) < 0)
		return -ENOMEM;
	memcpy(c->media_id, m->idstr, sizeof(m->idstr));
	tlog_add(c->reply_to_id != NULL ? &c->owner->pub_replies :
	    &c->owner->pub_posts, now);
	*ret = m;
	return 0;
}

int
media_repost(struct fguser *u, struct fgmedia *of, int64_t now,
    struct fgmedia **ret)
{
	struct fgmedia	*m;

	if ((m = media_new(u, MT_REPOST, now)) == NULL)
		return -ENOMEM;
	if (dup_opt(&m->reposted_id, of->idstr) < 0)
		return -ENOMEM;
	m->at_ms = fgclock_now_ms();
	if (posts_push(u, m) < 0)
		return -ENOMEM;
	of->reposts++;
	*ret = m;
	return 0;
}

/* An existing post for tests and the demo: not counted in any quota. */
int
media_seed(struct fguser *u, const char *text, int64_t when,
    struct fgmedia **ret)
{
	struct fgmedia	*m;

	if ((m = media_new(u, MT_TEXT, when)) == NULL)
		return -ENOMEM;
	m->seeded = 1;
	if (dup_opt(&m->text, text) < 0 || posts_push(u, m) < 0)
		return -ENOMEM;
	*ret = m;
	return 0;
}

struct fgmedia *
media_get(const char *id)
{
	return htab_get(medias, id);
}
