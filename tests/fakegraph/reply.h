/*
 * reply: build the answer to a struct fgreq.
 *
 * Every body the fake sends is made here: JSON objects, the Graph error
 * envelope, the flat OAuth error, redirects, admin errors.  Setting a
 * reply replaces the previous one.
 */
#ifndef FG_REPLY_H
#define FG_REPLY_H

#include <stddef.h>

#include <json-c/json.h>

struct fgreq;

/* A Graph error envelope (threads-api.md 7.1). */
struct gerr {
	int		 status;	/* HTTP */
	const char	*type;		/* OAuthException, ... */
	int		 code;
	int		 subcode;	/* 0: omitted */
	int		 transient;	/* -1: omitted */
	const char	*user_title;	/* NULL: omitted */
	const char	*user_msg;
};

void	 reply_clear(struct fgreq *);
void	 reply_json(struct fgreq *, int, json_object *);
void	 reply_body(struct fgreq *, int, const char *, const char *,
	    size_t);
void	 reply_gerr(struct fgreq *, const struct gerr *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 reply_error(struct fgreq *, int, const char *, int, int,
	    const char *, ...) __attribute__((format(printf, 6, 7)));
void	 reply_flat_error(struct fgreq *, const char *);
void	 reply_redirect(struct fgreq *, char *);
void	 reply_admin_error(struct fgreq *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 reply_fbtrace(char *, size_t);
void	 json_add_str(json_object *, const char *, const char *);
void	 json_add_int(json_object *, const char *, int64_t);

#endif
