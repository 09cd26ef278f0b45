/*
 * Where log entries go: the journal, with one field per identity, or
 * stderr as "level: message (account=alice post=12)" when threadsd runs in
 * the foreground.  Formatting of messages is the caller's; this file only
 * adds the fields.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "daemon/log.h"

#define LOG_LINE_MAX	2048
#define LOG_FIELDS_MAX	10

static int log_stderr = 1;
static int log_max = LOG_INFO;

static const char *const level_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"
};

void
log_init(int to_stderr)
{
	log_stderr = to_stderr;
}

void
log_set_max_level(int level)
{
	if (level >= LOG_EMERG && level <= LOG_DEBUG)
		log_max = level;
}

static void
log_to_stderr(int prio, const struct log_fields *f, const char *msg)
{
	char ctx[256] = "";
	size_t n = 0;

	if (f != NULL && f->account != NULL)
		n += snprintf(ctx + n, sizeof(ctx) - n, " account=%s",
		    f->account);
	if (f != NULL && f->post_id != NULL && n < sizeof(ctx))
		n += snprintf(ctx + n, sizeof(ctx) - n, " post=%s",
		    f->post_id);
	if (f != NULL && f->meta_code != 0 && n < sizeof(ctx))
		snprintf(ctx + n, sizeof(ctx) - n, " meta_code=%d/%d",
		    f->meta_code, f->meta_subcode);
	fprintf(stderr, "threadsd: %s: %s%s%s%s\n", level_names[prio], msg,
	    ctx[0] ? " (" : "", ctx[0] ? ctx + 1 : "", ctx[0] ? ")" : "");
}

/* Appends "NAME=value" to iov as a heap string; returns the new count. */
static int
field_add(struct iovec *iov, int n, const char *name, const char *value)
{
	char *s;

	if (value == NULL || n >= LOG_FIELDS_MAX)
		return n;
	if (asprintf(&s, "%s=%s", name, value) < 0)
		return n;
	iov[n].iov_base = s;
	iov[n].iov_len = strlen(s);
	return n + 1;
}

static int
field_add_int(struct iovec *iov, int n, const char *name, int value)
{
	char num[16];

	if (value == 0)
		return n;
	snprintf(num, sizeof(num), "%d", value);
	return field_add(iov, n, name, num);
}

static void
log_to_journal(int prio, const struct log_fields *f, const char *msg)
{
	struct iovec iov[LOG_FIELDS_MAX];
	char prio_s[4];
	int i, n = 0;

	snprintf(prio_s, sizeof(prio_s), "%d", prio);
	n = field_add(iov, n, "MESSAGE", msg);
	n = field_add(iov, n, "PRIORITY", prio_s);
	n = field_add(iov, n, "SYSLOG_IDENTIFIER", "threadsd");
	if (f != NULL) {
		n = field_add(iov, n, "MESSAGE_ID", f->msgid);
		n = field_add(iov, n, "THREADSD_ACCOUNT", f->account);
		n = field_add(iov, n, "THREADSD_USER_ID", f->user_id);
		n = field_add(iov, n, "THREADSD_POST_ID", f->post_id);
		n = field_add_int(iov, n, "THREADSD_META_CODE", f->meta_code);
		n = field_add_int(iov, n, "THREADSD_META_SUBCODE",
		    f->meta_subcode);
		n = field_add(iov, n, "THREADSD_FBTRACE_ID", f->fbtrace_id);
	}
	sd_journal_sendv(iov, n);
	for (i = 0; i < n; i++)
		free(iov[i].iov_base);
}

static void
log_vwith(int prio, const struct log_fields *f, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];

	if (prio > log_max)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_stderr)
		log_to_stderr(prio, f, msg);
	else
		log_to_journal(prio, f, msg);
}

void
log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwith(prio, NULL, fmt, ap);
	va_end(ap);
}

void
log_with(int prio, const struct log_fields *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwith(prio, f, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwith(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
