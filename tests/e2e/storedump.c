/*
 * storedump DIR: every key and value of every database in the LMDB
 * environment DIR, one JSON object a line, for the privacy tests (a test
 * tool, not installed).  Each line is
 *   {"db","key","key_hex","value" | "value_hex","fields"}
 * where key is the key with non-printable bytes as \xNN, value the
 * record when it is JSON, and fields the record's field paths ("media",
 * "media[].url", "replies[]"); a key of `meta` is its own field, and a
 * value that is not JSON is the field "(value)".  Read-only: it opens
 * the environment with MDB_RDONLY while the daemon is stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <lmdb.h>

static void
hex(const MDB_val *v, struct json_object *o, const char *name)
{
	const unsigned char *p = v->mv_data;
	char *s;
	size_t i;

	if ((s = malloc(v->mv_size * 2 + 1)) == NULL)
		exit(2);
	for (i = 0; i < v->mv_size; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * v->mv_size] = '\0';
	json_object_object_add(o, name, json_object_new_string(s));
	free(s);
}

static void
printable(const MDB_val *v, struct json_object *o, const char *name)
{
	const unsigned char *p = v->mv_data;
	char *s;
	size_t i, n = 0;

	if ((s = malloc(v->mv_size * 4 + 1)) == NULL)
		exit(2);
	for (i = 0; i < v->mv_size; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			s[n++] = (char)p[i];
		else
			n += (size_t)snprintf(s + n, 5, "\\x%02x", p[i]);
	}
	s[n] = '\0';
	json_object_object_add(o, name, json_object_new_string(s));
	free(s);
}

/* Adds prefix's field paths under v to arr. */
static void
fields(struct json_object *v, const char *prefix, struct json_object *arr)
{
	struct json_object *e;
	char path[512];
	size_t i, n;

	if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, sub) {
			snprintf(path, sizeof(path), "%s%s%s", prefix,
			    *prefix ? "." : "", k);
			json_object_array_add(arr, json_object_new_string(path));
			fields(sub, path, arr);
		}
	} else if (json_object_is_type(v, json_type_array)) {
		snprintf(path, sizeof(path), "%s[]", prefix);
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			if (json_object_is_type(e, json_type_object))
				fields(e, path, arr);
			else if (i == 0)
				json_object_array_add(arr,
				    json_object_new_string(path));
		}
	}
}

static int
dump_db(MDB_txn *txn, const char *name)
{
	struct json_object *o, *val, *arr;
	struct json_tokener *tok;
	MDB_cursor *cur;
	MDB_dbi dbi;
	MDB_val k, v;
	char *kname;
	int rc;

	if ((rc = mdb_dbi_open(txn, name, 0, &dbi)) != 0 ||
	    (rc = mdb_cursor_open(txn, dbi, &cur)) != 0) {
		fprintf(stderr, "storedump: %s: %s\n", name, mdb_strerror(rc));
		return 1;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		o = json_object_new_object();
		arr = json_object_new_array();
		json_object_object_add(o, "db", json_object_new_string(name));
		printable(&k, o, "key");
		hex(&k, o, "key_hex");
		/* A key of meta names its value: that is the field. */
		if (strcmp(name, "meta") != 0)
			json_object_array_add(arr,
			    json_object_new_string("(key)"));
		else {
			if ((kname = strndup(k.mv_data, k.mv_size)) == NULL)
				exit(2);
			json_object_array_add(arr,
			    json_object_new_string(kname));
			free(kname);
		}
		tok = json_tokener_new();
		val = v.mv_size > 0 && ((char *)v.mv_data)[0] == '{' ?
		    json_tokener_parse_ex(tok, v.mv_data, (int)v.mv_size) :
		    NULL;
		if (val != NULL && json_tokener_get_error(tok) ==
		    json_tokener_success) {
			fields(val, "", arr);
			json_object_object_add(o, "value", val);
		} else {
			json_object_put(val);
			hex(&v, o, "value_hex");
			if (strcmp(name, "meta") != 0)
				json_object_array_add(arr,
				    json_object_new_string("(value)"));
		}
		json_tokener_free(tok);
		json_object_object_add(o, "fields", arr);
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	}
	mdb_cursor_close(cur);
	return 0;
}

int
main(int argc, char *argv[])
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_dbi main_dbi;
	MDB_val k, v;
	char *names[64], *name;
	int rc, n = 0, i, bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: storedump DIR\n");
		return 2;
	}
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 64)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], MDB_RDONLY, 0)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, NULL, 0, &main_dbi)) != 0 ||
	    (rc = mdb_cursor_open(txn, main_dbi, &cur)) != 0) {
		fprintf(stderr, "storedump: %s: %s\n", argv[1],
		    mdb_strerror(rc));
		return 1;
	}
	/* The main database names the others (and holds nothing else). */
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && n < 64;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if ((name = strndup(k.mv_data, k.mv_size)) == NULL)
			return 2;
		names[n++] = name;
	}
	mdb_cursor_close(cur);
	for (i = 0; i < n; i++) {
		bad |= dump_db(txn, names[i]);
		free(names[i]);
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return bad;
}
