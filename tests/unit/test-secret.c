/*
 * secret.c: the type, mode and size checks on secret files, one trailing
 * newline dropped, the credential taken before the file, the token key's
 * two forms and its creation on first start, and messages that name the
 * file but never show what is in it; the pool's slots (what seal_open()
 * hands out): wiped when given back, in locked memory left out of core
 * dumps, a pool that outlives its freeing until its last slot goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/store/secret.h"
#include "check.h"

/* What a refused file holds; no message may show it. */
#define CONTENT	"s3cr3t-c0ntent-never-in-a-message"
#define HEXKEY	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"

static char dir[] = "/tmp/test-secret.XXXXXX";
static char err[512];

/* dir/name, in one of four rotating buffers. */
static const char *
at(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void
put(const char *name, const void *data, size_t len, mode_t mode)
{
	const char *p = at(name);
	int fd;

	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd != -1);
	if (fd == -1)
		return;
	CHECK(write(fd, data, len) == (ssize_t)len);
	CHECK(fchmod(fd, mode) == 0);
	close(fd);
}

static void
puts0600(const char *name, const char *text)
{
	put(name, text, strlen(text), 0600);
}

static int
is_text(const struct secret *s, const char *text)
{
	size_t len = strlen(text);

	return s != NULL && s->len == len &&
	    memcmp(s->data, text, len) == 0 && s->data[len] == '\0';
}

/* A failed read: the code, the path named, CONTENT absent, no secret. */
static void
refused(const char *path, int want)
{
	struct secret *sentinel = (struct secret *)&err, *s = sentinel;

	err[0] = '\0';
	CHECK_INT(secret_read_file(path, &s, err, sizeof(err)), want);
	CHECK(s == sentinel);
	CHECK(strstr(err, path) != NULL);
	CHECK(strstr(err, CONTENT) == NULL);
}

static void
test_read(void)
{
	struct secret *s = NULL;
	char big[4097];

	puts0600("plain", "abc");
	CHECK_INT(secret_read_file(at("plain"), &s, err, sizeof(err)), 0);
	CHECK(is_text(s, "abc"));
	secret_free(s);

	puts0600("nl", "abc\n");
	CHECK_INT(secret_read_file(at("nl"), &s, err, sizeof(err)), 0);
	CHECK(is_text(s, "abc"));
	secret_free(s);

	/* Exactly one newline goes; a carriage return stays. */
	puts0600("nl2", "abc\n\n");
	CHECK_INT(secret_read_file(at("nl2"), &s, err, sizeof(err)), 0);
	CHECK(is_text(s, "abc\n"));
	secret_free(s);
	puts0600("crlf", "abc\r\n");
	CHECK_INT(secret_read_file(at("crlf"), &s, err, sizeof(err)), 0);
	CHECK(is_text(s, "abc\r"));
	secret_free(s);

	/* A symlink is followed; the mode checked is the target's. */
	CHECK(symlink(at("plain"), at("link")) == 0);
	CHECK_INT(secret_read_file(at("link"), &s, err, sizeof(err)), 0);
	CHECK(is_text(s, "abc"));
	secret_free(s);
	put("plain-0644", "abc", 3, 0644);
	CHECK(symlink(at("plain-0644"), at("link-0644")) == 0);
	refused(at("link-0644"), -EPERM);

	/* 0400 is as good as 0600. */
	put("ro", "abc", 3, 0400);
	CHECK_INT(secret_read_file(at("ro"), &s, err, sizeof(err)), 0);
	CHECK(is_text(s, "abc"));
	secret_free(s);

	memset(big, 'x', sizeof(big));
	put("4096", big, 4096, 0600);
	CHECK_INT(secret_read_file(at("4096"), &s, err, sizeof(err)), 0);
	CHECK(s != NULL && s->len == 4096 && s->data[4096] == '\0');
	secret_free(s);

	secret_free(NULL);
}

