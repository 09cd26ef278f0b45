/*
 * The few lines a terminal chart needs (no plotting library): slices of
 * time become columns, each the last value seen in its slice; the value
 * is scaled to the chart's height in eighths, so the lowest value still
 * shows as the smallest block and only an empty slice is blank.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "common/duration.h"
#include "common/timefmt.h"

#define CHART_ROWS	8
#define CHART_COLS_MAX	120
#define LABEL_W		9	/* the y labels, then a space and the axis */

static const char *const eighths[] = {
	" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
	"\u2587", "\u2588",
};

int
chart_ascii(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if ((no != NULL && *no != '\0') ||
	    (term != NULL && strcmp(term, "dumb") == 0))
		return 1;
	setlocale(LC_CTYPE, "");
	return strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
}

/* "2026-11-23 09:00" */
static void
short_time(int64_t t, char *buf, size_t len)
{
	char iso[TIMEFMT_LEN];

	timefmt_format(t, iso, sizeof(iso));
	snprintf(buf, len, "%.10s %.5s", iso, iso + 11);
}

void
chart_draw(FILE *f, const char *name, const struct chart_point *p, size_t n,
    int64_t from, int64_t to, size_t width, int ascii)
{
	long long col[CHART_COLS_MAX], lo, hi;
	int have[CHART_COLS_MAX], level[CHART_COLS_MAX];
	char a[32], b[32], span[32];
	size_t cols, i, c, gaps = 0, pad;
	int row, cell;

	if (n == 0)
		return;
	cols = width > LABEL_W + 2 + 10 ? width - LABEL_W - 2 : 10;
	if (cols > CHART_COLS_MAX)
		cols = CHART_COLS_MAX;
	if (to <= from)
		to = from + 1;
	memset(have, 0, sizeof(have));
	lo = hi = p[0].v;
	for (i = 0; i < n; i++) {
		c = p[i].t <= from ? 0 : (size_t)((p[i].t - from) *
		    (int64_t)cols / (to - from + 1));
		if (c >= cols)
			c = cols - 1;
		col[c] = p[i].v;	/* the slice's last */
		have[c] = 1;
		lo = p[i].v < lo ? p[i].v : lo;
		hi = p[i].v > hi ? p[i].v : hi;
	}
	/* From one eighth (the minimum) to the full height (the maximum). */
	for (c = 0; c < cols; c++) {
		level[c] = !have[c] ? 0 : hi == lo ? CHART_ROWS * 4 :
		    1 + (int)((col[c] - lo) * (CHART_ROWS * 8 - 1) /
		    (hi - lo));
		gaps += !have[c];
	}
	/* What the snapshots cover; the axis's own ends go under it. */
	short_time(p[n - 1].t, b, sizeof(b));
	fprintf(f, "\n%s: min %lld, max %lld; %zu snapshot%s over %s (to %s "
	    "UTC)\n", name, lo, hi, n, n == 1 ? "" : "s",
	    duration_format(p[n - 1].t - p[0].t, span, sizeof(span)), b);
	short_time(from, a, sizeof(a));
	short_time(to, b, sizeof(b));
	for (row = CHART_ROWS - 1; row >= 0; row--) {
		if (row == CHART_ROWS - 1)
			fprintf(f, "%*lld %s", LABEL_W, hi, ascii ? "|" :
			    "\u2524");
		else if (row == 0)
			fprintf(f, "%*lld %s", LABEL_W, lo, ascii ? "|" :
			    "\u2524");
		else
			fprintf(f, "%*s %s", LABEL_W, "", ascii ? "|" :
			    "\u2502");
		for (c = 0; c < cols; c++) {
			cell = level[c] - row * 8;
			cell = cell < 0 ? 0 : cell > 8 ? 8 : cell;
			if (ascii)
				fputc(cell >= 4 || (cell > 0 && row == 0) ?
				    '#' : ' ', f);
			else
				fputs(eighths[cell], f);
		}
		fputc('\n', f);
	}
	/* The axis shows where there is no data, too. */
	fprintf(f, "%*s %s", LABEL_W, "", ascii ? "+" : "\u2514");
	for (c = 0; c < cols; c++)
		fputs(have[c] ? (ascii ? "-" : "\u2500") : " ", f);
	pad = cols + 1 > strlen(a) + strlen(b) ? cols + 1 - strlen(b) :
	    strlen(a) + 1;
	fprintf(f, "\n%*s %-*s%s\n", LABEL_W, "", (int)pad, a, b);
	if (gaps > 0)
		fprintf(f, "%*s (a column is %s; blank: no snapshot)\n", LABEL_W, "",
		    duration_format((to - from) / (int64_t)cols, span,
		    sizeof(span)));
}
