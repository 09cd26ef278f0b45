#!/bin/sh
# The journal, read back (sd_journal_send returns 0 even when nobody
# listens, so only reading back proves anything).  A private journald runs
# in a mount namespace of its own (unshare: needs root), with its socket
# on a tmpfs over /run/systemd and its files in this test's directory;
# threadsd logs to it.  Then: the account's entries carry THREADSD_ACCOUNT
# and THREADSD_USER_ID, account added / removed and key generated carry
# their MESSAGE_IDs, a post whose outcome is unknown carries its own (not
# post-failed's, whose text says it was not published), the catalog
# explains them (journalctl -x), and no token is in the journal files.
. "$E2E_DIR/lib.sh"
: "${CATALOG:?}"

JOURNALD=/lib/systemd/systemd-journald
if [ "$(id -u)" -ne 0 ] || [ ! -x "$JOURNALD" ] ||
    ! unshare --mount --propagation private true 2>/dev/null; then
	echo "needs root, mount namespaces (unshare) and systemd-journald"
	exit 77
fi

MSGID_ADDED=0ee7929d2f8e4bb88578f1f20431b163
MSGID_REMOVED=b65dedebc8a04b1d8c5c83854e337b92
MSGID_KEY=514ed7dfdb664ca7afc93cc2deccf601
MSGID_REVOKED=0600089084e5421b9eaf6a37e806d963
MSGID_FORGET_SOON=7d263f08bd314c6d942babf26c9f423f
MSGID_FORGOTTEN=e459d8cf5ef24991bde685575430cfda
MSGID_FAILED=fe2ebb02c78547cd92269d97ca2c4523
MSGID_UNKNOWN=2366fbc075434f26bae322b8f3529f98

# journalctl --root=$R reads $R/run/log/journal and the catalog database
# under $R, so the test can look with -x as an operator would.
R=$T/root
STORE=$R/run/log/journal
mkdir -p "$STORE" "$R/usr/lib/systemd/catalog" "$R/etc"
cp "$CATALOG" "$R/usr/lib/systemd/catalog/threadsd.catalog"
journalctl --root="$R" --update-catalog || fail "catalog"
cat > "$T/journald.conf" <<'EOF'
[Journal]
Storage=volatile
ReadKMsg=no
RateLimitIntervalSec=0
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
EOF

start_fake
# A second so that bob, revoked below, is warned and forgotten at once;
# one failure of reading a container back ends a post's recovery.
write_config "[accounts]" "forget_revoked_after = 1s" \
    "[scheduler]" "prestage = 1h" "max_attempts = 1"

# Inside the namespace: journald, then the daemon logging to it (no -f).
# When the daemon has exited, flush the journal and stop journald.
cat > "$T/inner.sh" <<'EOF'
set -eu
mount -t tmpfs tmpfs /run/systemd
[ -d /run/log ] || mkdir /run/log
mount -t tmpfs tmpfs /run/log
mkdir /run/log/journal
mount --bind "$STORE" /run/log/journal
mount --bind "$T/journald.conf" /etc/systemd/journald.conf
"$JOURNALD" 2>"$T/journald.log" &
jpid=$!
i=0
while [ ! -S /run/systemd/journal/socket ]; do
	i=$((i + 1)); [ "$i" -lt 250 ] || exit 1; sleep 0.02
done
$THREADSD_WRAPPER "$THREADSD" -c "$CONF" 2>>"$T/daemon.log" &
echo $! > "$T/daemon.pid"
rc=0; wait $! || rc=$?
journalctl --sync || true
kill -TERM "$jpid"; wait "$jpid" || true
exit "$rc"
EOF
export STORE T JOURNALD THREADSD CONF THREADSD_WRAPPER
unshare --mount --propagation private sh "$T/inner.sh" &
NS_PID=$!
wait_until 10 test -s "$T/daemon.pid" || fail "journald did not start"
DAEMON_PID=$(cat "$T/daemon.pid")
wait_until 30 tctl status || fail "threadsd did not come up"

fake_admin POST "/__admin/users?username=alice&name=Alice" > "$T/alice.json"
alice_id=$(jq -r .user_id "$T/alice.json")
fake_admin POST "/__admin/token?username=alice" | jq -r .access_token \
    > "$T/token"
tctl add-account --token-stdin < "$T/token" >/dev/null || fail "add-account"

# A publish whose answer is lost (HTTP 500), then the container cannot
# be read back: whether it was published is not known.  Due in 30 s, so
# that the faults are in place long before.
post=$(tctl --json post alice --at +30s --text "outcome unknown" | jq -r .id) ||
    fail "post"
state_is() {
	[ "$(tctl --json show-post "$post" | jq -r .state)" = "$1" ]
}
wait_until 20 state_is ready || fail "the post is not ready"
fake_admin POST "/__admin/fault?path=/me/threads_publish&method=POST&kind=http500&count=1" \
    >/dev/null
fake_admin POST "/__admin/fault?path=/1789&method=GET&kind=error&code=100&count=0" \
    >/dev/null
wait_until 60 state_is failed ||
    fail "the post did not fail: $(tctl --json show-post "$post" | jq -c .)"
