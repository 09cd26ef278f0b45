/*
 * handlers: the Graph and OAuth endpoint functions the route table names.
 *
 * A handler runs after routes.c matched the path and method and, for
 * authenticated routes, after auth_require() set r->tok and r->user.  It
 * always leaves a reply.
 */
#ifndef FG_HANDLERS_H
#define FG_HANDLERS_H

struct fgcontainer;
struct fgmedia;
struct fgreq;
struct fguser;

void		 route_dispatch(struct fgreq *);
struct fguser	*route_self(struct fgreq *, int);
void		 route_unsupported(struct fgreq *, const char *);

/* oauth.c */
void	oauth_authorize(struct fgreq *);
void	oauth_access_token(struct fgreq *);
void	oauth_exchange(struct fgreq *);
void	oauth_refresh(struct fgreq *);
void	oauth_debug_token(struct fgreq *);

/* user.c */
void	node_get(struct fgreq *);
void	user_node(struct fgreq *, struct fguser *);
void	user_profile_lookup(struct fgreq *);

/* insights.c */
void	insights_user(struct fgreq *);
void	insights_media(struct fgreq *);

/* threads.c */
void	threads_list(struct fgreq *);
void	threads_replies(struct fgreq *);
void	media_node(struct fgreq *, const struct fgmedia *);
void	container_node(struct fgreq *, struct fgcontainer *);

/* publish.c */
void	threads_create(struct fgreq *);
void	threads_publish(struct fgreq *);
void	threads_limit(struct fgreq *);
void	threads_delete(struct fgreq *);

/* repost.c */
void	threads_repost(struct fgreq *);

#endif
