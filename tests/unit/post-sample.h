/*
 * The sample post of the post tests (unit/test-post.c's round trip,
 * unit/test-postrec.c's shapes): a carousel in the middle of its life,
 * with media, a reply, a quote, replies, a container and its children.
 * Each test gives the text and the first media URL it wants escaped.
 */
#ifndef THREADSD_POST_SAMPLE_H
#define THREADSD_POST_SAMPLE_H

#include <stdlib.h>
#include <string.h>

#include "daemon/store/post.h"

static void
post_sample_carousel(struct post *p, const char *text, const char *url)
{
	post_init(p);
	strcpy(p->user_id, "17841400000000001");
	p->state = POST_STAGED;
	p->kind = POST_CAROUSEL;
	p->due_at = 1795000000;
	p->next_at = 1794999000;
	p->text = strdup(text);
	p->media[0].url = strdup(url);
	p->media[0].alt = strdup("alt one");
	p->media[1].video = 1;
	p->media[1].url = strdup("https://vid.example/b.mp4");
	p->nmedia = 2;
	p->reply_to_post = 7;
	strcpy(p->reply_to, "18050000000000001");
	p->reply_control = strdup("mentioned_only");
	strcpy(p->quote, "18050000000000003");
	p->topic = strdup("tag");
	post_add_reply(p, 12);
	post_add_reply(p, 13);
	p->attempts = 2;
	p->tries = 1;
	strcpy(p->container, "17890000000000005");
	strcpy(p->children[0], "17890000000000001");
	strcpy(p->children[1], "17890000000000003");
	p->nchildren = 2;
	p->check = 1;
	p->publish_at = 1795000001;
	p->error = strdup("last trouble");
}

#endif
