/*
 * Reading the due index (account.c keeps it, account.h says what its
 * keys are): an owner asks for the accounts it may have to act on by now
 * and reads those records only, not every one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/account.h"
#include "daemon/store/store.h"

int
account_due_each(MDB_txn *txn, struct store *st, char kind, int64_t until,
    int (*fn)(const char *user_id, int64_t at, void *), void *arg,
    int64_t *ret_next)
{
	uint8_t buf[9];
	char id[GRAPH_ID_LEN];
	MDB_cursor *cur;
	MDB_val k, v;
	int64_t at;
	int rc, r = 0;

	*ret_next = INT64_MAX;
	if ((rc = mdb_cursor_open(txn, st->account_due, &cur)) != 0)
		return store_errno(rc);
	buf[0] = (uint8_t)kind;
	store_be64(buf + 1, 0);
	k.mv_size = sizeof(buf);
	k.mv_data = buf;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < 10 || k.mv_size >= 9 + sizeof(id) ||
		    ((const uint8_t *)k.mv_data)[0] != (uint8_t)kind)
			break;
		at = (int64_t)store_get_be64((const uint8_t *)k.mv_data + 1);
		if (at > until) {
			*ret_next = at;
			break;
		}
		memcpy(id, (const uint8_t *)k.mv_data + 9, k.mv_size - 9);
		id[k.mv_size - 9] = '\0';
		if ((r = fn(id, at, arg)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (r != 0)
		return r;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

struct due_ids {
	struct account_due_range *range;
	char		(*ids)[GRAPH_ID_LEN];
	size_t		 n;
	size_t		 cap;
};

static int
due_take(const char *user_id, int64_t at, void *arg)
{
	struct due_ids *di = arg;
	char (*nids)[GRAPH_ID_LEN];
	size_t cap;
	int w = 1;

	if (di->range->want != NULL &&
	    (w = di->range->want(user_id, at, di->range->arg)) <= 0)
		return w < 0;	/* < 0: stop here */
	if (di->n == di->cap) {
		cap = di->cap < 64 ? 64 : di->cap * 2;
		if ((nids = realloc(di->ids, cap * sizeof(*nids))) == NULL)
			return -ENOMEM;
		di->ids = nids;
		di->cap = cap;
	}
	snprintf(di->ids[di->n++], GRAPH_ID_LEN, "%s", user_id);
	return 0;
}

static int
due_id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
account_due_read(MDB_txn *txn, struct store *st,
    struct account_due_range *ranges, size_t nranges,
    int (*fn)(const struct account *, void *), void *arg)
{
	struct due_ids di = { NULL, NULL, 0, 0 };
	struct account a;
	size_t i;
	int r = 0;

	for (i = 0; i < nranges && r >= 0; i++) {
		di.range = &ranges[i];
		r = account_due_each(txn, st, ranges[i].kind, ranges[i].until,
		    due_take, &di, &ranges[i].next);
	}
	if (r >= 0 && di.n > 0)
		qsort(di.ids, di.n, sizeof(*di.ids), due_id_cmp);
	for (i = 0, r = r < 0 ? r : 0; i < di.n && r == 0; i++) {
		if (i > 0 && strcmp(di.ids[i], di.ids[i - 1]) == 0)
			continue;
		if (account_get_by_id(txn, st, di.ids[i], &a) < 0)
			continue;	/* gone, or damaged: skipped */
		r = fn(&a, arg);
		account_clear(&a);
	}
	free(di.ids);
	return r;
}
