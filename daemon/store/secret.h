/*
 * Secrets the daemon reads at start: the app secret and the token key.
 * Each comes from a systemd credential ($CREDENTIALS_DIRECTORY/NAME), else
 * from a file named in the config, which must not be readable by group or
 * others.  The token key may also be generated on first start.  Secrets
 * live in sodium_malloc'd memory and are wiped when freed; no function
 * here puts one in a message.
 */
#ifndef THREADSD_SECRET_H
#define THREADSD_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define SECRET_KEY_LEN	32

struct secret_chunk;

struct secret {
	char			*data;		/* sodium_malloc'd, NUL-terminated */
	size_t			 len;
	struct secret_chunk	*chunk;		/* its pool's; NULL: its own */
};

/*
 * An empty secret with room for size bytes and a NUL, in its own
 * sodium_malloc'd buffer (the one place such a buffer is made); NULL
 * when out of memory.  libsodium must be initialised.
 */
struct secret	*secret_new(size_t size);
/* Wipes and frees (or gives its slot back); accepts NULL. */
void	secret_free(struct secret *);

/*
 * Slots for the tokens that jobs hold while they wait (seal_open()): one
 * sodium_malloc() each costs two guard pages, five system calls and, on
 * free, TLB shootdowns on every CPU.  A pool's slots live in chunks that
 * are each one sodium_malloc'd, locked, MADV_DONTDUMP region, and a slot
 * is wiped whole when given back, so a token is kept as it was: never
 * swapped, never in a core dump, wiped after use.  A secret that does
 * not fit a slot gets its own sodium_malloc().  secret_pool_free() while
 * slots are held: the pool goes with the last of them.
 */
struct secret_pool;

struct secret_pool	*secret_pool_new(void);
void			 secret_pool_free(struct secret_pool *);
/* secret_new(), in a slot of pool when it fits (pool may be NULL). */
struct secret		*secret_pool_take(struct secret_pool *pool,
			    size_t size);

/*
 * Reads a secret file: refuses one that is group/world readable or not a
 * regular file (naming it), an empty one, or one over 4 KiB; drops one
 * trailing newline.  Returns 0 or -errno with errbuf filled.
 */
int	secret_read_file(const char *path, struct secret **ret_secret,
	    char *errbuf, size_t errlen);

/*
 * The credential `name` when $CREDENTIALS_DIRECTORY has it, else the file
 * at path (may be NULL).  -ENOENT (errbuf filled) when neither exists.
 * A credential may show group read (systemd's ACL mask) but no write bit
 * for group and nothing for others; a refused credential is an error, not
 * a reason to fall back to path.
 */
int	secret_load(const char *name, const char *path,
	    struct secret **ret_secret, char *errbuf, size_t errlen);

/*
 * The 32-byte token key: the `token-key` credential, else key_file, else
 * state_dir/token.key, created with 32 random bytes (mode 0600) when it
 * does not exist (then *ret_generated = 1).  A key is 32 raw bytes or 64
 * hex digits (one trailing newline ignored).  key is filled on success.
 */
int	secret_token_key(const char *key_file, const char *state_dir,
	    uint8_t key[SECRET_KEY_LEN], int *ret_generated, char *errbuf,
	    size_t errlen);

#endif
