/*
 * libFuzzer target for post.c's flat reader: the input is a post record
 * as it would lie in the store (a buffer of exactly its size, no NUL),
 * read by post_from_flat() and by json-c with post_from_record().
 * Besides memory errors it aborts when the flat reader takes a record
 * and reads it otherwise than json-c, or takes one json-c refuses
 * (tests/unit/post-agree.h): post_get() must mean what it meant.  And
 * a post it reads is written back by post_record_write(): the bytes
 * must be json-c's record of that post, and read back alike.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/post-agree.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct post p;
	char *rec;
	int r;

	/* Its own allocation, so that reading past size shows. */
	if ((rec = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(rec, data, size);
	post_init(&p);
	if ((r = post_agree(rec, size, &p)) == -1)
		abort();
	/* What was read, written straight: json-c's record of it. */
	if (r == 0 && post_write_agrees(&p) != NULL)
		abort();
	post_clear(&p);
	free(rec);
	return 0;
}