static void
test_refused(void)
{
	char big[4097 + sizeof(CONTENT)];

	put("g", CONTENT, strlen(CONTENT), 0640);
	refused(at("g"), -EPERM);
	CHECK(strstr(err, "chmod 600") != NULL);
	put("o", CONTENT, strlen(CONTENT), 0604);
	refused(at("o"), -EPERM);
	put("gw", CONTENT, strlen(CONTENT), 0620);
	refused(at("gw"), -EPERM);
	put("ox", CONTENT, strlen(CONTENT), 0601);
	refused(at("ox"), -EPERM);

	CHECK(mkdir(at("adir"), 0700) == 0);
	refused(at("adir"), -EISDIR);
	/* A FIFO is refused, and opening it does not wait for a writer. */
	CHECK(mkfifo(at("fifo"), 0600) == 0);
	refused(at("fifo"), -EINVAL);

	put("empty", "", 0, 0600);
	refused(at("empty"), -EINVAL);
	CHECK(strstr(err, "empty") != NULL);
	put("justnl", "\n", 1, 0600);
	refused(at("justnl"), -EINVAL);

	memset(big, 'x', sizeof(big));
	memcpy(big, CONTENT, strlen(CONTENT));
	put("big", big, 4097, 0600);
	refused(at("big"), -EFBIG);
	/* 4096 bytes and a newline are still one byte too many. */
	big[4096] = '\n';
	put("big-nl", big, 4097, 0600);
	refused(at("big-nl"), -EFBIG);

	refused(at("missing"), -ENOENT);

	/* errbuf may be NULL. */
	{
		struct secret *s = NULL;

		CHECK_INT(secret_read_file(at("g"), &s, NULL, 0), -EPERM);
		CHECK(s == NULL);
	}
}

static void
test_load(void)
{
	struct secret *sentinel = (struct secret *)&err, *s;

	CHECK(mkdir(at("creds"), 0700) == 0);
	puts0600("app-file", "from-file\n");
	put("creds/app-secret", "from-credential\n", 16, 0400);

	unsetenv("CREDENTIALS_DIRECTORY");
	s = NULL;
	CHECK_INT(secret_load("app-secret", at("app-file"), &s, err,
	    sizeof(err)), 0);
	CHECK(is_text(s, "from-file"));
	secret_free(s);

	s = sentinel;
	CHECK_INT(secret_load("app-secret", NULL, &s, err, sizeof(err)),
	    -ENOENT);
	CHECK(s == sentinel);
	CHECK(strstr(err, "no app-secret credential") != NULL);
	CHECK_INT(secret_load("app-secret", at("nope"), &s, err, sizeof(err)),
	    -ENOENT);
	CHECK(strstr(err, at("nope")) != NULL);
	CHECK(s == sentinel);

	/* The credential comes first. */
	CHECK(setenv("CREDENTIALS_DIRECTORY", at("creds"), 1) == 0);
	s = NULL;
	CHECK_INT(secret_load("app-secret", at("app-file"), &s, err,
	    sizeof(err)), 0);
	CHECK(is_text(s, "from-credential"));
	secret_free(s);
	s = NULL;
	CHECK_INT(secret_load("app-secret", NULL, &s, err, sizeof(err)), 0);
	CHECK(is_text(s, "from-credential"));
	secret_free(s);

	/* No such credential: the file, then nothing. */
	s = NULL;
	CHECK_INT(secret_load("other", at("app-file"), &s, err, sizeof(err)),
	    0);
	CHECK(is_text(s, "from-file"));
	secret_free(s);
	s = sentinel;
	CHECK_INT(secret_load("other", NULL, &s, err, sizeof(err)), -ENOENT);
	CHECK(s == sentinel);
	CHECK(strstr(err, "no other credential and no file configured") !=
	    NULL);

	/* systemd's ACL mask shows as group read: accepted. */
	put("creds/app-secret", "from-credential", 15, 0440);
	s = NULL;
	CHECK_INT(secret_load("app-secret", NULL, &s, err, sizeof(err)), 0);
	CHECK(is_text(s, "from-credential"));
	secret_free(s);

	/* Other bits or group write: refused, and no fall back to path. */
	put("creds/app-secret", CONTENT, strlen(CONTENT), 0404);
	s = sentinel;
	CHECK_INT(secret_load("app-secret", at("app-file"), &s, err,
	    sizeof(err)), -EPERM);
	CHECK(s == sentinel);
	CHECK(strstr(err, at("creds/app-secret")) != NULL);
	CHECK(strstr(err, CONTENT) == NULL);
	put("creds/app-secret", CONTENT, strlen(CONTENT), 0460);
	CHECK_INT(secret_load("app-secret", at("app-file"), &s, err,
	    sizeof(err)), -EPERM);
	CHECK(s == sentinel);

	unsetenv("CREDENTIALS_DIRECTORY");
}

