/*
 * faults: failures injected on the next N Graph requests whose path
 * starts with a prefix (set through /__admin/fault).
 */
#ifndef FG_FAULTS_H
#define FG_FAULTS_H

#include <stdint.h>

#include <json-c/json.h>

struct fgreq;

enum fault_kind {
	FAULT_HTTP500,
	FAULT_ERROR,
	FAULT_THROTTLE,
	FAULT_STALL,
	FAULT_MALFORMED,
	FAULT_TRUNCATED,
	FAULT_RESET
};

struct fault {
	uint64_t	 id;
	char		 prefix[128];
	int		 methods;	/* M_* mask; 0 = any */
	enum fault_kind	 kind;
	int64_t		 count;	/* left; 0 = until cleared */
	int		 status, code, subcode;
	int		 transient;	/* -1 = omitted */
	int64_t		 delay_ms;
	int		 after;		/* run the handler first */
	char		 type[32];
	char		 message[256];
};

int		 fault_kind_parse(const char *, enum fault_kind *);
const char	*fault_kind_name(enum fault_kind);
int		 faults_add(const struct fault *, uint64_t *);
int		 faults_take(const char *, int, struct fault *);
json_object	*faults_json(void);
void		 faults_clear(void);
void		 fault_reply(struct fgreq *, const struct fault *);
void		 fault_truncate(struct fgreq *);

#endif
