/*
 * fgreq: one HTTP request to the fake, and the reply being built for it.
 *
 * server.c creates it from an evhttp request and owns it until the reply
 * is sent (or the connection goes away).  Handlers read the parsed path
 * and parameters and set the reply through reply.h; they never talk to
 * evhttp.
 */
#ifndef FG_FGREQ_H
#define FG_FGREQ_H

#include <stdint.h>

#include "params.h"

#define FGREQ_MAXSEG	8

#define M_GET		0x01
#define M_POST		0x02
#define M_DELETE	0x04
#define M_OTHER		0x08

enum auth_kind {
	AUTH_NONE,
	AUTH_BEARER,
	AUTH_QUERY,
	AUTH_FORM
};

struct evhttp_request;
struct fgtoken;
struct fguser;

struct fgreq {
	struct evhttp_request	*ev;
	int			 method;
	const char		*method_name;
	char			*path;	/* decoded, no /v1.0 */
	char			*segbuf;
	char			*segv[FGREQ_MAXSEG];
	int			 segc;
	struct params		 params;
	char			*bearer;	/* from Authorization */
	const char		*token;	/* borrowed; NULL: none */
	enum auth_kind		 auth;
	struct fgtoken		*tok;	/* set by auth_require() */
	struct fguser		*user;
	uint64_t		 seq;	/* request log; 0: admin */

	/* The reply. */
	int			 status;
	const char		*ctype;
	char			*body;
	size_t			 body_len;
	char			*location;
};

int		 fgreq_new(struct evhttp_request *, struct fgreq **);
void		 fgreq_free(struct fgreq *);
const char	*req_param(const struct fgreq *, const char *);
int		 req_int(struct fgreq *, const char *, int64_t, int64_t,
		    int64_t, int64_t *);
int		 req_fields(struct fgreq *, const char *const *, unsigned,
		    unsigned *);
const char	*auth_kind_name(enum auth_kind);
int		 parse_int64(const char *, int64_t *);

#endif
