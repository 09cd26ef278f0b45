/*
 * htab: a string-keyed hash table (FNV-1a, chaining, doubling).
 *
 * The table never copies or frees keys: a key must be owned by the value
 * it is stored with and stay unchanged while the entry is in the table.
 * Values are freed only by htab_free()/htab_sweep() through the given
 * callback.
 */
#ifndef FG_HTAB_H
#define FG_HTAB_H

#include <stddef.h>

struct htab;

typedef void	htab_free_fn(void *);
typedef int	htab_pred_fn(void *, void *);

struct htab	*htab_new(void);
void		 htab_free(struct htab *, htab_free_fn *);
void		*htab_get(const struct htab *, const char *);
int		 htab_put(struct htab *, const char *, void *);
void		*htab_del(struct htab *, const char *);
size_t		 htab_count(const struct htab *);
size_t		 htab_sweep(struct htab *, htab_pred_fn *, void *,
		    htab_free_fn *);

#endif
