/*
 * Sealing tokens at rest: libsodium's XChaCha20-Poly1305 (IETF AEAD)
 * under the token key, with the account's user id as associated data, so
 * a sealed token moved to another account's record does not open.  The
 * key lives in sodium_malloc'd memory.  Knows nothing of LMDB.
 */
#ifndef THREADSD_SEAL_H
#define THREADSD_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/store/secret.h"

struct seal;

/* Copies key; NULL on failure (sodium_init or memory). */
struct seal	*seal_new(const uint8_t key[SECRET_KEY_LEN]);
/* Wipes the key; accepts NULL. */
void		 seal_free(struct seal *);

/*
 * Seals plain (plain_len bytes) bound to user_id.  The blob is a version
 * byte, the 24-byte random nonce and the ciphertext with its tag;
 * malloc'd, free() it.  Returns 0 or -errno.
 */
int		 seal_seal(const struct seal *, const char *user_id,
		    const void *plain, size_t plain_len, uint8_t **ret_blob,
		    size_t *ret_len);

/*
 * Opens a blob sealed for user_id.  The plaintext is a NUL-terminated
 * struct secret (wipe with secret_free).  -EBADMSG when the blob is
 * damaged, sealed under another key, or bound to another user id.
 */
int		 seal_open(const struct seal *, const char *user_id,
		    const uint8_t *blob, size_t len,
		    struct secret **ret_plain);
/*
 * The same into buf (size bytes, NUL-terminated), for a caller that
 * opens many tokens and wipes buf itself (the poller): sodium_malloc's
 * guard pages cost five system calls a token.  Returns the token's
 * length, all the caller need wipe (with its NUL); -ENOSPC when the
 * token does not fit.
 */
int		 seal_open_buf(const struct seal *, const char *user_id,
		    const uint8_t *blob, size_t len, char *buf, size_t size);

#endif
