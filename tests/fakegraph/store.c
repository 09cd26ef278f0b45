/*
 * store: users, tokens and codes, with hash lookups.
 *
 * It owns every struct fguser, fgtoken and fgcode.  Dead tokens (revoked
 * or refreshed) stay in the table so that using one answers 190/463, like
 * the real API, instead of "cannot parse".  Nothing here replies to HTTP.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "htab.h"
#include "rnd.h"
#include "store.h"

/* Odd and above 2^53: a client that parses ids as doubles gets them wrong. */
#define UID_FIRST	17841400000000001LL
#define CODE_SWEEP_AT	4096

static struct fguser_list	 users = TAILQ_HEAD_INITIALIZER(users);
static struct htab		*users_by_name;
static struct htab		*users_by_id;
static struct htab		*tokens;
static struct htab		*codes;
static int64_t			 next_uid = UID_FIRST;

static void
user_free(void *p)
{
	struct fguser	*u = p;

	if (u == NULL)
		return;
	free(u->username);
	free(u->name);
	free(u->picture);
	free(u->biography);
	free(u->posts);
	free(u->pub_posts.v);
	free(u->pub_replies.v);
	free(u->deletes.v);
	free(u);
}

int
store_init(void)
{
	users_by_name = htab_new();
	users_by_id = htab_new();
	tokens = htab_new();
	codes = htab_new();
	if (users_by_name == NULL || users_by_id == NULL || tokens == NULL ||
	    codes == NULL) {
		store_free();
		return -ENOMEM;
	}
	next_uid = UID_FIRST;
	return 0;
}

void
store_free(void)
{
	struct fguser	*u;

	htab_free(codes, free);
	htab_free(tokens, free);
	htab_free(users_by_name, NULL);
	htab_free(users_by_id, NULL);
	codes = tokens = users_by_name = users_by_id = NULL;
	while ((u = TAILQ_FIRST(&users)) != NULL) {
		TAILQ_REMOVE(&users, u, entry);
		user_free(u);
	}
}

struct fguser_list *
store_users(void)
{
	return &users;
}

struct fguser *
store_user_by_name(const char *name)
{
	return htab_get(users_by_name, name);
}

struct fguser *
store_user_by_id(const char *idstr)
{
	return htab_get(users_by_id, idstr);
}

