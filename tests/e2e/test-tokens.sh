#!/bin/sh
# The token keeper: a manual refresh stores a new token that is then the
# one used; Meta's 24-hour rule is respected; a scheduled refresh happens
# once refresh_after has passed (the daemon runs 8 days ahead under
# faketime, the fake's clock is moved to match); expiry warnings; a
# revoked token puts the account in reauth_required; remove-account
# erases every byte of the account from the store files, also when the
# compaction fails once (retried on a timer, and at the next start).
. "$E2E_DIR/lib.sh"

setup
fake_admin POST "/__admin/users?username=alice&name=Alice%20Example" >/dev/null
fake_admin POST "/__admin/users?username=bob&name=Bob%20Builder" > "$T/bob.json"
bob_id=$(jq -r .user_id "$T/bob.json")

# connect USER AGE: a token issued AGE seconds ago, through stdin.
connect() {
	fake_admin POST "/__admin/token?username=$1&age=$2" |
	    jq -r .access_token > "$T/$1.token"
	tctl add-account --token-stdin < "$T/$1.token" >/dev/null ||
	    fail "connect $1"
}

# requests PATH: the fake's log of calls to PATH, one JSON per line.
requests() {
	fake_admin GET "/__admin/requests" |
	    jq -c ".requests[] | select(.path == \"$1\")"
}

connect alice 3600
connect bob 100000

# Too young (1 h): threadsd does not even ask Meta, and says why.
rc=0; tctl refresh alice 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "young refresh: exit $rc"
grep -q "younger than 24 hours" "$T/err" || fail "young: $(cat "$T/err")"
[ -z "$(requests /refresh_access_token)" ] ||
    fail "a young token was sent to Meta for refreshing"
tctl --json show alice | jq -e '.state == "active"' >/dev/null ||
    fail "a young token's refusal changed the state"

