/*
 * One config value at a time, checked well enough that what reads it
 * later (curl, the zoneinfo reader, LMDB) cannot take it differently
 * from the operator.  No state: config.c calls these from its key table
 * and owns the messages' file and line.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "daemon/config-value.h"

#define ZONEINFO_DIR		"/usr/share/zoneinfo"

const char *const config_metric_names[CONFIG_METRIC_N] = {
	"followers_count", "views", "likes", "replies", "reposts", "quotes",
	"clicks",
};

/*
 * Copies at most len bytes of s for quoting in a message: control
 * characters become '?' and a long value is cut with "...".
 */
const char *
config_value_shown(const char *s, size_t len, char *buf, size_t size)
{
	size_t	i, max = size - 4;

	for (i = 0; i < len && s[i] != '\0' && i < max; i++)
		buf[i] = iscntrl((unsigned char)s[i]) ? '?' : s[i];
	if (i < len && s[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

int
config_parse_size(const char *s, uint64_t *ret_bytes)
{
	const char	*p;
	uint64_t	 n = 0, mult = 1;
	int		 overflow = 0;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			overflow = 1;
		else
			n = n * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case '\0':
		break;
	case 'K':
	case 'k':
		mult = 1ULL << 10;
		p++;
		break;
	case 'M':
	case 'm':
		mult = 1ULL << 20;
		p++;
		break;
	case 'G':
	case 'g':
		mult = 1ULL << 30;
		p++;
		break;
	case 'T':
	case 't':
		mult = 1ULL << 40;
		p++;
		break;
	default:
		return -EINVAL;
	}
	if (*p != '\0')
		return -EINVAL;
	if (overflow || n > UINT64_MAX / mult)
		return -ERANGE;
	*ret_bytes = n * mult;
	return 0;
}

/* host is a name, a dotted quad, or (bracketed) an IPv6 literal. */
static int
is_loopback(const char *host, int bracketed)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (bracketed)
		return inet_pton(AF_INET6, host, &a6) == 1 &&
		    IN6_IS_ADDR_LOOPBACK(&a6);
	if (strcasecmp(host, "localhost") == 0)
		return 1;
	/* inet_pton takes dotted quads only, which is what we document. */
	return inet_pton(AF_INET, host, &a4) == 1 &&
	    (ntohl(a4.s_addr) >> 24) == 127;
}

/*
 * Checks an http(s) URL well enough that curl cannot read it differently
 * from the operator: a scheme, a host, an optional port, no user info,
 * nothing but visible ASCII.  Plain http would send tokens in the clear,
 * so it is allowed only to a loopback host (the tests' fake Graph API).
 */
int
config_value_url(const char *v, const char *q, int https_only, char *why,
    size_t len)
{
	struct in6_addr	 a6;
	const char	*host, *hend, *aend, *p;
	char		 hbuf[256];
	int		 https, bracketed = 0;
	long		 port;

	for (p = v; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
			snprintf(why, len, "'%s' is not a URL (spaces and "
			    "non-ASCII bytes must be %%-encoded)", q);
			return -EINVAL;
		}
	}
	if (strncasecmp(v, "https://", 8) == 0) {
		https = 1;
		host = v + 8;
	} else if (strncasecmp(v, "http://", 7) == 0) {
		https = 0;
		host = v + 7;
	} else {
		snprintf(why, len, "'%s' is not an http:// or https:// URL", q);
		return -EINVAL;
	}
	if (https_only && !https) {
		snprintf(why, len, "'%s' is not an https:// URL", q);
		return -EINVAL;
	}

	/* The authority ends the host part; user info is a credential. */
	aend = host + strcspn(host, "/?#");
	if (memchr(host, '@', aend - host) != NULL) {
		snprintf(why, len, "'%s': user info is not allowed in a URL",
		    q);
		return -EINVAL;
	}
	if (*host == '[') {
		bracketed = 1;
		host++;
		if ((hend = memchr(host, ']', aend - host)) == NULL)
			goto bad;
		p = hend + 1;
	} else {
		if ((hend = memchr(host, ':', aend - host)) == NULL)
			hend = aend;
		p = hend;
	}
	if (hend == host || (size_t)(hend - host) >= sizeof(hbuf))
		goto bad;
	memcpy(hbuf, host, hend - host);
	hbuf[hend - host] = '\0';
	if (bracketed && inet_pton(AF_INET6, hbuf, &a6) != 1)
		goto bad;
	if (p < aend) {
		/* Only ":PORT" may follow the host. */
		if (*p++ != ':' || p == aend || aend - p > 5)
			goto bad;
		for (port = 0; p < aend; p++) {
			if (*p < '0' || *p > '9')
				goto bad;
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535)
			goto bad;
	}
	if (!https && !is_loopback(hbuf, bracketed)) {
		snprintf(why, len, "'%s': plain http is allowed only to a "
		    "loopback host (127.0.0.0/8, ::1, localhost)", q);
		return -EINVAL;
	}
	return 0;

bad:
	snprintf(why, len, "'%s' is not a URL (want scheme://host[:port]/...)",
	    q);
	return -EINVAL;
}

