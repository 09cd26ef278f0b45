/*
 * htab: FNV-1a hashed chains for tokens, codes, users and media ids.
 *
 * It owns its bucket array and entry nodes, never keys or values.  The
 * benchmarks drive thousands of lookups a second, so growth keeps the load
 * factor at or below one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"

struct hent {
	struct hent	*next;
	const char	*key;
	uint32_t	 hash;
	void		*val;
};

struct htab {
	struct hent	**buckets;
	size_t		  nbuckets;	/* a power of two */
	size_t		  count;
};

static uint32_t
fnv1a(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

struct htab *
htab_new(void)
{
	struct htab	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->nbuckets = 64;
	if ((h->buckets = calloc(h->nbuckets, sizeof(*h->buckets))) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
htab_free(struct htab *h, htab_free_fn *freefn)
{
	struct hent	*e, *next;
	size_t		 i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nbuckets; i++) {
		for (e = h->buckets[i]; e != NULL; e = next) {
			next = e->next;
			if (freefn != NULL)
				freefn(e->val);
			free(e);
		}
	}
	free(h->buckets);
	free(h);
}

static struct hent **
htab_slot(const struct htab *h, const char *key, uint32_t hash)
{
	struct hent	**ep;

	ep = &h->buckets[hash & (h->nbuckets - 1)];
	for (; *ep != NULL; ep = &(*ep)->next)
		if ((*ep)->hash == hash && strcmp((*ep)->key, key) == 0)
			break;
	return ep;
}

void *
htab_get(const struct htab *h, const char *key)
{
	struct hent	*e;

	e = *htab_slot(h, key, fnv1a(key));
	return e != NULL ? e->val : NULL;
}

static void
htab_grow(struct htab *h)
{
	struct hent	**nb, *e, *next;
	size_t		  n, i;

	n = h->nbuckets * 2;
	/* Failing to grow only makes chains longer. */
	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < h->nbuckets; i++) {
		for (e = h->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	}
	free(h->buckets);
	h->buckets = nb;
	h->nbuckets = n;
}

int
htab_put(struct htab *h, const char *key, void *val)
{
	struct hent	**ep, *e;
	uint32_t	  hash;

	hash = fnv1a(key);
	ep = htab_slot(h, key, hash);
	if (*ep != NULL)
		return -EEXIST;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -ENOMEM;
	e->key = key;
	e->hash = hash;
	e->val = val;
	*ep = e;
	if (++h->count > h->nbuckets)
		htab_grow(h);
	return 0;
}

void *
htab_del(struct htab *h, const char *key)
{
	struct hent	**ep, *e;
	void		 *val;

	ep = htab_slot(h, key, fnv1a(key));
	if ((e = *ep) == NULL)
		return NULL;
	*ep = e->next;
	val = e->val;
	free(e);
	h->count--;
	return val;
}

size_t
htab_count(const struct htab *h)
{
	return h->count;
}

/* Remove and free every value for which pred() is true. */
size_t
htab_sweep(struct htab *h, htab_pred_fn *pred, void *arg,
    htab_free_fn *freefn)
{
	struct hent	**ep, *e;
	size_t		  i, n = 0;

	for (i = 0; i < h->nbuckets; i++) {
		ep = &h->buckets[i];
		while ((e = *ep) != NULL) {
			if (!pred(e->val, arg)) {
				ep = &e->next;
				continue;
			}
			*ep = e->next;
			if (freefn != NULL)
				freefn(e->val);
			free(e);
			h->count--;
			n++;
		}
	}
	return n;
}
