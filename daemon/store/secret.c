/*
 * Reading the daemon's secrets (the app secret and the token key) from
 * systemd credentials or from files the config names, and creating the
 * token key on first start.  Nothing here logs: errors go to errbuf and
 * name files, never what is in them.  Using the key is seal.c's job.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/buf.h"
#include "daemon/store/secret.h"

#define SECRET_MAX	4096		/* bytes in a secret file */
#define SECRET_KEY_NAME	"token.key"	/* in the state directory */

/* Mode bits that refuse a file: a secret file is its owner's alone. */
#define SECRET_FILE_BAD	0077
/*
 * systemd writes a credential 0400 and, where the file system has ACLs,
 * lets the service's user read it through an ACL entry; stat then shows
 * the ACL mask in the group bits (0440) although no group can read it.
 * The credential directory is private to the unit, so only a write bit
 * or a bit for others refuses a credential.
 */
#define SECRET_CRED_BAD	0027

/* Keep the trailing newline: 32 raw key bytes may end in 0x0a. */
#define SECRET_RAW	0x01

static int
secret_init(char *errbuf, size_t errlen)
{
	/* sodium_malloc() needs it; later calls return 1 and do nothing. */
	if (sodium_init() < 0) {
		errbuf_set(errbuf, errlen, "cannot initialise libsodium");
		return -EIO;
	}
	return 0;
}

static int
secret_path(char *buf, size_t size, const char *dir, const char *name,
    char *errbuf, size_t errlen)
{
	int n;

	n = snprintf(buf, size, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= size) {
		errbuf_set(errbuf, errlen, "%s/%s: path too long", dir, name);
		return -ENAMETOOLONG;
	}
	return 0;
}

/*
 * The path of credential `name`: 1 with buf filled, 0 when the daemon
 * runs without $CREDENTIALS_DIRECTORY, or -errno.
 */
static int
secret_cred_path(const char *name, char *buf, size_t size, char *errbuf,
    size_t errlen)
{
	const char *dir;
	int r;

	dir = getenv("CREDENTIALS_DIRECTORY");
	if (dir == NULL || *dir == '\0')
		return 0;
	if ((r = secret_path(buf, size, dir, name, errbuf, errlen)) < 0)
		return r;
	return 1;
}

/*
 * The pool (secret.h): chunks of SECRET_SLOTS slots of SECRET_SLOT bytes,
 * each chunk one sodium_malloc(), so locked and left out of core dumps
 * like any secret, behind guard pages of its own.  A slot is wiped whole
 * when it is given back; an empty chunk is kept as the spare while
 * another has room, else freed (sodium_free zeroes it).  The loop's
 * alone: no lock.
 */
#define SECRET_SLOT	512
#define SECRET_SLOTS	128	/* a chunk: 64 KiB, locked */
#define SECRET_WORDS	(SECRET_SLOTS / 64)

struct secret_chunk {
	struct secret_pool	*pool;
	struct secret_chunk	*next;
	char			*mem;		/* sodium_malloc'd */
	uint64_t		 used[SECRET_WORDS];	/* a bit a slot */
	size_t			 nused;
};

struct secret_pool {
	struct secret_chunk	*chunks;
	size_t			 nused;		/* slots held, all chunks */
	int			 orphaned;	/* freed while slots were held */
};

struct secret_pool *
secret_pool_new(void)
{
	if (sodium_init() < 0)
		return NULL;
	return calloc(1, sizeof(struct secret_pool));
}

static void
secret_chunk_free(struct secret_pool *pool, struct secret_chunk *c)
{
	struct secret_chunk **pp;

	for (pp = &pool->chunks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	sodium_free(c->mem);		/* zeroes it first */
	free(c);
}

static void
secret_pool_destroy(struct secret_pool *pool)
{
	while (pool->chunks != NULL)
		secret_chunk_free(pool, pool->chunks);
	free(pool);
}

void
secret_pool_free(struct secret_pool *pool)
{
	if (pool == NULL)
		return;
	if (pool->nused > 0)
		pool->orphaned = 1;	/* the last secret_free() ends it */
	else
		secret_pool_destroy(pool);
}

/* A free slot, in a new chunk if need be; NULL: no memory. */
static char *
secret_slot_get(struct secret_pool *pool, struct secret_chunk **ret_chunk)
{
	struct secret_chunk *c;
	size_t w;
	int b;

	for (c = pool->chunks; c != NULL; c = c->next)
		if (c->nused < SECRET_SLOTS)
			break;
	if (c == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return NULL;
		if ((c->mem = sodium_malloc(SECRET_SLOTS * SECRET_SLOT)) ==
		    NULL) {
			free(c);
			return NULL;
		}
		c->pool = pool;
		c->next = pool->chunks;
		pool->chunks = c;
	}
	for (w = 0; c->used[w] == UINT64_MAX; w++)
		;
	b = __builtin_ctzll(~c->used[w]);
	c->used[w] |= UINT64_C(1) << b;
	c->nused++;
	pool->nused++;
	*ret_chunk = c;
	return c->mem + (w * 64 + (size_t)b) * SECRET_SLOT;
}

static void
secret_slot_put(struct secret_chunk *c, char *slot)
{
	struct secret_pool *pool = c->pool;
	struct secret_chunk *o;
	size_t i = (size_t)(slot - c->mem) / SECRET_SLOT;

	sodium_memzero(slot, SECRET_SLOT);
	c->used[i / 64] &= ~(UINT64_C(1) << (i % 64));
	c->nused--;
	pool->nused--;
	if (pool->orphaned) {
		if (pool->nused == 0)
			secret_pool_destroy(pool);
		return;
	}
	if (c->nused > 0)
		return;
	/* One empty chunk is the spare: a second one goes. */
	for (o = pool->chunks; o != NULL; o = o->next)
		if (o != c && o->nused == 0) {
			secret_chunk_free(pool, c);
			return;
		}
}

struct secret *
secret_new(size_t size)
{
	struct secret *s;

	if (size == SIZE_MAX || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->data = sodium_malloc(size + 1)) == NULL) {
		free(s);
		return NULL;
	}
	s->data[0] = '\0';
	return s;
}