static const uint8_t want_key[SECRET_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static int
key_from(const char *text, size_t len, uint8_t key[SECRET_KEY_LEN])
{
	int gen = 42, r;

	put("key", text, len, 0600);
	r = secret_token_key(at("key"), at("no-state"), key, &gen, err,
	    sizeof(err));
	if (r == 0)
		CHECK_INT(gen, 0);
	else
		CHECK_INT(gen, 42);
	return r;
}

static void
bad_key(const char *text, size_t len)
{
	uint8_t key[SECRET_KEY_LEN], untouched[SECRET_KEY_LEN];

	memset(key, 0xa5, sizeof(key));
	memcpy(untouched, key, sizeof(key));
	CHECK_INT(key_from(text, len, key), -EINVAL);
	CHECK(memcmp(key, untouched, sizeof(key)) == 0);
	CHECK(strstr(err, at("key")) != NULL);
	CHECK(strstr(err, "32 bytes or 64 hex digits") != NULL);
	CHECK(len < 8 || strstr(err, "0001020304") == NULL);
}

static void
test_key_forms(void)
{
	uint8_t key[SECRET_KEY_LEN], raw[SECRET_KEY_LEN + 1];
	char upper[] = HEXKEY, buf[200];
	size_t i;

	unsetenv("CREDENTIALS_DIRECTORY");
	CHECK_INT(key_from(HEXKEY, 64, key), 0);
	CHECK(memcmp(key, want_key, sizeof(key)) == 0);
	CHECK_INT(key_from(HEXKEY "\n", 65, key), 0);
	CHECK(memcmp(key, want_key, sizeof(key)) == 0);
	for (i = 0; upper[i] != '\0'; i++)
		if (upper[i] >= 'a' && upper[i] <= 'f')
			upper[i] -= 'a' - 'A';
	CHECK_INT(key_from(upper, 64, key), 0);
	CHECK(memcmp(key, want_key, sizeof(key)) == 0);

	/* Raw: exactly 32 bytes, a last byte of 0x0a included. */
	memcpy(raw, want_key, SECRET_KEY_LEN);
	raw[SECRET_KEY_LEN - 1] = '\n';
	CHECK_INT(key_from((char *)raw, SECRET_KEY_LEN, key), 0);
	CHECK(memcmp(key, raw, SECRET_KEY_LEN) == 0);

	bad_key(HEXKEY "\n\n", 66);
	bad_key(HEXKEY, 63);
	bad_key(HEXKEY "0", 65);
	snprintf(buf, sizeof(buf), "%s%s", HEXKEY, HEXKEY);
	bad_key(buf, 128);
	snprintf(buf, sizeof(buf), "%.63sg", HEXKEY);
	bad_key(buf, 64);
	snprintf(buf, sizeof(buf), " %.63s", HEXKEY);
	bad_key(buf, 64);
	bad_key((char *)want_key, SECRET_KEY_LEN - 1);
	memcpy(raw, want_key, SECRET_KEY_LEN);
	raw[SECRET_KEY_LEN] = 'x';
	bad_key((char *)raw, SECRET_KEY_LEN + 1);
	/* Raw and a newline is 33 bytes: not a key. */
	raw[SECRET_KEY_LEN] = '\n';
	bad_key((char *)raw, SECRET_KEY_LEN + 1);

	/* The key file obeys the same mode rule. */
	put("key", HEXKEY, 64, 0640);
	memset(key, 0, sizeof(key));
	CHECK_INT(secret_token_key(at("key"), NULL, key, NULL, err,
	    sizeof(err)), -EPERM);
	CHECK(strstr(err, at("key")) != NULL);
	CHECK(strstr(err, HEXKEY) == NULL);
}

static int
read_all(const char *path, uint8_t *buf, size_t size)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return (int)n;
}

