/*
 * rnd: random url-safe strings for tokens, codes and fbtrace ids.
 */
#ifndef FG_RND_H
#define FG_RND_H

#include <stddef.h>

int	rnd_string(char *, size_t, const char *, size_t);
int	rnd_percent(int);

#endif
