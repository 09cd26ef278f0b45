#!/bin/sh
# PRIVACY.md: "When the owner removes the app in Threads' settings,
# threadsd deletes the account's token at once, stops polling and
# publishing for it, and erases the account [accounts]
# forget_revoked_after later, as remove-account does."
# Meta says so with code 190, subcode 458 (the fake's
# /__admin/remove_app).  The days pass under faketime.
. "$E2E_DIR/lib.sh"

setup "[poll]" "interval = 1d" "[accounts]" "forget_revoked_after = 2d"

user() {
	fake_admin POST "/__admin/users?username=$1&name=$2&followers=150" |
	    jq -r .user_id
}
connect() {
	fake_admin POST "/__admin/token?username=$1" | jq -r .access_token \
	    > "$T/$1.token"
	tctl add-account --token-stdin < "$T/$1.token" >/dev/null ||
	    fail "connect $1"
}
alice_id=$(user alice Alice%20Revoked)
bob_id=$(user bob Bob%20Stays)
connect alice
connect bob
tctl poll alice >/dev/null || fail "poll alice"
tctl poll bob >/dev/null || fail "poll bob"
# A post due in an hour: it must never be published once revoked.
tctl post alice --at +1h --text "alice's scheduled words" >/dev/null ||
    fail "schedule"

# The owner removes the app; the next call with the token hears 458.
fake_admin POST "/__admin/remove_app?username=alice" >/dev/null
rc=0; tctl poll alice 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "poll after removal: exit $rc"
grep -q "removed the app in Threads' settings" "$T/err" ||
    fail "poll after removal: $(cat "$T/err")"
tctl --json show alice > "$T/alice.json"
jq -e '.state == "revoked" and .revoked_at != null and .forget_at != null' \
    "$T/alice.json" >/dev/null || fail "not revoked: $(cat "$T/alice.json")"
revoked=$(jq -r .revoked_at "$T/alice.json")
forget=$(jq -r .forget_at "$T/alice.json")
[ $(( $(date -d "$forget" +%s) - $(date -d "$revoked" +%s) )) -eq 172800 ] ||
    fail "forget_at $forget is not revoked_at $revoked + 2d"
grep -q "the owner of 'alice' removed the app in Threads' settings (Meta code 190/458); its token is deleted, polling and publishing stopped, and the account and everything held about it will be erased on $forget" \
    "$T/daemon.log" || fail "no revocation notice"
tctl --json show bob | jq -e '.state == "active"' >/dev/null ||
    fail "bob was touched"

# Its token is deleted at once (export tells whether one is stored).
tctl export alice | jq -e '.token.stored == false' >/dev/null ||
    fail "the token of a revoked account is still stored"
tctl export bob | jq -e '.token.stored == true' >/dev/null ||
    fail "bob's token is gone"

# accounts and show say when it will be forgotten.
tctl accounts > "$T/accounts.out"
grep -Eq '^alice .* revoked +none; erased in [0-9]+ [hd] ' "$T/accounts.out" ||
    fail "accounts: $(cat "$T/accounts.out")"
tctl show alice | grep -q "^erased at: *$forget (in " ||
    fail "show: $(tctl show alice)"
tctl metrics | grep -q '^threadsd_account_state{account="alice",user_id="'"$alice_id"'",state="revoked"} 1$' ||
    fail "metrics: no revoked state"

# Polling and publishing stop: nothing new is scheduled, nothing is sent
# with alice's name any more, and the queued post waits.
rc=0; tctl post alice --at +2h --text "more" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "was revoked by its owner" "$T/err" ||
    fail "schedule for a revoked account: $(cat "$T/err")"
rc=0; tctl poll alice 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "was revoked by its owner" "$T/err" ||
    fail "poll of a revoked account: $(cat "$T/err")"
rc=0; tctl refresh alice 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "was revoked by its owner" "$T/err" ||
    fail "refresh of a revoked account: $(cat "$T/err")"
sent() {
	fake_admin GET "/__admin/requests" |
	    jq '[.requests[] | select(.user == "alice")] | length'
}
n=$(sent)