struct secret *
secret_pool_take(struct secret_pool *pool, size_t size)
{
	struct secret *s;

	if (pool == NULL || pool->orphaned || size >= SECRET_SLOT)
		return secret_new(size);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->data = secret_slot_get(pool, &s->chunk)) == NULL) {
		free(s);
		return NULL;
	}
	s->data[0] = '\0';
	return s;
}

void
secret_free(struct secret *s)
{
	if (s == NULL)
		return;
	if (s->chunk != NULL)
		secret_slot_put(s->chunk, s->data);
	else
		sodium_free(s->data);	/* zeroes the pages first */
	free(s);
}

static int
secret_read(const char *path, mode_t bad, int flags,
    struct secret **ret_secret, char *errbuf, size_t errlen)
{
	struct secret *s = NULL;
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	if ((r = secret_init(errbuf, errlen)) < 0)
		return r;
	/* O_NONBLOCK: a FIFO must not hang the start; it is refused below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		r = -errno;
		errbuf_set(errbuf, errlen, "%s: cannot open: %s", path,
		    strerror(-r));
		return r;
	}
	if (fstat(fd, &st) == -1) {
		r = -errno;
		errbuf_set(errbuf, errlen, "%s: cannot stat: %s", path,
		    strerror(-r));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		errbuf_set(errbuf, errlen, "%s is a directory", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		errbuf_set(errbuf, errlen, "%s is not a regular file", path);
		goto out;
	}
	if ((st.st_mode & bad) != 0) {
		r = -EPERM;
		errbuf_set(errbuf, errlen, "%s is readable or writable by "
		    "group or others; chmod 600 it", path);
		goto out;
	}
	if (st.st_size > SECRET_MAX) {
		r = -EFBIG;
		errbuf_set(errbuf, errlen, "%s is larger than %d bytes",
		    path, SECRET_MAX);
		goto out;
	}

	if ((s = secret_new(SECRET_MAX + 1)) == NULL) {
		r = -ENOMEM;
		errbuf_set(errbuf, errlen, "%s: out of memory", path);
		goto out;
	}
	/* One byte past the limit: the file may have grown since fstat. */
	while (len <= SECRET_MAX) {
		n = read(fd, s->data + len, SECRET_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			r = -errno;
			errbuf_set(errbuf, errlen, "%s: cannot read: %s",
			    path, strerror(-r));
			goto out;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > SECRET_MAX) {
		r = -EFBIG;
		errbuf_set(errbuf, errlen, "%s is larger than %d bytes",
		    path, SECRET_MAX);
		goto out;
	}
	if (!(flags & SECRET_RAW) && len > 0 && s->data[len - 1] == '\n')
		len--;
	if (len == 0) {
		r = -EINVAL;
		errbuf_set(errbuf, errlen, "%s is empty", path);
		goto out;
	}
	s->data[len] = '\0';
	s->len = len;
	*ret_secret = s;
	s = NULL;
	r = 0;
out:
	secret_free(s);
	close(fd);
	return r;
}

int
secret_read_file(const char *path, struct secret **ret_secret,
    char *errbuf, size_t errlen)
{
	return secret_read(path, SECRET_FILE_BAD, 0, ret_secret, errbuf,
	    errlen);
}

int
secret_load(const char *name, const char *path,
    struct secret **ret_secret, char *errbuf, size_t errlen)
{
	char cred[PATH_MAX];
	int r;

