/*
 * auth: check the request's access token and scopes (threads-api.md 2.2,
 * 7.2) and answer the token errors every authenticated endpoint shares.
 */
#ifndef FG_AUTH_H
#define FG_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct fgreq;
struct fgtoken;

int	auth_require(struct fgreq *, unsigned);
/*
 * The code 10 refusal of a token that lacks the scopes in missing, counted
 * (auth_scope_refusals()) so that tests can assert none happened.
 */
void	auth_refuse_scope(struct fgreq *, unsigned missing);
/* Refusals so far (never reset); the paths of the first few. */
#define AUTH_REFUSALS_KEPT	16
uint64_t auth_scope_refusals(const char **paths, size_t *npaths,
	    const char **missing);
void	auth_token_error(struct fgreq *, const struct fgtoken *, int);

#endif
