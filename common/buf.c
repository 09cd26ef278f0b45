/*
 * Small buffer helpers: the error-message buffer every parser fills.
 */
#include <stdarg.h>
#include <stdio.h>

#include "buf.h"

void
errbuf_set(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}
