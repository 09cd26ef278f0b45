/*
 * admin: the fake-only /__admin/ endpoints that tests drive.
 */
#ifndef FG_ADMIN_H
#define FG_ADMIN_H

struct fgreq;

void	admin_dispatch(struct fgreq *);
int	admin_reset_state(void);

#endif
