/*
 * One run of the daemon: run_open() builds the context and everything
 * in it (fatal() on what cannot be), run_close() frees it once the loop
 * has returned.  Only main.c calls them.
 */
#ifndef THREADSD_RUN_H
#define THREADSD_RUN_H

struct daemon;

/* d->config_path set; READY=1 sent when it returns. */
void	run_open(struct daemon *d);
void	run_close(struct daemon *d);

#endif
