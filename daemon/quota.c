/*
 * The publishing quota of each account as Meta last told it, counting
 * our publishes since, so that a burst of posts of one account asks Meta
 * once and not once per post.  Only "there is room" is ever taken from
 * here, and only for QUOTA_FRESH seconds: a deferral always rests on an
 * answer of Meta's.  This is what Meta knows, not what the store knows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"

static struct quota **
quota_slot(struct sched *s, const char *user_id)
{
	uint64_t h = 1469598103934665603ULL;
	struct quota **qp;
	const char *c;

	for (c = user_id; *c != '\0'; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	for (qp = &s->quotas[h % QUOTA_BUCKETS]; *qp != NULL;
	    qp = &(*qp)->next)
		if (strcmp((*qp)->user_id, user_id) == 0)
			break;
	return qp;
}

int
sched_quota_room(struct sched *s, const char *user_id, int reply)
{
	struct quota *q = *quota_slot(s, user_id);

	if (q == NULL || q->at + QUOTA_FRESH < sched_now() ||
	    q->total[reply] <= 0 || q->used[reply] < 0)
		return 0;
	return q->used[reply] < q->total[reply];
}

void
sched_quota_note(struct sched *s, const char *user_id,
    const struct graph_quota *gq)
{
	struct quota **qp = quota_slot(s, user_id), *q = *qp;

	if (q == NULL) {
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return;
		snprintf(q->user_id, sizeof(q->user_id), "%s", user_id);
		*qp = q;
	}
	q->at = sched_now();
	q->used[0] = gq->posts_used;
	q->total[0] = gq->posts_total;
	q->used[1] = gq->replies_used;
	q->total[1] = gq->replies_total;
}

void
sched_quota_used(struct sched *s, const char *user_id, int reply, int full)
{
	struct quota *q = *quota_slot(s, user_id);

	if (q == NULL || q->used[reply] < 0)
		return;
	if (full)
		q->used[reply] = q->total[reply];
	else
		q->used[reply]++;
}

void
quota_free_all(struct sched *s)
{
	struct quota *q;
	size_t i;

	for (i = 0; i < QUOTA_BUCKETS; i++)
		while ((q = s->quotas[i]) != NULL) {
			s->quotas[i] = q->next;
			free(q);
		}
}
