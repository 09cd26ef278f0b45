/*
 * Logging: structured entries to the journal (sd_journal_sendv), or plain
 * lines on stderr in the foreground.  Identities (account, user id, post
 * id, Meta's error code) travel as fields, not inside the sentence.  It
 * never sees a token: callers must not pass one.
 */
#ifndef THREADSD_LOG_H
#define THREADSD_LOG_H

#include <syslog.h>

/* MESSAGE_IDs of the events an operator acts on; see threadsd.catalog. */
#define MSGID_ACCOUNT_ADDED	"0ee7929d2f8e4bb88578f1f20431b163"
#define MSGID_ACCOUNT_REMOVED	"b65dedebc8a04b1d8c5c83854e337b92"
#define MSGID_TOKEN_REFRESHED	"1f413a406f7e4baf9174165a78dc0852"
#define MSGID_TOKEN_EXPIRING	"7fd86c6fd54e4121b1086be8941da0c0"
#define MSGID_REAUTH_REQUIRED	"7cedcfb5e11549d798f35e0ddb49d525"
#define MSGID_POST_PUBLISHED	"e6bd027ab3fc4f12910fc4752f292da2"
#define MSGID_POST_FAILED	"fe2ebb02c78547cd92269d97ca2c4523"
#define MSGID_POST_UNKNOWN	"2366fbc075434f26bae322b8f3529f98"
#define MSGID_QUOTA_EXHAUSTED	"62b2ad66451b4271b53836417961038b"
#define MSGID_KEY_GENERATED	"514ed7dfdb664ca7afc93cc2deccf601"
#define MSGID_ACCOUNT_REVOKED	"0600089084e5421b9eaf6a37e806d963"
#define MSGID_ACCOUNT_FORGET_SOON "7d263f08bd314c6d942babf26c9f423f"
#define MSGID_ACCOUNT_FORGOTTEN	"e459d8cf5ef24991bde685575430cfda"

/* Optional fields of one entry; any member may be NULL or 0. */
struct log_fields {
	const char	*msgid;		/* MESSAGE_ID= */
	const char	*account;	/* THREADSD_ACCOUNT= (username) */
	const char	*user_id;	/* THREADSD_USER_ID= */
	const char	*post_id;	/* THREADSD_POST_ID= */
	int		 meta_code;	/* THREADSD_META_CODE= */
	int		 meta_subcode;	/* THREADSD_META_SUBCODE= */
	const char	*fbtrace_id;	/* THREADSD_FBTRACE_ID= */
};

/* to_stderr: plain lines (foreground); else the journal. */
void	log_init(int to_stderr);
/* Entries above this priority (LOG_DEBUG..LOG_EMERG) are dropped. */
void	log_set_max_level(int);

void	log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_with(int prio, const struct log_fields *, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...)	log_msg(LOG_ERR, __VA_ARGS__)

/* Startup failures: log and exit(1).  Never after READY=1. */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
