/*
 * A metric over time in the terminal: a bar chart with time on the x
 * axis (one column a time slice, so a slice with no snapshot is a blank
 * column and gaps show), its minimum and maximum on the y axis, and the
 * span it covers under it.  UTF-8 eighth blocks, or ASCII.
 */
#ifndef THREADSCTL_CHART_H
#define THREADSCTL_CHART_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct chart_point {
	int64_t		 t;	/* Unix seconds */
	long long	 v;
};

/*
 * Draws the n points (in time order) from `from` to `to` as `name`, in
 * `width` columns in all (labels included), `ascii` for terminals
 * without UTF-8.  Draws nothing when n is 0.
 */
void	chart_draw(FILE *, const char *name, const struct chart_point *,
	    size_t n, int64_t from, int64_t to, size_t width, int ascii);

/*
 * ASCII unless the locale's character set is UTF-8, and always with
 * NO_COLOR set (not empty) or TERM=dumb.
 */
int	chart_ascii(void);

#endif
