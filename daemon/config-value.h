/*
 * The checks of one config value, each with the message that says what
 * is wrong: URLs (https, or plain http to a loopback host), absolute
 * paths, IANA time zones, the insight names of [poll] metrics and
 * sizes.  config.c's key table says which key takes which.  Each
 * returns 0, or -EINVAL with why filled ("[api] base_url: ..."; q is
 * the quoted key).
 */
#ifndef THREADSD_CONFIG_VALUE_H
#define THREADSD_CONFIG_VALUE_H

#include <stddef.h>
#include <stdint.h>

/*
 * [poll] metrics: which insights the poller asks for.  Bit i stands for
 * config_metric_names[i], the order of enum metric in metrics.h.  The
 * default is the follower count alone, the one metric the privacy
 * statement lists; the others are collected only when listed.
 */
#define CONFIG_METRIC_N		7
#define CONFIG_METRIC_FOLLOWERS	1u
#define CONFIG_METRICS_DEFAULT	CONFIG_METRIC_FOLLOWERS
extern const char *const config_metric_names[CONFIG_METRIC_N];

int	config_value_url(const char *v, const char *q, int https_only,
	    char *why, size_t len);
int	config_value_path(const char *v, const char *q, char *why,
	    size_t len);
int	config_value_timezone(const char *v, const char *q, char *why,
	    size_t len);
/* Comma-separated names into CONFIG_METRIC_* bits. */
int	config_value_metrics(const char *v, unsigned *ret, char *why,
	    size_t len);
/*
 * At most len bytes of s, for quoting in a message: control characters
 * become '?' and a long value is cut with "...".
 */
const char *config_value_shown(const char *s, size_t len, char *buf,
	    size_t size);
/* config_parse_size() (config.h) is here too. */

#endif
