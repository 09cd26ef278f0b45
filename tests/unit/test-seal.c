/*
 * seal.c: a round trip, a fresh nonce each time, the blob's layout, and
 * -EBADMSG for every way a blob can be wrong: another key, another user
 * id, any flipped bit, a short, empty or extended blob, an unknown
 * version.  The plaintext never appears in a blob.  seal_open_buf():
 * the length back, nothing written past the NUL, no room refused, and a
 * buffer wiped when the blob is wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon/store/seal.h"
#include "check.h"

#define TOKEN	"THAAGxZCZBt0k3nS3cr3tL0ngL1v3dT0k3nV4lu3ZDZD"
#define USER	"17841405793187218"
#define BLOBLEN(n)	(1 + 24 + (n) + 16)

static uint8_t key_a[SECRET_KEY_LEN], key_b[SECRET_KEY_LEN];

static int
is_token(const struct secret *s, const void *data, size_t len)
{
	return s != NULL && s->len == len && memcmp(s->data, data, len) == 0 &&
	    s->data[len] == '\0';
}

/* Opening fails with -EBADMSG and leaves ret_plain alone. */
static int
bad(const struct seal *sl, const char *user, const uint8_t *blob,
    size_t len)
{
	struct secret *sentinel = (struct secret *)&key_a, *s = sentinel;
	int r;

	r = seal_open(sl, user, blob, len, &s);
	if (s != sentinel) {
		if (r == 0)
			secret_free(s);
		return 0;
	}
	return r == -EBADMSG;
}

static void
test_round_trip(void)
{
	struct seal *sl;
	struct secret *s = NULL;
	uint8_t *b1, *b2, big[4096];
	size_t l1, l2;

	CHECK((sl = seal_new(key_a)) != NULL);
	CHECK_INT(seal_seal(sl, USER, TOKEN, strlen(TOKEN), &b1, &l1), 0);
	CHECK_INT(l1, BLOBLEN(strlen(TOKEN)));
	CHECK_INT(b1[0], 0x01);
	CHECK_INT(seal_open(sl, USER, b1, l1, &s), 0);
	CHECK(is_token(s, TOKEN, strlen(TOKEN)));
	secret_free(s);

	/* Random nonce: the same token seals differently each time. */
	CHECK_INT(seal_seal(sl, USER, TOKEN, strlen(TOKEN), &b2, &l2), 0);
	CHECK_INT(l2, l1);
	CHECK(memcmp(b1 + 1, b2 + 1, 24) != 0);
	CHECK(memcmp(b1 + 25, b2 + 25, l1 - 25) != 0);
	s = NULL;
	CHECK_INT(seal_open(sl, USER, b2, l2, &s), 0);
	CHECK(is_token(s, TOKEN, strlen(TOKEN)));
	secret_free(s);

	/* Neither the token nor a piece of it is in the blob. */
	CHECK(memmem(b1, l1, TOKEN, strlen(TOKEN)) == NULL);
	CHECK(memmem(b1, l1, TOKEN, 8) == NULL);
	CHECK(memmem(b2, l2, &TOKEN[20], 8) == NULL);
	free(b1);
	free(b2);

	/* Empty and large plaintexts, and bytes that are not text. */
	CHECK_INT(seal_seal(sl, USER, NULL, 0, &b1, &l1), 0);
	CHECK_INT(l1, BLOBLEN(0));
	s = NULL;
	CHECK_INT(seal_open(sl, USER, b1, l1, &s), 0);
	CHECK(s != NULL && s->len == 0 && s->data[0] == '\0');
	secret_free(s);
	free(b1);
	randombytes_buf(big, sizeof(big));
	CHECK_INT(seal_seal(sl, USER, big, sizeof(big), &b1, &l1), 0);
	s = NULL;
	CHECK_INT(seal_open(sl, USER, b1, l1, &s), 0);
	CHECK(is_token(s, big, sizeof(big)));
	secret_free(s);
	free(b1);

	/* Arguments a caller must not pass. */
	b1 = NULL;
	CHECK_INT(seal_seal(sl, NULL, TOKEN, 3, &b1, &l1), -EINVAL);
	CHECK_INT(seal_seal(sl, "", TOKEN, 3, &b1, &l1), -EINVAL);
	CHECK_INT(seal_seal(sl, USER, NULL, 3, &b1, &l1), -EINVAL);
	CHECK(b1 == NULL);

	seal_free(sl);
	seal_free(NULL);
}

