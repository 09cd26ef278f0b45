/*
 * demo: the --demo user.
 */
#ifndef FG_DEMO_H
#define FG_DEMO_H

int	demo_seed(void);

#endif
