/*
 * Schedule-time validation: every rule refuses what Meta would refuse,
 * accepts what sits exactly on the limit, and says what is wrong.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/post.h"
#include "daemon/control/validate.h"
#include "tests/unit/check.h"

static char err[512];

static void
text_post(struct post *p, const char *text)
{
	post_init(p);
	p->text = text != NULL ? strdup(text) : NULL;
}

static void
add_media(struct post *p, int video, const char *url, const char *alt)
{
	p->media[p->nmedia].video = video;
	p->media[p->nmedia].url = strdup(url);
	p->media[p->nmedia].alt = alt != NULL ? strdup(alt) : NULL;
	p->nmedia++;
}

/* Runs validate_post and checks the outcome and a word of the message. */
static int
check_post(struct post *p, int want, const char *word)
{
	int r;

	err[0] = '\0';
	r = validate_post(p, err, sizeof(err));
	post_clear(p);
	if (r != want || (word != NULL && strstr(err, word) == NULL)) {
		fprintf(stderr, "validate: got %d '%s', wanted %d '%s'\n", r,
		    err, want, word != NULL ? word : "");
		return 0;
	}
	return 1;
}

static char *
repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *s = malloc(len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

static void
test_text(void)
{
	struct post p;
	char *s;

	text_post(&p, "hello");
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, NULL);
	CHECK(check_post(&p, -EINVAL, "nothing to post"));
	text_post(&p, "");
	CHECK(check_post(&p, -EINVAL, "nothing to post"));
	s = repeat("a", 500);
	text_post(&p, s);
	CHECK(check_post(&p, 0, NULL));
	free(s);
	s = repeat("a", 501);
	text_post(&p, s);
	CHECK(check_post(&p, -EINVAL, "501 characters as Meta counts them"));
	free(s);
	/*
	 * Meta: "Text posts are limited to 500 characters.  Emojis are
	 * counted as the number of UTF-8 bytes."  500 accented letters
	 * (1000 bytes) or CJK characters (1500 bytes) fit.
	 */
	s = repeat("\xc3\xa9", 500);
	text_post(&p, s);
	CHECK(check_post(&p, 0, NULL));
	free(s);
	s = repeat("\xc3\xa9", 501);
	text_post(&p, s);
	CHECK(check_post(&p, -EINVAL, "501 characters"));
	free(s);
	s = repeat("\xe6\xbc\xa2", 500);
	text_post(&p, s);
	CHECK(check_post(&p, 0, NULL));
	free(s);
	s = repeat("\xd0\x96", 500);	/* Cyrillic */
	text_post(&p, s);
	CHECK(check_post(&p, 0, NULL));
	free(s);
	/* 126 four-byte emoji: 504, refused; 125 (500) fit. */
	s = repeat("\xf0\x9f\x98\x80", 126);
	text_post(&p, s);
	CHECK(check_post(&p, -EINVAL, "504 characters as Meta counts them"));
	text_post(&p, s);
	CHECK(check_post(&p, -EINVAL, "each emoji counts as its UTF-8 bytes"));
	free(s);
	s = repeat("\xf0\x9f\x98\x80", 125);
	text_post(&p, s);
	CHECK(check_post(&p, 0, NULL));
	free(s);
	CHECK_INT(validate_text_length("caf\xc3\xa9"), 4);
	CHECK_INT(validate_text_length(""), 0);
	/* An emoji with its skin tone, a flag, a ZWJ family: all bytes. */
	CHECK_INT(validate_text_length("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"), 8);
	CHECK_INT(validate_text_length("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7"), 8);
	CHECK_INT(validate_text_length("\xf0\x9f\x91\xa8\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"), 18);
	/* Two-byte and three-byte pictographs: U+00A9, U+2764 U+FE0F. */
	CHECK_INT(validate_text_length("\xc2\xa9 a"), 4);
	CHECK_INT(validate_text_length("\xe2\x9d\xa4\xef\xb8\x8f!"), 7);
	/* A combining accent is a code point of its own. */
	CHECK_INT(validate_text_length("e\xcc\x81"), 2);
	text_post(&p, "bad \xc0\xaf overlong");
	CHECK(check_post(&p, -EINVAL, "UTF-8"));
	text_post(&p, "lone \xed\xa0\x80 surrogate");
	CHECK(check_post(&p, -EINVAL, "UTF-8"));
	text_post(&p, "cut \xe2\x82");
	CHECK(check_post(&p, -EINVAL, "UTF-8"));
	CHECK(validate_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
	CHECK_INT(validate_chars("caf\xc3\xa9 \xe2\x82\xac"), 6);
}

static void
test_links(void)
{
	struct post p;

	CHECK_INT(validate_links("a https://a.example b http://b.example "
	    "https://a.example", NULL), 2);
	CHECK_INT(validate_links("see https://a.example", "https://a.example"),
	    1);
	CHECK_INT(validate_links("see https://a.example", "https://b.example"),
	    2);
	CHECK_INT(validate_links("no links, just http:// and https://", NULL),
	    0);
	CHECK_INT(validate_links(NULL, "https://x.example"), 1);
	/* Bare www. links count (Meta's own example, D-ta). */
	CHECK_INT(validate_links("www.facebook.com", "www.facebook.com"), 1);
	CHECK_INT(validate_links("www.instagram.com and www.threads.com",
	    "www.facebook.com"), 3);
	CHECK_INT(validate_links("(see https://a.example), then "
	    "https://a.example.", NULL), 1);
	CHECK_INT(validate_links("mail me@www.example.com or "
	    "xwww.example.com", NULL), 0);
	CHECK_INT(validate_links("https://www.a.example", NULL), 1);
	text_post(&p, "1 www.a.example 2 www.b.example 3 https://c.example "
	    "4 http://d.example 5 www.e.example 6 www.f.example");
	CHECK(check_post(&p, -EINVAL, "6 distinct links"));
	text_post(&p, "1 www.a.example 2 www.b.example 3 https://c.example "
	    "4 http://d.example 5 www.e.example www.a.example");
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "1 https://a.example 2 https://b.example 3 "
	    "https://c.example 4 https://d.example 5 https://e.example");
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "1 https://a.example 2 https://b.example 3 "
	    "https://c.example 4 https://d.example 5 https://e.example");
	p.link = strdup("https://f.example");
	CHECK(check_post(&p, -EINVAL, "6 distinct links"));
	text_post(&p, "hi");
	p.link = strdup("ftp://x.example");
	CHECK(check_post(&p, -EINVAL, "not an http(s) URL"));
	text_post(&p, "hi");
	p.link = strdup("https://x.example");
	CHECK(check_post(&p, 0, NULL));
}

