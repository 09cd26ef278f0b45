/*
 * The two answers a handler gives: a result or a protocol error.  Both
 * build the reply line (common/proto.c) and hand it to the connection
 * through req->done: control.c sends it and frees the request.  Also
 * the answers several families give alike: the account a request names
 * or why it cannot be had, and what an owner said when it finished.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/store/account.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/control/req.h"
#include "daemon/store/store.h"

void
req_ok(struct req *req, struct json_object *result)
{
	if (result == NULL)
		result = json_object_new_object();
	req->done(req, proto_reply_ok(req->pr.id, result));
}

void
req_fail(struct req *req, enum proto_err code, const char *fmt, ...)
{
	char msg[4096];		/* a reload's list of config errors */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	req->done(req, proto_reply_error(req->pr.id, code, msg));
}

int
req_find_account(struct req *req, MDB_txn *txn, const char *name,
    struct account *ret)
{
	MDB_txn *own = NULL;
	int r;

	if (txn == NULL) {
		if ((r = store_txn_begin(req->d->store, 1, &own)) < 0) {
			req_fail(req, ERR_INTERNAL, "cannot read the store: %s",
			    strerror(-r));
			return r;
		}
		txn = own;
	}
	account_init(ret);
	r = account_get(txn, req->d->store, name, ret);
	if (own != NULL)
		mdb_txn_abort(own);
	if (r < 0)
		account_clear(ret);
	if (r == -ENOENT)
		req_fail(req, ERR_NOT_FOUND, "unknown account '%.128s'", name);
	else if (r < 0)
		req_fail(req, ERR_INTERNAL, "cannot read account '%.128s': %s",
		    name, strerror(-r));
	return r;
}

struct json_object *
req_owner_result(struct req *req, int ok, const char *message)
{
	struct json_object *res;

	if (!ok) {
		req_fail(req, ERR_UNAVAILABLE, "%s", message);
		return NULL;
	}
	res = json_object_new_object();
	json_object_object_add(res, "message",
	    json_object_new_string(message));
	return res;
}

void
req_save_failed(struct req *req, int r, enum proto_err *code, char *err,
    size_t errlen)
{
	if (err[0] != '\0')
		return;
	log_error("%s: cannot save the post: %s", req->pr.cmd, strerror(-r));
	*code = ERR_INTERNAL;
	snprintf(err, errlen, "cannot save the post: %s", strerror(-r));
}