static void
test_key_sources(void)
{
	uint8_t key[SECRET_KEY_LEN], again[SECRET_KEY_LEN], disk[64];
	uint8_t zero[SECRET_KEY_LEN] = { 0 }, untouched[SECRET_KEY_LEN];
	struct stat st;
	int gen;

	unsetenv("CREDENTIALS_DIRECTORY");

	/* First start: a new key, 0600, 32 raw bytes, said so. */
	CHECK(mkdir(at("state"), 0700) == 0);
	gen = 42;
	CHECK_INT(secret_token_key(NULL, at("state"), key, &gen, err,
	    sizeof(err)), 0);
	CHECK_INT(gen, 1);
	CHECK(memcmp(key, zero, sizeof(key)) != 0);
	CHECK(stat(at("state/token.key"), &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK_INT(st.st_size, SECRET_KEY_LEN);
	CHECK_INT(read_all(at("state/token.key"), disk, sizeof(disk)),
	    SECRET_KEY_LEN);
	CHECK(memcmp(disk, key, SECRET_KEY_LEN) == 0);

	/* Second start: the same key, not generated. */
	gen = 42;
	CHECK_INT(secret_token_key(NULL, at("state"), again, &gen, err,
	    sizeof(err)), 0);
	CHECK_INT(gen, 0);
	CHECK(memcmp(key, again, sizeof(key)) == 0);

	/* A configured key_file wins over the state directory's key. */
	puts0600("keyfile", HEXKEY "\n");
	CHECK_INT(secret_token_key(at("keyfile"), at("state"), again, &gen,
	    err, sizeof(err)), 0);
	CHECK_INT(gen, 0);
	CHECK(memcmp(again, want_key, sizeof(again)) == 0);

	/* A configured key_file that is missing: -ENOENT, nothing made. */
	CHECK(mkdir(at("state2"), 0700) == 0);
	memset(again, 0xa5, sizeof(again));
	memcpy(untouched, again, sizeof(again));
	gen = 42;
	CHECK_INT(secret_token_key(at("nokey"), at("state2"), again, &gen,
	    err, sizeof(err)), -ENOENT);
	CHECK_INT(gen, 42);
	CHECK(memcmp(again, untouched, sizeof(again)) == 0);
	CHECK(strstr(err, at("nokey")) != NULL);
	CHECK(strstr(err, "no key is generated") != NULL);
	CHECK(access(at("state2/token.key"), F_OK) == -1 && errno == ENOENT);

	/* The token-key credential wins over key_file. */
	CHECK(mkdir(at("kcreds"), 0700) == 0);
	CHECK(setenv("CREDENTIALS_DIRECTORY", at("kcreds"), 1) == 0);
	CHECK_INT(secret_token_key(at("keyfile"), at("state"), again, &gen,
	    err, sizeof(err)), 0);
	CHECK(memcmp(again, want_key, sizeof(again)) == 0);	/* none yet */
	put("kcreds/token-key", key, SECRET_KEY_LEN, 0440);
	gen = 42;
	CHECK_INT(secret_token_key(at("keyfile"), at("state2"), again, &gen,
	    err, sizeof(err)), 0);
	CHECK_INT(gen, 0);
	CHECK(memcmp(again, key, sizeof(again)) == 0);
	CHECK(access(at("state2/token.key"), F_OK) == -1);
	put("kcreds/token-key", HEXKEY "x", 65, 0400);
	CHECK_INT(secret_token_key(at("keyfile"), at("state2"), again, &gen,
	    err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, at("kcreds/token-key")) != NULL);
	CHECK(strstr(err, HEXKEY) == NULL);
	unsetenv("CREDENTIALS_DIRECTORY");

	/* Nowhere to look, nowhere to write. */
	CHECK_INT(secret_token_key(NULL, NULL, again, &gen, err, sizeof(err)),
	    -EINVAL);
	gen = 42;
	CHECK(secret_token_key(NULL, at("no-such-dir"), again, &gen, err,
	    sizeof(err)) == -ENOENT);
	CHECK_INT(gen, 42);
	CHECK(strstr(err, at("no-such-dir/token.key")) != NULL);

	/* A bad generated key is refused, not replaced. */
	put("state2/token.key", "short", 5, 0600);
	CHECK_INT(secret_token_key(NULL, at("state2"), again, &gen, err,
	    sizeof(err)), -EINVAL);
	CHECK(stat(at("state2/token.key"), &st) == 0 && st.st_size == 5);
}

static void
rm_rf(const char *path)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	CHECK(system(cmd) == 0);
}

#if defined(__SANITIZE_ADDRESS__)
#define ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN	1
#endif
#endif
#ifndef ASAN
#define ASAN	0
#endif

/* The VmFlags of the mapping that holds p, from /proc/self/smaps. */
static int
vm_flags(const void *p, char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long lo, hi, at = (unsigned long)(uintptr_t)p;
	int in = 0, found = 0;

	if (f == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = at >= lo && at < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(buf, size, "%s", line + 8);
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

static void
test_pool(void)
{
	struct secret_pool *pool;
	struct secret *a, *b, *c, *big, *many[300];
	struct rlimit rl;
	char flags[512], *was;
	size_t i;

	CHECK((pool = secret_pool_new()) != NULL);
	a = secret_pool_take(pool, 200);
	b = secret_pool_take(pool, 200);
	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	CHECK(a->chunk != NULL && a->chunk == b->chunk);
	CHECK(a->len == 0 && a->data[0] == '\0');
	memset(a->data, 'T', 200);
	memset(b->data, 'U', 200);

	/*
	 * Locked and not dumped: the chunk is one sodium_malloc().  (ASan
	 * makes mlock() a no-op, and a small RLIMIT_MEMLOCK refuses it.)
	 */
	CHECK_INT(vm_flags(a->data, flags, sizeof(flags)), 0);
	CHECK(strstr(flags, " dd") != NULL);
	if (!ASAN && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	    rl.rlim_cur >= (rlim_t)1 << 20)
		CHECK(strstr(flags, " lo") != NULL);

	/* Given back: wiped (b keeps the chunk mapped), then reused. */
	was = a->data;
	secret_free(a);
	for (i = 0; i < 201 && was[i] == 0; i++)
		;
	CHECK_INT(i, 201);
	c = secret_pool_take(pool, 10);
	CHECK(c != NULL && c->data == was && c->data[0] == '\0');
	for (i = 0; i < 200 && b->data[i] == 'U'; i++)
		;
	CHECK_INT(i, 200);

	/* Too long for a slot: its own allocation. */
	CHECK((big = secret_pool_take(pool, 5000)) != NULL);
	CHECK(big->chunk == NULL && big->data[0] == '\0');
	secret_free(big);
	CHECK((big = secret_pool_take(NULL, 10)) != NULL);
	CHECK(big->chunk == NULL);
	secret_free(big);

	/* Past a chunk: more chunks, every slot apart. */
	for (i = 0; i < 300; i++) {
		CHECK((many[i] = secret_pool_take(pool, 100)) != NULL);
		memset(many[i]->data, 'x', 100);
	}
	CHECK(many[0]->chunk != many[299]->chunk);
	for (i = 1; i < 300; i++)
		CHECK(many[i]->data != many[i - 1]->data);
	for (i = 0; i < 300; i++)
		secret_free(many[i]);

	/* Freed while b and c are held: they stay good, the last frees it. */
	secret_pool_free(pool);
	CHECK(b->data[0] == 'U');
	secret_free(c);
	secret_free(b);
	secret_pool_free(NULL);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_read();
	test_refused();
	test_load();
	test_key_forms();
	test_key_sources();
	test_pool();
	rm_rf(dir);
	return check_status();
}