# Old enough (27 h): refreshed with the token it had (generation 0).
tctl refresh bob > "$T/out" || fail "refresh bob"
grep -q "token refreshed; valid until" "$T/out" || fail "$(cat "$T/out")"
[ "$(requests /refresh_access_token | jq -r 'select(.user == "bob")
    | .token_gen' | tr '\n' ' ')" = "0 " ] || fail "refresh used gen != 0"
rc=0; tctl refresh bob 2>/dev/null || rc=$?	# now young again: refused
[ "$rc" -eq 1 ] || fail "a just-refreshed token was refreshed again"
grep -q "token of 'bob' refreshed; valid until" "$T/daemon.log" ||
    fail "no journal line for the refresh"
grep -qaF "$(cat "$T/bob.token")" "$T/daemon.log" && fail "token logged"

# Two days on, the next refresh goes out with the new token (generation 1).
stop_daemon
fake_admin POST "/__admin/clock?advance=172800" >/dev/null
THREADSD_WRAPPER=$(faketime_wrapper +2d) start_daemon
tctl refresh bob >/dev/null || fail "second refresh of bob"
[ "$(requests /refresh_access_token | jq -r 'select(.user == "bob")
    | .token_gen' | tr '\n' ' ')" = "0 1 " ] ||
    fail "the refreshed token is not the one in use: $(requests /refresh_access_token)"

# Revoked on Meta's side: the next refresh marks reauth_required.
fake_admin POST "/__admin/revoke?username=bob" >/dev/null
stop_daemon
fake_admin POST "/__admin/clock?advance=90000" >/dev/null
THREADSD_WRAPPER=$(faketime_wrapper +4d) start_daemon
rc=0; tctl refresh bob 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "revoked: exit $rc"
grep -q "reconnect the account with 'threadsctl add-account'" "$T/err" ||
    fail "revoked: $(cat "$T/err")"
tctl --json show bob | jq -e '.state == "reauth_required"' >/dev/null ||
    fail "revoked token did not set reauth_required"
grep -q "needs re-authorization" "$T/daemon.log" || fail "no re-auth log"
stop_daemon

# Eight days later: alice's token (refresh_after 7 d) is refreshed by the
# keeper on its own, bob (reauth_required) is left alone.
fake_admin POST "/__admin/clock?advance=691200" >/dev/null
before=$(requests /refresh_access_token | wc -l)
THREADSD_WRAPPER=$(faketime_wrapper +8d) start_daemon
wait_until 10 grep -q "token of 'alice' refreshed" "$T/daemon.log" ||
    fail "no scheduled refresh of alice"
[ "$(requests /refresh_access_token | wc -l)" -eq $((before + 1)) ] ||
    fail "expected exactly one more refresh: $(requests /refresh_access_token)"
requests /refresh_access_token | tail -1 | jq -e '.user == "alice"' \
    >/dev/null || fail "the scheduled refresh was not alice's"
stop_daemon

# 62 days on (alice's token, refreshed on day 8, expires on day 68), with
# refreshes failing: the expiry warning.
fake_admin POST "/__admin/clock?advance=4665600" >/dev/null
fake_admin POST "/__admin/fault?path=/refresh_access_token&kind=http500&count=100" \
    >/dev/null
THREADSD_WRAPPER=$(faketime_wrapper +62d) start_daemon
wait_until 10 grep -q "the token of 'alice' expires in [56] d" "$T/daemon.log" ||
    fail "no expiry warning: $(cat "$T/daemon.log")"
grep -q "token refresh of 'alice' failed (transient" "$T/daemon.log" ||
    fail "no retry notice"
stop_daemon
fake_admin DELETE "/__admin/faults" >/dev/null

# no_trace NAME...: no byte of NAME... survives in the store files.
no_trace() {
	for f in "$T/state/data.mdb" "$T/state/lock.mdb"; do
		for s in "$@"; do
			! grep -qaF "$s" "$f" || return 1
		done
	done
}

# remove-account: no byte of bob survives in the store files.
start_daemon
tctl remove-account bob --yes | grep -q "^removed 'bob'" || fail "remove"
tctl --json accounts | jq -e '.accounts | map(.username) == ["alice"]' \
    >/dev/null || fail "bob still listed"
no_trace bob "Bob Builder" "$bob_id" || fail "bob remains in the store"
grep -q "account 'bob' removed by uid" "$T/daemon.log" ||
    fail "no removal log"
rc=0; tctl show bob 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "bob still there"

# A compaction that fails (its target is a directory) is retried on a
# timer until it succeeds, and at the next start when it is still owed.
for u in carla dora; do
	fake_admin POST "/__admin/users?username=$u&name=$u%20Removed" >/dev/null
	connect "$u" 3600
done
mkdir "$T/state/data.mdb.compact"
rc=0; tctl remove-account carla --yes 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a failed compaction was not reported ($rc)"
grep -q "deleted but the store could not be compacted yet" "$T/err" ||
    fail "compaction failure: $(cat "$T/err")"
grep -q "store compaction failed: .*trying again in" "$T/daemon.log" ||
    fail "no journal line for the failed compaction"
tctl status >/dev/null || fail "the daemon does not answer after a failed compaction"
rmdir "$T/state/data.mdb.compact"
wait_until 20 no_trace carla "carla Removed" || fail "carla remains in the store"
grep -q "store compacted" "$T/daemon.log" || fail "no retry logged"
mkdir "$T/state/data.mdb.compact"
rc=0; tctl remove-account dora --yes 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "a failed compaction was not reported ($rc)"
stop_daemon
rmdir "$T/state/data.mdb.compact"
start_daemon
wait_until 20 no_trace dora "dora Removed" || fail "dora remains after a restart"
grep -q "a store compaction is owed" "$T/daemon.log" ||
    fail "the restart did not retry the compaction"
tctl --json accounts | jq -e '.accounts | map(.username) == ["alice"]' \
    >/dev/null || fail "accounts after the removals: $(tctl accounts)"
stop_daemon
echo "ok"
