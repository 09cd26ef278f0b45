/*
 * The pure half of http.h: URL escaping and unescaping (curl's, with
 * copies we own and wipe) and the check that a URL may be an API base.
 * No I/O, no loop, no multi handle: http.c owns those.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <sodium.h>

#include "daemon/graph/http.h"

/*
 * curl >= 7.82 ignores the handle of curl_easy_escape() and
 * curl_easy_unescape(), so NULL will do.  Their results belong to
 * curl_free(); ours are malloc'd for free().  Values may be secrets, so
 * curl's copies are wiped first.
 */
static char *
http_own(char *s, size_t len)
{
	char	*r;

	if (s == NULL)
		return NULL;
	if ((r = malloc(len + 1)) != NULL) {
		memcpy(r, s, len);
		r[len] = '\0';
	}
	sodium_memzero(s, len);
	curl_free(s);
	return r;
}

char *
http_escape(const char *s)
{
	char	*e;
	size_t	 len;

	if (s == NULL || (len = strlen(s)) > INT_MAX)
		return NULL;
	if (len == 0)
		return strdup("");
	if ((e = curl_easy_escape(NULL, s, (int)len)) == NULL)
		return NULL;
	return http_own(e, strlen(e));
}

/*
 * Query values encode a space as '+', which curl leaves alone: turn those
 * into spaces first, so that "%2B" still decodes to '+'.  A value with an
 * encoded NUL is refused (NULL), as it cannot be a C string.
 */
char *
http_unescape(const char *s, size_t len)
{
	char	*tmp, *d;
	size_t	 i;
	int	 n = 0;

	if (s == NULL || len > INT_MAX)
		return NULL;
	if (len == 0)
		return strdup("");
	if ((tmp = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		tmp[i] = s[i] == '+' ? ' ' : s[i];
	tmp[len] = '\0';
	d = curl_easy_unescape(NULL, tmp, (int)len, &n);
	sodium_memzero(tmp, len);
	free(tmp);
	if (d == NULL)
		return NULL;
	if (n < 0 || memchr(d, '\0', (size_t)n) != NULL) {
		sodium_memzero(d, n < 0 ? 0 : (size_t)n);
		curl_free(d);
		return NULL;
	}
	return http_own(d, (size_t)n);
}

/* "127.d.d.d", each d 0-255 without leading zeros (some read octal). */
static int
http_host_loopback4(const char *h, size_t len)
{
	size_t	 i = 0, part, digits;
	int	 v;

	if (len < 4 || strncmp(h, "127.", 4) != 0)
		return 0;
	i = 4;
	for (part = 0; part < 3; part++) {
		if (part > 0) {
			if (i >= len || h[i] != '.')
				return 0;
			i++;
		}
		v = 0;
		for (digits = 0; i < len && h[i] >= '0' && h[i] <= '9';
		    digits++, i++) {
			if (digits == 3)
				return 0;
			v = v * 10 + (h[i] - '0');
		}
		if (digits == 0 || v > 255 || (digits > 1 && h[i - digits] ==
		    '0'))
			return 0;
	}
	return i == len;
}

/*
 * A URL is refused unless its authority is plain: no userinfo (a secret
 * in a URL, and the classic "http://127.0.0.1@evil.com" trick), no
 * backslash, percent or non-ASCII byte, on which parsers disagree.  The
 * authority ends at the first '/', '?' or '#', as curl reads it.
 */
int
http_url_allowed(const char *url)
{
	const char	*p, *auth, *end, *host, *hend;
	size_t		 hlen;
	long		 port;
	int		 https, v6 = 0;

	if (url == NULL)
		return 0;
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
	if (strncasecmp(url, "https://", 8) == 0) {
		https = 1;
		auth = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = 0;
		auth = url + 7;
	} else
		return 0;
	end = auth + strcspn(auth, "/?#");
	for (p = auth; p < end; p++)
		if (*p == '@' || *p == '\\' || *p == '%')
			return 0;
	if (*auth == '[') {
		if ((hend = memchr(auth, ']', end - auth)) == NULL)
			return 0;
		host = auth + 1;
		p = hend + 1;
		v6 = 1;
		for (hlen = 0; host + hlen < hend; hlen++)
			if (strchr("0123456789abcdefABCDEF:.", host[hlen]) ==
			    NULL)
				return 0;
	} else {
		host = auth;
		if ((hend = memchr(auth, ':', end - auth)) == NULL)
			hend = end;
		p = hend;
		hlen = hend - host;
		if (memchr(host, '[', hlen) != NULL ||
		    memchr(host, ']', hlen) != NULL)
			return 0;
	}
	if (hlen == 0)
		return 0;
	if (p < end) {
		if (*p++ != ':' || p == end || end - p > 5)
			return 0;
		for (port = 0; p < end; p++) {
			if (*p < '0' || *p > '9')
				return 0;
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535)
			return 0;
	}
	if (https)
		return 1;
	if (v6)
		return hlen == 3 && strncmp(host, "::1", 3) == 0;
	if (hlen == 9 && strncasecmp(host, "localhost", 9) == 0)
		return 1;
	return http_host_loopback4(host, hlen);
}
