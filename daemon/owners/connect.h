/*
 * Connecting an account: an authorization code (code -> short-lived token
 * -> long-lived token -> /me) or a long-lived token pasted by the operator
 * (/me, then debug_token for its issue time) becomes a stored account
 * with a sealed token.  Each connection is a job that answers its request
 * when done.  An account that exists gets the new token and profile; it
 * is never duplicated.
 */
#ifndef THREADSD_CONNECT_H
#define THREADSD_CONNECT_H

struct daemon;
struct req;
struct connects;

struct connects	*connects_new(struct daemon *);
/* Abandons every job without answering (shutdown); accepts NULL. */
void		 connects_free(struct connects *);

/* Both take the secret (code or token): it is wiped when done. */
void		 connect_code(struct connects *, struct req *, char *code);
void		 connect_token(struct connects *, struct req *, char *token);

#endif