static void
test_media(void)
{
	struct post p;
	char *alt;
	int i;

	text_post(&p, NULL);
	add_media(&p, 0, "https://img.example/a.jpg", "a cat");
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "caption");
	add_media(&p, 1, "file:///etc/passwd", NULL);
	CHECK(check_post(&p, -EINVAL, "not an http(s) URL"));
	text_post(&p, "caption");
	add_media(&p, 0, "https://img.example/a.jpg", NULL);
	p.link = strdup("https://x.example");
	CHECK(check_post(&p, -EINVAL, "--link works only on text posts"));
	text_post(&p, NULL);
	for (i = 0; i < 20; i++)
		add_media(&p, i & 1, "https://img.example/a.jpg", NULL);
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, NULL);
	p.nmedia = 21;	/* as a lax parser would hand it over */
	CHECK_INT(validate_post(&p, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "2 to 20 items; 21") != NULL);
	p.nmedia = 0;
	post_clear(&p);
	alt = repeat("\xc3\xa9", 1000);
	text_post(&p, NULL);
	add_media(&p, 0, "https://img.example/a.jpg", alt);
	CHECK(check_post(&p, 0, NULL));
	free(alt);
	alt = repeat("a", 1001);
	text_post(&p, NULL);
	add_media(&p, 0, "https://img.example/a.jpg", alt);
	CHECK(check_post(&p, -EINVAL, "1001 characters"));
	free(alt);
}

static void
test_other(void)
{
	struct post p;
	char *s;

	text_post(&p, "hi");
	p.topic = strdup("threadsd");
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "hi");
	p.topic = strdup("a.b");
	CHECK(check_post(&p, -EINVAL, "may not contain"));
	text_post(&p, "hi");
	p.topic = strdup("R&D");
	CHECK(check_post(&p, -EINVAL, "may not contain"));
	text_post(&p, "hi");
	p.topic = strdup("");
	CHECK(check_post(&p, -EINVAL, "1 to 50"));
	s = repeat("x", 51);
	text_post(&p, "hi");
	p.topic = s;
	CHECK(check_post(&p, -EINVAL, "is 51"));
	text_post(&p, "hi");
	p.reply_control = strdup("friends_only");
	CHECK(check_post(&p, -EINVAL, "unknown reply control 'friends_only'"));
	text_post(&p, "hi");
	p.reply_control = strdup("parent_post_author_only");
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "hi");
	strcpy(p.quote, "12ab");
	CHECK(check_post(&p, -EINVAL, "--quote"));
	text_post(&p, "hi");
	strcpy(p.reply_to, "x");
	CHECK(check_post(&p, -EINVAL, "--reply-to"));
	CHECK(validate_url("https://a"));
	CHECK(!validate_url("https://"));
	CHECK(!validate_url("https:///path"));
	CHECK(!validate_url("https://a b"));
}

