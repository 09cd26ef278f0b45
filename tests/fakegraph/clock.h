/*
 * clock: the fake's notion of now.
 *
 * Real time plus an offset that /__admin/clock moves, so tests can age
 * codes and tokens without waiting.  Every expiry in the fake reads it.
 */
#ifndef FG_CLOCK_H
#define FG_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t	fgclock_now(void);
/* The same in milliseconds, for measuring lateness. */
int64_t	fgclock_now_ms(void);
void	fgclock_advance(int64_t);
void	fgclock_set(int64_t);
void	fgclock_reset(void);
void	fgclock_fmt_graph(int64_t, char *, size_t);

#endif
