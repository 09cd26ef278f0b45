/*
 * The `metrics` request's text: OpenMetrics exposition of each account's
 * latest numbers and the daemon's tallies, ready for node_exporter's
 * textfile collector.  Reads the store in one transaction; no I/O, no
 * logging.
 */
#ifndef THREADSD_OPENMETRICS_H
#define THREADSD_OPENMETRICS_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define OPENMETRICS_CONTENT_TYPE \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"

/* The whole exposition, ending in "# EOF\n"; free() it.  0 or -errno. */
int	openmetrics_render(struct store *, char **ret_text, size_t *ret_len);

/* Writes s as a label value: backslash, double quote and newline escaped. */
void	openmetrics_label(char *dst, size_t size, const char *s);

#endif