/* The newer options, each refused where Meta's pages refuse it. */
static void
test_options(void)
{
	struct post p;
	char *s;
	int i;

	text_post(&p, "ghost");
	p.ghost = 1;
	p.nspoilers = 1;
	p.spoilers[0].offset = 0;
	p.spoilers[0].length = 5;
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "ghost");
	p.ghost = 1;
	strcpy(p.reply_to, "12345678901");
	CHECK(check_post(&p, -EINVAL, "cannot be a reply"));
	text_post(&p, "ghost");
	p.ghost = 1;
	p.reply_to_post = 3;
	CHECK(check_post(&p, -EINVAL, "cannot be a reply"));
	text_post(&p, "ghost");
	p.ghost = 1;
	add_media(&p, 0, "https://img.example/a.jpg", NULL);
	CHECK(check_post(&p, -EINVAL, "text only"));
	text_post(&p, "ghost");
	p.ghost = 1;
	p.gif = strdup("abc");
	CHECK(check_post(&p, -EINVAL, "nothing else"));

	/* Five cannot be held: req-post.c refuses them (test-kinds.sh). */
	for (i = 1; i <= 4; i++) {
		text_post(&p, "poll");
		for (p.npoll = 0; p.npoll < (size_t)i; p.npoll++)
			p.poll[p.npoll] = strdup("option");
		CHECK(check_post(&p, i >= 2 ? 0 : -EINVAL, i >= 2 ? NULL :
		    "2 to 4 options"));
	}
	text_post(&p, "poll");
	p.poll[0] = strdup("a");
	p.poll[1] = repeat("\xc3\xa9", 25);	/* 25 characters, 50 bytes */
	p.npoll = 2;
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "poll");
	p.poll[0] = strdup("a");
	p.poll[1] = repeat("b", 26);
	p.npoll = 2;
	CHECK(check_post(&p, -EINVAL, "1 to 25"));
	text_post(&p, "poll");
	p.poll[0] = strdup("a");
	p.poll[1] = strdup("");
	p.npoll = 2;
	CHECK(check_post(&p, -EINVAL, "1 to 25"));
	text_post(&p, "poll");
	p.poll[0] = strdup("a");
	p.poll[1] = strdup("b");
	p.npoll = 2;
	p.attachment = strdup("long");
	CHECK(check_post(&p, -EINVAL, "text attachment"));

	/* Spoilers count characters: "café" is 4. */
	text_post(&p, "caf\xc3\xa9");
	p.nspoilers = 1;
	p.spoilers[0].offset = 1;
	p.spoilers[0].length = 3;
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "caf\xc3\xa9");
	p.nspoilers = 1;
	p.spoilers[0].offset = 1;
	p.spoilers[0].length = 4;
	CHECK(check_post(&p, -EINVAL, "ends past the text"));
	text_post(&p, "caf\xc3\xa9");
	p.nspoilers = 1;
	p.spoilers[0].offset = 1;
	p.spoilers[0].length = 0;
	CHECK(check_post(&p, -EINVAL, "at least 1"));
	text_post(&p, "plain");
	p.spoiler_media = 1;
	CHECK(check_post(&p, -EINVAL, "has none"));
	text_post(&p, "image");
	add_media(&p, 0, "https://img.example/a.jpg", NULL);
	p.spoiler_media = 1;
	CHECK(check_post(&p, 0, NULL));

	text_post(&p, "t");
	p.attachment = repeat("a", 10000);
	p.attachment_link = strdup("https://example.com/x");
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "t");
	p.attachment = repeat("a", 10001);
	CHECK(check_post(&p, -EINVAL, "10001 characters"));
	text_post(&p, "t");
	p.attachment = strdup("a");
	p.attachment_link = strdup("https://example.com/x");
	p.link = strdup("https://example.com/y");
	CHECK(check_post(&p, -EINVAL, "--link"));
	text_post(&p, "t");
	p.attachment_link = strdup("https://example.com/x");
	CHECK(check_post(&p, -EINVAL, "--attachment-file"));
	s = strdup("https://a.example https://b.example https://c.example "
	    "https://d.example https://e.example");
	text_post(&p, s);
	p.attachment = strdup("a");
	p.attachment_link = strdup("https://f.example");
	CHECK(check_post(&p, -EINVAL, "6 distinct links"));
	text_post(&p, s);
	p.attachment = strdup("a");
	p.attachment_link = strdup("https://e.example");
	CHECK(check_post(&p, 0, NULL));
	free(s);

	text_post(&p, "gif");
	p.gif = strdup("xT9IgG50Fb7Mi0prBC");
	CHECK(check_post(&p, 0, NULL));
	text_post(&p, "gif");
	p.gif = strdup("a b");
	CHECK(check_post(&p, -EINVAL, "GIPHY"));
	text_post(&p, "gif");
	p.gif = strdup("abc");
	add_media(&p, 1, "https://vid.example/a.mp4", NULL);
	CHECK(check_post(&p, -EINVAL, "only on a text post"));

	post_init(&p);
	p.kind = POST_REPOST;
	strcpy(p.repost_of, "17890000000000001");
	CHECK(check_post(&p, 0, NULL));
	post_init(&p);
	p.kind = POST_REPOST;
	strcpy(p.repost_of, "17890000000000001");
	p.text = strdup("no");
	CHECK(check_post(&p, -EINVAL, "nothing of its own"));
	post_init(&p);
	p.kind = POST_REPOST;
	strcpy(p.repost_of, "abc");
	CHECK(check_post(&p, -EINVAL, "media id"));
}

int
main(void)
{
	test_options();
	test_text();
	test_links();
	test_media();
	test_other();
	return check_status();
}