/* Replace *dst with a copy of src (NULL clears it). */
int
store_set_str(char **dst, const char *src)
{
	char	*s = NULL;

	if (src != NULL && (s = strdup(src)) == NULL)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* Add a user; id 0 picks the next free generated id. */
int
store_user_add(const char *username, int64_t id, struct fguser **ret_user)
{
	struct fguser	*u;
	char		 idstr[24];

	if (htab_get(users_by_name, username) != NULL)
		return -EEXIST;
	if (id == 0) {
		do {
			snprintf(idstr, sizeof(idstr), "%" PRId64, next_uid);
			id = next_uid;
			next_uid += 2;
		} while (htab_get(users_by_id, idstr) != NULL);
	}
	snprintf(idstr, sizeof(idstr), "%" PRId64, id);
	if (htab_get(users_by_id, idstr) != NULL)
		return -EEXIST;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return -ENOMEM;
	LIST_INIT(&u->tokens);
	u->id = id;
	memcpy(u->idstr, idstr, sizeof(idstr));
	if ((u->username = strdup(username)) == NULL)
		goto fail;
	if (htab_put(users_by_name, u->username, u) < 0)
		goto fail;
	if (htab_put(users_by_id, u->idstr, u) < 0) {
		htab_del(users_by_name, u->username);
		goto fail;
	}
	TAILQ_INSERT_TAIL(&users, u, entry);
	*ret_user = u;
	return 0;
fail:
	user_free(u);
	return -ENOMEM;
}

int
store_user_rename(struct fguser *u, const char *username)
{
	char	*s;

	if (strcmp(u->username, username) == 0)
		return 0;
	if (htab_get(users_by_name, username) != NULL)
		return -EEXIST;
	if ((s = strdup(username)) == NULL)
		return -ENOMEM;
	htab_del(users_by_name, u->username);
	if (htab_put(users_by_name, s, u) < 0) {
		/* Put the old name back; the entry it had was just freed. */
		htab_put(users_by_name, u->username, u);
		free(s);
		return -ENOMEM;
	}
	free(u->username);
	u->username = s;
	return 0;
}

int
store_token_new(struct fguser *u, enum tok_kind kind, unsigned scopes,
    unsigned gen, int64_t issued_at, int64_t ttl, struct fgtoken **ret_tok)
{
	struct fgtoken	*t;
	int		 r;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -ENOMEM;
	do {
		if ((r = rnd_string(t->str, sizeof(t->str), "TH",
		    TOKEN_LEN - 2)) < 0) {
			free(t);
			return r;
		}
	} while (htab_get(tokens, t->str) != NULL);
	if ((r = htab_put(tokens, t->str, t)) < 0) {
		free(t);
		return r;
	}
	t->user = u;
	t->kind = kind;
	t->scopes = scopes;
	t->gen = gen;
	t->issued_at = issued_at;
	t->expires_at = issued_at + ttl;
	t->data_access_expires_at = issued_at + GRANT_TTL;
	LIST_INSERT_HEAD(&u->tokens, t, entry);
	*ret_tok = t;
	return 0;
}

struct fgtoken *
store_token_get(const char *str)
{
	return htab_get(tokens, str);
}

enum tok_state
store_token_state(const struct fgtoken *t, int64_t now)
{
	if (t->dead_at != 0)
		return TOK_DEAD;
	if (now >= t->expires_at)
		return TOK_EXPIRED;
	return TOK_VALID;
}

/* When the token stopped (or will stop) working. */
int64_t
store_token_end(const struct fgtoken *t)
{
	if (t->dead_at != 0 && t->dead_at < t->expires_at)
		return t->dead_at;
	return t->expires_at;
}

void
store_revoke(struct fguser *u, int64_t when)
{
	struct fgtoken	*t;

	LIST_FOREACH(t, &u->tokens, entry)
		if (t->dead_at == 0)
			t->dead_at = when;
}

/* The user removed the app in Threads' settings: every token so far. */
void
store_remove_app(struct fguser *u, int64_t when)
{
	struct fgtoken	*t;

	LIST_FOREACH(t, &u->tokens, entry)
		if (t->dead_at == 0) {
			t->dead_at = when;
			t->app_removed = 1;
		}
}

static int
code_expired(void *p, void *arg)
{
	const struct fgcode	*c = p;
	const int64_t		*now = arg;

	return *now - c->created_at >= CODE_TTL;
}

int
store_code_new(struct fguser *u, unsigned scopes, struct fgcode **ret_code)
{
	struct fgcode	*c;
	int64_t		 now;
	int		 r;

	now = fgclock_now();
	if (htab_count(codes) >= CODE_SWEEP_AT)
		htab_sweep(codes, code_expired, &now, free);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	do {
		if ((r = rnd_string(c->str, sizeof(c->str), "AQ",
		    CODE_LEN - 2)) < 0) {
			free(c);
			return r;
		}
	} while (htab_get(codes, c->str) != NULL);
	if ((r = htab_put(codes, c->str, c)) < 0) {
		free(c);
		return r;
	}
	c->user = u;
	c->scopes = scopes;
	c->created_at = now;
	*ret_code = c;
	return 0;
}

/* A live code, or NULL; an expired one is dropped on the way. */
struct fgcode *
store_code_get(const char *str)
{
	struct fgcode	*c;

	if ((c = htab_get(codes, str)) == NULL)
		return NULL;
	if (fgclock_now() - c->created_at >= CODE_TTL) {
		store_code_del(c);
		return NULL;
	}
	return c;
}

void
store_code_del(struct fgcode *c)
{
	htab_del(codes, c->str);
	free(c);
}

int
tlog_add(struct tlog *l, int64_t when)
{
	int64_t	*v;
	size_t	 cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = when;
	return 0;
}

/* Entries at or after since; the log is appended in clock order. */
size_t
tlog_count_since(const struct tlog *l, int64_t since)
{
	size_t	i, n = 0;

	for (i = l->n; i > 0; i--) {
		if (l->v[i - 1] < since)
			break;
		n++;
	}
	return n;
}