static void
test_tampering(void)
{
	struct seal *sa, *sb;
	uint8_t *blob, *copy;
	size_t len, i;
	int bit, ok;

	CHECK((sa = seal_new(key_a)) != NULL);
	CHECK((sb = seal_new(key_b)) != NULL);
	CHECK_INT(seal_seal(sa, USER, TOKEN, strlen(TOKEN), &blob, &len), 0);
	CHECK((copy = malloc(len + 1)) != NULL);

	CHECK(bad(sb, USER, blob, len));
	CHECK(bad(sa, "17841405793187219", blob, len));
	CHECK(bad(sa, "1784140579318721", blob, len));
	CHECK(bad(sa, USER "8", blob, len));

	/* Every bit of version, nonce, ciphertext and tag counts. */
	ok = 1;
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, blob, len);
			copy[i] ^= 1 << bit;
			if (!bad(sa, USER, copy, len)) {
				fprintf(stderr, "byte %zu bit %d accepted\n",
				    i, bit);
				ok = 0;
			}
		}
	CHECK(ok);

	/* Every truncation, an extra byte, nothing at all. */
	ok = 1;
	for (i = 0; i < len; i++)
		if (!bad(sa, USER, blob, i))
			ok = 0;
	CHECK(ok);
	memcpy(copy, blob, len);
	copy[len] = 0;
	CHECK(bad(sa, USER, copy, len + 1));
	CHECK(bad(sa, USER, NULL, 0));
	CHECK(bad(sa, USER, (const uint8_t *)"", 0));

	/* Unknown versions, even with an otherwise valid blob. */
	memcpy(copy, blob, len);
	copy[0] = 0x02;
	CHECK(bad(sa, USER, copy, len));
	copy[0] = 0x00;
	CHECK(bad(sa, USER, copy, len));

	free(copy);
	free(blob);
	seal_free(sa);
	seal_free(sb);
}

/*
 * The format, pinned: a blob made with libsodium directly, associated
 * data 0x01 || user id, opens; one made with the user id alone does not.
 */
static void
test_format(void)
{
	struct seal *sl;
	struct secret *s = NULL;
	uint8_t blob[BLOBLEN(sizeof(TOKEN) - 1)], ad[1 + sizeof(USER) - 1];

	CHECK((sl = seal_new(key_a)) != NULL);
	ad[0] = 0x01;
	memcpy(ad + 1, USER, sizeof(USER) - 1);
	blob[0] = 0x01;
	randombytes_buf(blob + 1, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(blob + 25, NULL,
	    (const uint8_t *)TOKEN, sizeof(TOKEN) - 1, ad, sizeof(ad), NULL,
	    blob + 1, key_a);
	CHECK_INT(seal_open(sl, USER, blob, sizeof(blob), &s), 0);
	CHECK(is_token(s, TOKEN, sizeof(TOKEN) - 1));
	secret_free(s);

	crypto_aead_xchacha20poly1305_ietf_encrypt(blob + 25, NULL,
	    (const uint8_t *)TOKEN, sizeof(TOKEN) - 1, ad + 1, sizeof(ad) - 1,
	    NULL, blob + 1, key_a);
	CHECK(bad(sl, USER, blob, sizeof(blob)));
	seal_free(sl);
}

/* Into a caller's buffer: the length back, NUL-terminated, or no room. */
static void
test_open_buf(void)
{
	struct seal *sl, *other;
	uint8_t *b;
	size_t l;
	char buf[64];

	CHECK((sl = seal_new(key_a)) != NULL);
	CHECK((other = seal_new(key_b)) != NULL);
	CHECK_INT(seal_seal(sl, USER, TOKEN, strlen(TOKEN), &b, &l), 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_INT(seal_open_buf(sl, USER, b, l, buf, sizeof(buf)),
	    (int)strlen(TOKEN));
	CHECK(strcmp(buf, TOKEN) == 0);
	/* The poller wipes the length and the NUL: nothing lies past them. */
	CHECK(buf[strlen(TOKEN) + 1] == 'x');
	/* The token and its NUL must fit. */
	CHECK_INT(seal_open_buf(sl, USER, b, l, buf, strlen(TOKEN)), -ENOSPC);
	CHECK_INT(seal_open_buf(sl, USER, b, l, buf, strlen(TOKEN) + 1),
	    (int)strlen(TOKEN));
	CHECK_INT(seal_open_buf(other, USER, b, l, buf, sizeof(buf)),
	    -EBADMSG);
	/* Whatever the failed open wrote is wiped. */
	CHECK(sodium_is_zero((unsigned char *)buf, sizeof(buf)));
	CHECK_INT(seal_open_buf(sl, "17841405793187219", b, l, buf,
	    sizeof(buf)), -EBADMSG);
	free(b);
	seal_free(other);
	seal_free(sl);
}

int
main(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	randombytes_buf(key_a, sizeof(key_a));
	randombytes_buf(key_b, sizeof(key_b));
	test_round_trip();
	test_tampering();
	test_format();
	test_open_buf();
	return check_status();
}
