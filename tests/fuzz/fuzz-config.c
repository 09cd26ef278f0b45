/*
 * libFuzzer target for the config parser: any bytes go through
 * config_load_string().  Besides the sanitizers' findings, it aborts when
 * a parse claims success with a value out of its documented range, or
 * fails without a message.  Build with
 * clang -fsanitize=fuzzer,address,undefined and link daemon/config.c,
 * common/duration.c and inih.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_config(const struct config *cfg)
{
	if (cfg->base_url == NULL || cfg->auth_url == NULL ||
	    cfg->store_path == NULL || cfg->control_socket == NULL)
		abort();
	/* Schemes are case-insensitive (RFC 3986), as curl takes them. */
	if (strncasecmp(cfg->base_url, "http", 4) != 0 ||
	    strncasecmp(cfg->auth_url, "http", 4) != 0 ||
	    (cfg->redirect_uri != NULL &&
	    strncasecmp(cfg->redirect_uri, "https://", 8) != 0))
		abort();
	if (cfg->store_path[0] != '/' || cfg->control_socket[0] != '/' ||
	    strlen(cfg->control_socket) >= 108 ||
	    (cfg->app_secret_file != NULL && cfg->app_secret_file[0] != '/') ||
	    (cfg->tokens_key_file != NULL && cfg->tokens_key_file[0] != '/'))
		abort();
	if (cfg->app_id != NULL && (cfg->app_id[0] == '\0' ||
	    cfg->app_id[strspn(cfg->app_id, "0123456789")] != '\0'))
		abort();
	if (cfg->api_timeout < 1 || cfg->api_timeout > 600 ||
	    cfg->api_max_connections < 1 || cfg->api_max_connections > 1024 ||
	    cfg->store_map_size < (1ULL << 20) ||
	    cfg->store_map_size > (1ULL << 40) ||
	    cfg->control_max_clients < 1 || cfg->control_max_clients > 10000 ||
	    cfg->control_idle_timeout < 1 ||
	    cfg->control_idle_timeout > 86400 ||
	    cfg->poll_interval < 1 || cfg->poll_interval > 86400 ||
	    cfg->poll_history_retention < 3600 ||
	    cfg->poll_history_retention > 36500LL * 86400 ||
	    cfg->tokens_refresh_after < 1 ||
	    cfg->tokens_refresh_after > 59 * 86400 ||
	    cfg->tokens_warn_before < 1 ||
	    cfg->tokens_warn_before > 59 * 86400 ||
	    cfg->sched_prestage < 0 || cfg->sched_prestage > 23 * 3600 ||
	    cfg->sched_max_attempts < 1 || cfg->sched_max_attempts > 100)
		abort();
}

/* config_parse_size() against strtoull() and a checked multiply. */
static void
check_size(const char *s)
{
	uint64_t	 bytes, n, mult = 1, want;
	char		*end;

	if (config_parse_size(s, &bytes) != 0)
		return;
	if (s[0] < '0' || s[0] > '9')
		abort();
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno == ERANGE)
		abort();
	switch (*end) {
	case '\0':
		break;
	case 'K':
	case 'k':
		mult = 1ULL << 10;
		end++;
		break;
	case 'M':
	case 'm':
		mult = 1ULL << 20;
		end++;
		break;
	case 'G':
	case 'g':
		mult = 1ULL << 30;
		end++;
		break;
	case 'T':
	case 't':
		mult = 1ULL << 40;
		end++;
		break;
	default:
		abort();
	}
	if (*end != '\0' || __builtin_mul_overflow(n, mult, &want) ||
	    want != bytes)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cfg = NULL;
	char		*text, err[256];
	int		 r;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	err[0] = '\0';
	r = config_load_string("fuzz.conf", text, &cfg, err, sizeof(err));
	if (r == 0) {
		if (cfg == NULL)
			abort();
		check_config(cfg);
		config_free(cfg);
	} else if (cfg != NULL || strncmp(err, "fuzz.conf:", 10) != 0)
		abort();

	check_size(text);

	free(text);
	return 0;
}
