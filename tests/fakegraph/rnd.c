/*
 * rnd: url-safe random strings from getrandom(2).
 *
 * It owns a small pool so a benchmark minting thousands of tokens does not
 * make one system call per token.  The pool is not a secret store: these
 * are test tokens, but they are unguessable all the same.
 */
#include <sys/random.h>

#include <errno.h>
#include <string.h>

#include "rnd.h"

static const char rnd_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static unsigned char	rnd_pool[4096];
static size_t		rnd_left;

static int
rnd_byte(unsigned char *ret)
{
	ssize_t	n;

	if (rnd_left == 0) {
		do
			n = getrandom(rnd_pool, sizeof(rnd_pool), 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return -EIO;
		rnd_left = (size_t)n;
	}
	*ret = rnd_pool[--rnd_left];
	rnd_pool[rnd_left] = 0;
	return 0;
}

/*
 * Write prefix followed by n random characters and a NUL into buf.
 * 64 symbols, so masking a byte keeps the draw uniform.
 */
int
rnd_string(char *buf, size_t len, const char *prefix, size_t n)
{
	unsigned char	b;
	size_t		plen, i;
	int		r;

	plen = strlen(prefix);
	if (plen + n + 1 > len)
		return -ENOSPC;
	memcpy(buf, prefix, plen);
	for (i = 0; i < n; i++) {
		if ((r = rnd_byte(&b)) < 0)
			return r;
		buf[plen + i] = rnd_alphabet[b & 63];
	}
	buf[plen + n] = '\0';
	return 0;
}

/*
 * Whether a draw falls in percent of a hundred (100: always, 0: never).
 * Bytes of 200 or more are drawn again, so each of 0..99 is as likely.
 */
int
rnd_percent(int percent)
{
	unsigned char	b;

	if (percent >= 100)
		return 1;
	if (percent <= 0)
		return 0;
	do
		if (rnd_byte(&b) < 0)
			return 0;
	while (b >= 200);
	return b % 100 < percent;
}
