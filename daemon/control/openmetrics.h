/*
 * The `metrics` request's text: OpenMetrics exposition of each account's
 * latest numbers, the daemon's tallies and its counters (counters.c), or
 * the same in the Prometheus text format for node_exporter's textfile
 * collector.  Reads the store in one transaction; no I/O, no logging.
 */
#ifndef THREADSD_OPENMETRICS_H
#define THREADSD_OPENMETRICS_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;

/*
 * OpenMetrics 1.0, or the Prometheus text format (0.0.4) that
 * node_exporter's textfile collector reads.  They differ in counters
 * only: OpenMetrics names the family without its "_total" in # TYPE and
 * # HELP, the Prometheus format names the sample (node_exporter would
 * read OpenMetrics' form as an untyped "_total" metric).
 */
enum openmetrics_format {
	OPENMETRICS_TEXT,
	OPENMETRICS_PROMETHEUS,
};

#define OPENMETRICS_CONTENT_TYPE \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"
#define OPENMETRICS_PROMETHEUS_CONTENT_TYPE \
	"text/plain; version=0.0.4; charset=utf-8"

/*
 * The whole exposition (OpenMetrics ends in "# EOF\n"); free() it.
 * 0 or -errno.
 */
int	openmetrics_render(struct store *, const struct config *,
	    enum openmetrics_format, char **ret_text, size_t *ret_len);

/* Writes s as a label value: backslash, double quote and newline escaped. */
void	openmetrics_label(char *dst, size_t size, const char *s);

#endif
