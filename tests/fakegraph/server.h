/*
 * server: the evhttp listener, request intake, fault application and the
 * sending of replies.
 */
#ifndef FG_SERVER_H
#define FG_SERVER_H

struct event_base;

int	server_start(struct event_base *, const char *, int, int *);
void	server_stop(void);

#endif
