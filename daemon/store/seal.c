/*
 * Sealing tokens at rest under the token key.  A blob is
 *
 *	version (1 byte) || nonce (24) || ciphertext || tag (16)
 *
 * and the associated data is the version byte followed by the user id, so
 * the tag fails when either changes, as when a blob is copied into another
 * account's record.  This file holds the key; it does not know where
 * blobs are stored.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon/store/seal.h"

#define SEAL_VERSION	0x01
#define SEAL_NONCE	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG	crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEAL_HEAD	(1 + SEAL_NONCE)

_Static_assert(SECRET_KEY_LEN == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "the token key is an XChaCha20-Poly1305 key");

struct seal {
	uint8_t		*key;		/* sodium_malloc'd, read-only */
	struct secret_pool *pool;	/* for what seal_open() opens */
};

struct seal *
seal_new(const uint8_t key[SECRET_KEY_LEN])
{
	struct seal *sl;

	if (sodium_init() < 0)
		return NULL;
	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		return NULL;
	if ((sl->key = sodium_malloc(SECRET_KEY_LEN)) == NULL) {
		free(sl);
		return NULL;
	}
	if ((sl->pool = secret_pool_new()) == NULL) {
		sodium_free(sl->key);
		free(sl);
		return NULL;
	}
	memcpy(sl->key, key, SECRET_KEY_LEN);
	/* A stray write faults instead of changing the key; best effort. */
	sodium_mprotect_readonly(sl->key);
	return sl;
}

void
seal_free(struct seal *sl)
{
	if (sl == NULL)
		return;
	sodium_free(sl->key);		/* makes it writable and zeroes it */
	secret_pool_free(sl->pool);	/* or the last token held frees it */
	free(sl);
}

/* The associated data: the version byte, then the user id. */
static int
seal_ad(uint8_t version, const char *user_id, uint8_t **ret_ad,
    size_t *ret_len)
{
	size_t len = strlen(user_id);
	uint8_t *ad;

	if ((ad = malloc(1 + len)) == NULL)
		return -ENOMEM;
	ad[0] = version;
	memcpy(ad + 1, user_id, len);
	*ret_ad = ad;
	*ret_len = 1 + len;
	return 0;
}

int
seal_seal(const struct seal *sl, const char *user_id, const void *plain,
    size_t plain_len, uint8_t **ret_blob, size_t *ret_len)
{
	uint8_t *ad, *blob;
	size_t adlen, len;
	int r;

	if (sl == NULL || user_id == NULL || *user_id == '\0' ||
	    (plain == NULL && plain_len > 0))
		return -EINVAL;
	if (plain_len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
	    plain_len > SIZE_MAX - SEAL_HEAD - SEAL_TAG)
		return -EMSGSIZE;
	len = SEAL_HEAD + plain_len + SEAL_TAG;
	if ((blob = malloc(len)) == NULL)
		return -ENOMEM;
	if ((r = seal_ad(SEAL_VERSION, user_id, &ad, &adlen)) < 0) {
		free(blob);
		return r;
	}
	blob[0] = SEAL_VERSION;
	/* 24 random bytes: no counter to keep, no collision to fear. */
	randombytes_buf(blob + 1, SEAL_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(blob + SEAL_HEAD, NULL,
	    plain_len > 0 ? plain : (const void *)"", plain_len, ad, adlen,
	    NULL, blob + 1, sl->key);
	free(ad);
	*ret_blob = blob;
	*ret_len = len;
	return 0;
}

/* The length of the plaintext in blob: 0, -EINVAL or -EBADMSG. */
static int
seal_check(const struct seal *sl, const char *user_id, const uint8_t *blob,
    size_t len, size_t *ret_mlen)
{
	if (sl == NULL || user_id == NULL || *user_id == '\0')
		return -EINVAL;
	if (blob == NULL || len < SEAL_HEAD + SEAL_TAG ||
	    blob[0] != SEAL_VERSION)
		return -EBADMSG;
	*ret_mlen = len - SEAL_HEAD - SEAL_TAG;
	return 0;
}

/* Decrypts a checked blob into out, which holds its plaintext. */
static int
seal_decrypt(const struct seal *sl, const char *user_id, const uint8_t *blob,
    size_t len, uint8_t *out)
{
	uint8_t *ad;
	size_t adlen;
	int r;

	/* blob[0], not the constant: the tag covers the version byte too. */
	if ((r = seal_ad(blob[0], user_id, &ad, &adlen)) < 0)
		return r;
	r = crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL,
	    blob + SEAL_HEAD, len - SEAL_HEAD, ad, adlen, blob + 1,
	    sl->key) == 0 ? 0 : -EBADMSG;
	free(ad);
	return r;
}

int
seal_open(const struct seal *sl, const char *user_id, const uint8_t *blob,
    size_t len, struct secret **ret_plain)
{
	struct secret *s;
	size_t mlen;
	int r;

	if ((r = seal_check(sl, user_id, blob, len, &mlen)) < 0)
		return r;
	/* A slot of the pool: the token a job holds until it is done. */
	if ((s = secret_pool_take(sl->pool, mlen)) == NULL)
		return -ENOMEM;
	if ((r = seal_decrypt(sl, user_id, blob, len,
	    (uint8_t *)s->data)) < 0) {
		secret_free(s);
		return r;
	}
	s->data[mlen] = '\0';
	s->len = mlen;
	*ret_plain = s;
	return 0;
}

int
seal_open_buf(const struct seal *sl, const char *user_id, const uint8_t *blob,
    size_t len, char *buf, size_t size)
{
	size_t mlen;
	int r;

	if ((r = seal_check(sl, user_id, blob, len, &mlen)) < 0)
		return r;
	if (mlen >= size)
		return -ENOSPC;
	if ((r = seal_decrypt(sl, user_id, blob, len, (uint8_t *)buf)) < 0) {
		sodium_memzero(buf, size);
		return r;
	}
	buf[mlen] = '\0';
	return (int)mlen;
}
