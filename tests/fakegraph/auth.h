/*
 * auth: check the request's access token and scopes (threads-api.md 2.2,
 * 7.2) and answer the token errors every authenticated endpoint shares.
 */
#ifndef FG_AUTH_H
#define FG_AUTH_H

struct fgreq;
struct fgtoken;

int	auth_require(struct fgreq *, unsigned);
void	auth_token_error(struct fgreq *, const struct fgtoken *, int);

#endif