	r = secret_cred_path(name, cred, sizeof(cred), errbuf, errlen);
	if (r < 0)
		return r;
	if (r > 0) {
		/* A credential that exists but is refused is not skipped. */
		r = secret_read(cred, SECRET_CRED_BAD, 0, ret_secret, errbuf,
		    errlen);
		if (r != -ENOENT)
			return r;
	}
	if (path == NULL) {
		errbuf_set(errbuf, errlen,
		    "no %s credential and no file configured", name);
		return -ENOENT;
	}
	return secret_read_file(path, ret_secret, errbuf, errlen);
}

/* 32 raw bytes, or 64 hex digits and at most one trailing newline. */
static int
secret_parse_key(const struct secret *s, const char *path,
    uint8_t key[SECRET_KEY_LEN], char *errbuf, size_t errlen)
{
	uint8_t bin[SECRET_KEY_LEN];
	size_t hexlen = s->len, binlen = 0;
	int r = -EINVAL;

	if (s->len == SECRET_KEY_LEN) {
		memcpy(key, s->data, SECRET_KEY_LEN);
		return 0;
	}
	if (hexlen > 0 && s->data[hexlen - 1] == '\n')
		hexlen--;
	/* No hex_end: a character that is not a hex digit fails it. */
	if (hexlen == 2 * SECRET_KEY_LEN &&
	    sodium_hex2bin(bin, sizeof(bin), s->data, hexlen, NULL, &binlen,
	    NULL) == 0 && binlen == SECRET_KEY_LEN) {
		memcpy(key, bin, SECRET_KEY_LEN);
		r = 0;
	} else
		errbuf_set(errbuf, errlen,
		    "%s: a token key is 32 bytes or 64 hex digits", path);
	sodium_memzero(bin, sizeof(bin));
	return r;
}

/*
 * Creates path (in dir) with a fresh key.  O_EXCL: never replace a key
 * that tokens may be sealed under.  On failure the file is removed, so
 * the next start does not meet a partial key.
 */
static int
secret_generate(const char *path, const char *dir,
    uint8_t key[SECRET_KEY_LEN], int *ret_generated, char *errbuf,
    size_t errlen)
{
	uint8_t fresh[SECRET_KEY_LEN];
	size_t off = 0;
	ssize_t n;
	int fd, dfd = -1, r = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		r = -errno;
		errbuf_set(errbuf, errlen, "%s: cannot create: %s", path,
		    strerror(-r));
		return r;
	}
	randombytes_buf(fresh, sizeof(fresh));
	while (off < sizeof(fresh)) {
		n = write(fd, fresh + off, sizeof(fresh) - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			r = -errno;
			goto fail;
		}
		off += n;
	}
	if (fsync(fd) == -1) {
		r = -errno;
		goto fail;
	}
	r = close(fd) == -1 ? -errno : 0;
	fd = -1;
	if (r < 0)
		goto fail;
	/* The new name must survive a crash as well as the bytes. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1) {
		r = -errno;
		goto fail;
	}
	close(dfd);
	memcpy(key, fresh, SECRET_KEY_LEN);
	sodium_memzero(fresh, sizeof(fresh));
	if (ret_generated != NULL)
		*ret_generated = 1;
	return 0;
fail:
	errbuf_set(errbuf, errlen, "%s: cannot write: %s", path,
	    strerror(-r));
	sodium_memzero(fresh, sizeof(fresh));
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	unlink(path);
	return r;
}

int
secret_token_key(const char *key_file, const char *state_dir,
    uint8_t key[SECRET_KEY_LEN], int *ret_generated, char *errbuf,
    size_t errlen)
{
	struct secret *s = NULL;
	const char *src = NULL;
	char path[PATH_MAX];
	int r;

	if ((r = secret_init(errbuf, errlen)) < 0)
		return r;
	r = secret_cred_path("token-key", path, sizeof(path), errbuf, errlen);
	if (r < 0)
		return r;
	if (r > 0) {
		r = secret_read(path, SECRET_CRED_BAD, SECRET_RAW, &s, errbuf,
		    errlen);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r == 0)
			src = path;
	}
	if (src == NULL && key_file != NULL) {
		/* The operator named a key: making another would hide it. */
		r = secret_read(key_file, SECRET_FILE_BAD, SECRET_RAW, &s,
		    errbuf, errlen);
		if (r == -ENOENT)
			errbuf_set(errbuf, errlen, "%s: no such file "
			    "(key_file is set, so no key is generated)",
			    key_file);
		if (r < 0)
			return r;
		src = key_file;
	}
	if (src == NULL) {
		if (state_dir == NULL) {
			errbuf_set(errbuf, errlen, "no token-key credential, "
			    "key_file or state directory");
			return -EINVAL;
		}
		r = secret_path(path, sizeof(path), state_dir, SECRET_KEY_NAME,
		    errbuf, errlen);
		if (r < 0)
			return r;
		r = secret_read(path, SECRET_FILE_BAD, SECRET_RAW, &s, errbuf,
		    errlen);
		if (r == -ENOENT)
			return secret_generate(path, state_dir, key,
			    ret_generated, errbuf, errlen);
		if (r < 0)
			return r;
		src = path;
	}
	r = secret_parse_key(s, src, key, errbuf, errlen);
	secret_free(s);
	if (r == 0 && ret_generated != NULL)
		*ret_generated = 0;
	return r;
}
