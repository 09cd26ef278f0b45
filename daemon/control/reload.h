/*
 * Re-reading the config (SIGHUP, the `reload` request): the new values
 * take effect in every owner, the keys that only apply at start keep
 * their running values.  Above the owners, below the control side.
 */
#ifndef THREADSD_RELOAD_H
#define THREADSD_RELOAD_H

#include <stddef.h>

struct daemon;

/* 0 or -errno; errbuf says why (the config's errors). */
int	reload_config(struct daemon *, char *errbuf, size_t errlen);

#endif
