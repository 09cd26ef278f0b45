/*
 * admin-impl: what the admin-*.c files share; not used outside them.
 */
#ifndef FG_ADMIN_IMPL_H
#define FG_ADMIN_IMPL_H

#include <stdint.h>

struct fgreq;
struct fguser;
struct json_object;

struct admin_entry {
	const char	*path;
	int		 methods;
	void		(*fn)(struct fgreq *);
};

int		 admin_int(struct fgreq *, const char *, int64_t, int64_t,
		    int64_t, int64_t *);
struct fguser	*admin_user(struct fgreq *);
int		 admin_reply_ok(struct fgreq *);
/*
 * A listing's answer: an object with an empty array under key, the array
 * in *ret_arr; NULL when out of memory, with the 500 replied.
 */
struct json_object *admin_listing(struct fgreq *, const char *key,
		    struct json_object **ret_arr);

/* admin.c */
void	admin_token(struct fgreq *);
void	admin_revoke(struct fgreq *);
void	admin_remove_app(struct fgreq *);
void	admin_clock(struct fgreq *);
void	admin_config(struct fgreq *);
void	admin_reset(struct fgreq *);

/* admin-users.c */
void	admin_user_add(struct fgreq *);
void	admin_user_list(struct fgreq *);
void	admin_user_update(struct fgreq *);

/* admin-test.c */
void	admin_fault_add(struct fgreq *);
void	admin_fault_list(struct fgreq *);
void	admin_fault_clear(struct fgreq *);
void	admin_requests(struct fgreq *);
void	admin_scope_refusals(struct fgreq *);
void	admin_post_add(struct fgreq *);
void	admin_post_list(struct fgreq *);
void	admin_container(struct fgreq *);
void	admin_container_list(struct fgreq *);

#endif
