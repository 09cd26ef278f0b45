/*
 * threadsd.conf: the keys, their defaults, and the parser that fills a
 * struct config from an INI file (inih does the reading; this adds the
 * keys, the types and the error messages).  It does not read secrets:
 * it only records where they live.
 */
#ifndef THREADSD_CONFIG_H
#define THREADSD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/config-value.h"

#ifndef THREADSD_SYSCONFDIR
#define THREADSD_SYSCONFDIR	"/etc"
#endif
/* /etc/threadsd/threadsd.conf when built with --prefix=/usr. */
/* Room for every error config_load() reports, one line each. */
#define CONFIG_ERRBUF_LEN	4096

#define CONFIG_DEFAULT_PATH	THREADSD_SYSCONFDIR "/threadsd/threadsd.conf"

struct config {
	/* [api] */
	char		*base_url;		/* https://graph.threads.net */
	char		*auth_url;		/* https://threads.net/oauth/authorize */
	char		*app_id;		/* NULL: not configured */
	char		*app_secret_file;	/* NULL: credential only */
	char		*redirect_uri;		/* NULL: not configured */
	int64_t		 api_timeout;		/* seconds, 30s */
	int		 api_max_connections;	/* 16 */

	/* [store] */
	char		*store_path;		/* /var/lib/threadsd */
	uint64_t	 store_map_size;	/* bytes, 1G */

	/* [control] */
	char		*control_socket;	/* /run/threadsd/control.sock */
	int		 control_max_clients;	/* 64 */
	int64_t		 control_idle_timeout;	/* seconds, 60s */

	/* [poll] */
	int64_t		 poll_interval;		/* 15m */
	int64_t		 poll_history_retention;	/* 400d */
	unsigned	 poll_metrics;		/* CONFIG_METRIC_* bits */

	/* [accounts] */
	int64_t		 accounts_forget_revoked_after;	/* 30d; 0: never */

	/* [tokens] */
	int64_t		 tokens_refresh_after;	/* 7d */
	int64_t		 tokens_warn_before;	/* 7d */
	char		*tokens_key_file;	/* NULL: credential or generated */

	/* [scheduler] */
	int64_t		 sched_prestage;	/* 10m, at most 23h */
	int		 sched_max_attempts;	/* 5 */
	char		*sched_timezone;	/* NULL: UTC */
	int64_t		 sched_retry_delay;	/* 30s, the first backoff */
	int64_t		 sched_quota_retry;	/* 15m, an exhausted quota */
	int64_t		 sched_container_timeout; /* 5m IN_PROGRESS at most */
};

/* [poll] metrics: CONFIG_METRIC_*, config_metric_names (config-value.h). */

/* A config holding every default.  NULL when out of memory. */
struct config	*config_new(void);
void		 config_free(struct config *);

/*
 * Reads path into a new config (defaults for what the file leaves out).
 * On failure returns -errno and writes into errbuf one line for each
 * error (up to 32), naming file, line and key ("threadsd.conf:12: [poll]
 * interval: '15x' is not a duration"; an unknown key or section near a
 * known one adds "did you mean 'interval'?").  A missing file is -ENOENT.
 */
int		 config_load(const char *path, struct config **ret_cfg,
		    char *errbuf, size_t errlen);

/* The same, from a string in memory (tests, fuzzing); name is for errors. */
int		 config_load_string(const char *name, const char *text,
		    struct config **ret_cfg, char *errbuf, size_t errlen);

/* Parses a size: "4096", "64K", "512M", "1G" (powers of 1024). */
int		 config_parse_size(const char *s, uint64_t *ret_bytes);

#endif
