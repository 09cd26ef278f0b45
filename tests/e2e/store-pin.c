/*
 * store-pin: holds a read transaction on the LMDB store in DIR open
 * until its standard input closes, as a long reader would.  LMDB reuses
 * no page freed after a reader's snapshot, so while the pin holds, the
 * daemon's writes can only take pages from the end of the map: a test
 * can fill a small map for certain.  Prints "pinned" once it holds.
 *
 *	store-pin DIR
 */
#include <stdio.h>
#include <unistd.h>

#include <lmdb.h>

int
main(int argc, char *argv[])
{
	MDB_env	*env;
	MDB_txn	*txn;
	char	 c;
	int	 rc;

	if (argc != 2) {
		fprintf(stderr, "usage: store-pin DIR\n");
		return 2;
	}
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], MDB_RDONLY | MDB_NOTLS,
	    0600)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0) {
		fprintf(stderr, "store-pin: %s: %s\n", argv[1],
		    mdb_strerror(rc));
		return 1;
	}
	printf("pinned\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return 0;
}
