/*
 * faults: the injected-failure list and the canned fault replies.
 *
 * It owns the list.  faults_take() hands out a copy, so a fault whose
 * count runs out can be freed while a stalled request still follows it.
 * How a stall or a reset is carried out on the connection is server.c's
 * job; this file only says what to answer.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "fgreq.h"
#include "reply.h"

struct fault_node {
	TAILQ_ENTRY(fault_node)	 entry;
	struct fault		 f;
};

static TAILQ_HEAD(, fault_node)	faults = TAILQ_HEAD_INITIALIZER(faults);
static uint64_t			next_id = 1;

static const char *const kind_names[] = {
	"http500", "error", "throttle", "stall", "malformed", "truncated",
	"reset", NULL
};

int
fault_kind_parse(const char *s, enum fault_kind *ret)
{
	int	i;

	for (i = 0; kind_names[i] != NULL; i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*ret = (enum fault_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
fault_kind_name(enum fault_kind k)
{
	return kind_names[k];
}

int
faults_add(const struct fault *f, uint64_t *ret_id)
{
	struct fault_node	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return -ENOMEM;
	n->f = *f;
	n->f.id = next_id++;
	TAILQ_INSERT_TAIL(&faults, n, entry);
	*ret_id = n->f.id;
	return 0;
}

/* The first fault for this path and method, counted down; 0 if one. */
int
faults_take(const char *path, int method, struct fault *ret)
{
	struct fault_node	*n;

	TAILQ_FOREACH(n, &faults, entry) {
		if (n->f.methods != 0 && !(n->f.methods & method))
			continue;
		if (strncmp(path, n->f.prefix, strlen(n->f.prefix)) != 0)
			continue;
		*ret = n->f;
		if (n->f.count > 0 && --n->f.count == 0) {
			TAILQ_REMOVE(&faults, n, entry);
			free(n);
		}
		return 0;
	}
	return -ENOENT;
}

json_object *
faults_json(void)
{
	struct fault_node	*n;
	json_object		*top, *arr, *o;

	top = json_object_new_object();
	if ((arr = json_object_new_array()) == NULL || top == NULL) {
		json_object_put(top);
		return NULL;
	}
	json_object_object_add(top, "faults", arr);
	TAILQ_FOREACH(n, &faults, entry) {
		if ((o = json_object_new_object()) == NULL)
			break;
		json_add_int(o, "id", (int64_t)n->f.id);
		json_add_str(o, "path", n->f.prefix);
		json_add_str(o, "kind", fault_kind_name(n->f.kind));
		json_add_int(o, "count", n->f.count);
		json_object_array_add(arr, o);
	}
	return top;
}

void
faults_clear(void)
{
	struct fault_node	*n;

	while ((n = TAILQ_FIRST(&faults)) != NULL) {
		TAILQ_REMOVE(&faults, n, entry);
		free(n);
	}
}

static const char *
throttle_message(int code)
{
	switch (code) {
	case 17:
		return "User request limit reached";
	case 32:
		return "Page request limit reached";
	case 613:
		return "Calls to this api have exceeded the rate limit.";
	default:
		return "Application request limit reached";
	}
}

/* The canned answer of http500, error, throttle and malformed. */
void
fault_reply(struct fgreq *r, const struct fault *f)
{
	static const char	 html[] = "<!DOCTYPE html><html><body>Sorry, "
	    "something went wrong.</body></html>\n";
	struct gerr		 g = { 400, "OAuthException", 0, 0, -1, NULL,
	    NULL };

	switch (f->kind) {
	case FAULT_HTTP500:
		g.status = 500;
		g.code = 1;
		g.transient = 1;
		reply_gerr(r, &g, "An unknown error has occurred.");
		break;
	case FAULT_THROTTLE:
		g.code = f->code != 0 ? f->code : 4;
		g.subcode = f->subcode;
		g.status = f->status != 0 ? f->status : 400;
		g.transient = 1;
		reply_gerr(r, &g, "(#%d) %s", g.code, throttle_message(g.code));
		break;
	case FAULT_ERROR:
		g.status = f->status != 0 ? f->status : 400;
		g.code = f->code != 0 ? f->code : 100;
		g.subcode = f->subcode;
		g.transient = f->transient;
		if (f->type[0] != '\0')
			g.type = f->type;
		reply_gerr(r, &g, "%s", f->message[0] != '\0' ? f->message :
		    "fakegraph: injected error");
		break;
	case FAULT_MALFORMED:
		/* JSON content type, HTML body: the parser must cope. */
		reply_body(r, 200, "application/json; charset=UTF-8", html,
		    sizeof(html) - 1);
		break;
	default:
		break;
	}
}

/* Keep the first half of the real body, and say 200. */
void
fault_truncate(struct fgreq *r)
{
	if (r->body == NULL) {
		reply_body(r, 200, "application/json; charset=UTF-8", "{", 1);
		return;
	}
	r->body_len /= 2;
	r->body[r->body_len] = '\0';
	r->status = 200;
	free(r->location);
	r->location = NULL;
}