# The token keeper and the scheduler hear it too: carol's refresh and
# dave's post (its container) meet 190/458; both become revoked.
user carol Carol >/dev/null
user dave Dave >/dev/null
fake_admin POST "/__admin/token?username=carol&age=100000" |
    jq -r .access_token > "$T/carol.token"
tctl add-account --token-stdin < "$T/carol.token" >/dev/null ||
    fail "connect carol"
connect dave
fake_admin POST "/__admin/remove_app?username=carol" >/dev/null
rc=0; tctl refresh carol 2>"$T/err" || rc=$?
# The refresh finds the removal itself, or the token keeper or the poller
# found it first: either way it fails and says the app was removed.
[ "$rc" -eq 1 ] && grep -Eq "removed the app in Threads' settings|the app was removed in Threads' settings" "$T/err" ||
    fail "refresh after removal: $(cat "$T/err")"
tctl --json show carol | jq -e '.state == "revoked"' >/dev/null ||
    fail "carol not revoked by the token keeper"
tctl export carol | jq -e '.token.stored == false' >/dev/null ||
    fail "carol's token kept"
fake_admin POST "/__admin/remove_app?username=dave" >/dev/null
tctl post dave --at now --text "dave's words" >/dev/null || fail "post dave"
dave_revoked() {
	tctl --json show dave | jq -e '.state == "revoked"'
}
wait_until 20 dave_revoked || fail "dave not revoked by the scheduler: $(tctl --json show dave)"
tctl export dave | jq -e '.token.stored == false and
    (.posts[0].state != "published")' >/dev/null || fail "dave: $(tctl export dave)"
grep -q "the owner of 'dave' removed the app" "$T/daemon.log" ||
    fail "no revocation notice for dave"
n=$(sent)

# A day later: the second notice, the account still there.
stop_daemon
write_config "[poll]" "interval = 2s" "[accounts]" "forget_revoked_after = 2d"
THREADSD_WRAPPER=$(faketime_wrapper +26h) start_daemon
wait_until 10 grep -q "the revoked account 'alice' and everything held about it will be erased on $forget" \
    "$T/daemon.log" || fail "no notice a day before"
tctl --json show alice | jq -e '.state == "revoked"' >/dev/null ||
    fail "alice gone too early"
# bob goes on being polled (every 2 s here); alice does not.
b=$(fake_admin GET "/__admin/requests" |
    jq '[.requests[] | select(.user == "bob")] | length')
bob_polled() {
	[ "$(fake_admin GET "/__admin/requests" |
	    jq '[.requests[] | select(.user == "bob")] | length')" -gt "$b" ]
}
wait_until 20 bob_polled || fail "bob is not polled"
[ "$(sent)" -eq "$n" ] || fail "a request was sent for revoked alice"
tctl --json queue alice | jq -e '.posts | length == 1 and
    (.[0].state != "published")' >/dev/null ||
    fail "alice's post: $(tctl --json queue alice)"

# Two days on: erased exactly as remove-account erases, bob untouched.
stop_daemon
THREADSD_WRAPPER=$(faketime_wrapper +50h) start_daemon
wait_until 10 grep -q "account 'alice' forgotten: its owner removed the app" \
    "$T/daemon.log" || fail "alice was not forgotten"
rc=0; tctl show alice 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "alice still shown"
tctl --json show bob | jq -e '.state == "active"' >/dev/null ||
    fail "bob after the erasure"
stop_daemon
[ "$(sent)" -eq "$n" ] || fail "a request was sent for revoked alice"
for f in data.mdb lock.mdb; do
	for s in alice "$alice_id" "Alice Revoked" "alice's scheduled words" \
	    "$(cat "$T/alice.token")"; do
		grep -qaF "$s" "$T/state/$f" &&
		    fail "$f still holds '$s' of the forgotten account"
	done
done
grep -qaF "Bob Stays" "$T/state/data.mdb" || fail "bob's record is gone"
echo "ok"
