/*
 * Small buffer helpers shared by both sides.
 */
#ifndef THREADSD_BUF_H
#define THREADSD_BUF_H

#include <stddef.h>

/*
 * Formats an error message into errbuf (errlen bytes, always terminated);
 * a NULL or empty errbuf is left alone.
 */
void	errbuf_set(char *errbuf, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