fake_admin POST "/__admin/faults/clear" >/dev/null
tctl remove-account alice --yes >/dev/null || fail "remove-account"

# bob removes the app: revoked, warned, then forgotten, each noted.
fake_admin POST "/__admin/users?username=bob&name=Bob" > "$T/bob.json"
fake_admin POST "/__admin/token?username=bob" | jq -r .access_token \
    > "$T/bob.token"
tctl add-account --token-stdin < "$T/bob.token" >/dev/null ||
    fail "add-account bob"
fake_admin POST "/__admin/remove_app?username=bob" >/dev/null
tctl poll bob >/dev/null 2>&1 && fail "poll of bob after removal worked"
bob_gone() { ! tctl show bob >/dev/null 2>&1; }
wait_until 10 bob_gone || fail "bob was not forgotten"

kill -TERM "$DAEMON_PID"
rc=0; wait "$NS_PID" || rc=$?
DAEMON_PID=
[ "$rc" -eq 0 ] || fail "threadsd or journald: status $rc"

jq_entries() {
	journalctl --root="$R" -o json "$@"
}
jq_entries THREADSD_ACCOUNT=alice > "$T/alice.jsonl"
[ -s "$T/alice.jsonl" ] || fail "no entry with THREADSD_ACCOUNT=alice"
jq -e -s --arg id "$alice_id" --arg m "$MSGID_ADDED" \
    'any(.MESSAGE_ID == $m and .THREADSD_USER_ID == $id and
     .PRIORITY == "5" and .SYSLOG_IDENTIFIER == "threadsd")' \
    "$T/alice.jsonl" >/dev/null || fail "no account-added entry for alice"
jq -e -s --arg m "$MSGID_REMOVED" 'any(.MESSAGE_ID == $m)' \
    "$T/alice.jsonl" >/dev/null || fail "no account-removed entry"
jq -e -s --arg m "$MSGID_UNKNOWN" --arg p "$post" 'any(.MESSAGE_ID == $m and
    .THREADSD_POST_ID == $p and .PRIORITY == "3" and
    (.MESSAGE | test("whether it was published is not known")))' \
    "$T/alice.jsonl" >/dev/null || fail "no outcome-unknown entry"
jq -e -s --arg m "$MSGID_FAILED" 'any(.MESSAGE_ID == $m) | not' \
    "$T/alice.jsonl" >/dev/null || fail "the unknown outcome says post-failed"
jq_entries MESSAGE_ID="$MSGID_KEY" | jq -e 'select(.MESSAGE |
    test("generated a new token key"))' >/dev/null ||
    fail "no key-generated entry"

jq_entries THREADSD_ACCOUNT=bob > "$T/bob.jsonl"
for m in "$MSGID_REVOKED" "$MSGID_FORGET_SOON" "$MSGID_FORGOTTEN"; do
	jq -e -s --arg m "$m" 'any(.MESSAGE_ID == $m and .PRIORITY == "5")' \
	    "$T/bob.jsonl" >/dev/null || fail "no entry $m for bob"
done

# journalctl -x shows what to do, with the account filled in.  It reads
# the catalog from /var/lib/systemd whatever --root says: another
# namespace puts the one compiled above there.
unshare --mount --propagation private sh -c '
	mount -t tmpfs tmpfs /var/lib/systemd &&
	mkdir /var/lib/systemd/catalog &&
	cp "$1/var/lib/systemd/catalog/database" /var/lib/systemd/catalog/ &&
	journalctl --root="$1" -x MESSAGE_ID="$2"' sh "$R" "$MSGID_ADDED" \
    > "$T/x" || fail "journalctl -x"
grep -q "Subject: Threads account alice connected" "$T/x" ||
    fail "journalctl -x: $(cat "$T/x")"
grep -q "threadsctl show alice" "$T/x" || fail "no advice: $(cat "$T/x")"
unshare --mount --propagation private sh -c '
	mount -t tmpfs tmpfs /var/lib/systemd &&
	mkdir /var/lib/systemd/catalog &&
	cp "$1/var/lib/systemd/catalog/database" /var/lib/systemd/catalog/ &&
	journalctl --root="$1" -x MESSAGE_ID="$2"' sh "$R" "$MSGID_REVOKED" \
    > "$T/x" || fail "journalctl -x revoked"
grep -q "Subject: The owner of bob removed the app; the account is revoked" \
    "$T/x" || fail "journalctl -x revoked: $(cat "$T/x")"
unshare --mount --propagation private sh -c '
	mount -t tmpfs tmpfs /var/lib/systemd &&
	mkdir /var/lib/systemd/catalog &&
	cp "$1/var/lib/systemd/catalog/database" /var/lib/systemd/catalog/ &&
	journalctl --root="$1" -x MESSAGE_ID="$2"' sh "$R" "$MSGID_UNKNOWN" \
    > "$T/x" || fail "journalctl -x unknown"
grep -q "Subject: A post of alice may or may not have been published" \
    "$T/x" || fail "journalctl -x unknown: $(cat "$T/x")"

# The token never reaches the journal.
grep -rqF "$(cat "$T/token")" "$STORE" && fail "the token is in the journal"
grep -rqF "$(cat "$T/bob.token")" "$STORE" && fail "bob's token is in the journal"
echo "ok"