int
config_value_path(const char *v, const char *q, char *why, size_t len)
{
	const char	*p;

	if (*v != '/') {
		snprintf(why, len, "'%s' is a relative path (it must start "
		    "with /)", q);
		return -EINVAL;
	}
	for (p = v; *p != '\0'; p++) {
		if (iscntrl((unsigned char)*p)) {
			snprintf(why, len, "'%s' contains a control character",
			    q);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * A zone name becomes a path under zoneinfo, so only the characters of
 * IANA names are taken (no '.', hence no ".."), and the file must be
 * TZif data: "Europe" is a directory, "leapseconds" is text.  TZDIR is
 * honoured as glibc honours it.
 */
int
config_value_timezone(const char *v, const char *q, char *why, size_t len)
{
	static const char	 ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-+";
	const char		*dir;
	char			 path[512], magic[4];
	struct stat		 st;
	int			 fd, found = 0;

	if (v[strspn(v, ok)] != '\0' || *v == '/' || *v == '-' ||
	    *v == '+') {
		snprintf(why, len, "'%s' is not a time zone name (like "
		    "Europe/Paris)", q);
		return -EINVAL;
	}
	if (strcmp(v, "UTC") == 0)
		return 0;
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = ZONEINFO_DIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, v) >=
	    sizeof(path))
		goto unknown;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		goto unknown;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", 4) == 0)
		found = 1;
	close(fd);
	if (found)
		return 0;
unknown:
	snprintf(why, len, "unknown time zone '%s' (not in %s)", q, dir);
	return -EINVAL;
}

/*
 * "followers_count views likes": names split by blanks or commas.  The
 * follower count is what every account shows, so it cannot be left out.
 */
int
config_value_metrics(const char *v, unsigned *ret, char *why, size_t len)
{
	static const char	 sep[] = " \t,";
	const char		*p = v;
	unsigned		 mask = 0;
	size_t			 n, i;
	char			 q[80];

	while (*(p += strspn(p, sep)) != '\0') {
		n = strcspn(p, sep);
		for (i = 0; i < CONFIG_METRIC_N; i++)
			if (strlen(config_metric_names[i]) == n &&
			    memcmp(config_metric_names[i], p, n) == 0)
				break;
		if (i == CONFIG_METRIC_N) {
			snprintf(why, len, "unknown metric '%s' (known: "
			    "followers_count views likes replies reposts "
			    "quotes clicks)",
			    config_value_shown(p, n, q, sizeof(q)));
			return -EINVAL;
		}
		mask |= 1u << i;
		p += n;
	}
	if (!(mask & CONFIG_METRIC_FOLLOWERS)) {
		snprintf(why, len, "followers_count must be listed (every "
		    "account shows its follower count)");
		return -EINVAL;
	}
	*ret = mask;
	return 0;
}
