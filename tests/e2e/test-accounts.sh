#!/bin/sh
# Connecting accounts through every path, and everything that can go
# wrong on the way: a reused code, a wrong state, a refusal on Meta's page,
# an unreadable secret file.  Listing, showing, reconnecting, exporting.
# No token may appear in a log line, a reply, the state files or argv.
. "$E2E_DIR/lib.sh"

setup
fake_admin POST "/__admin/users?username=alice&name=Alice%20Example&followers=120" \
    > "$T/alice.json"
alice_id=$(jq -r .user_id "$T/alice.json")
fake_admin POST "/__admin/users?username=bob&name=Bob%20B" > "$T/bob.json"
bob_id=$(jq -r .user_id "$T/bob.json")

# The authorization URL asks for exactly the four scopes.
url=$(tctl add-account --print-url)
case $url in
"$FAKE_URL/oauth/authorize?client_id=1000000000000001&"*) ;;
*) fail "auth URL: $url" ;;
esac
scope=$(echo "$url" | sed -n 's/.*[?&]scope=\([^&]*\).*/\1/p')
[ "$scope" = "threads_basic%2Cthreads_content_publish%2Cthreads_manage_insights%2Cthreads_profile_discovery" ] ||
    fail "scopes: $scope"
echo "$url" | grep -q '&response_type=code&' || fail "response_type"
echo "$url" | grep -q '&state=[0-9a-f]\{32\}$' || fail "state: $url"
tctl --json add-account --print-url | jq -e '.url and (.state | length == 32)' \
    >/dev/null || fail "--json --print-url"

# approve URL USER: what Meta's consent page redirects the browser to.
approve() {
	curl -s -o /dev/null -D - "$1&as=$2" | tr -d '\r' |
	    sed -n 's/^[Ll]ocation: //p'
}

# The redirect path: Meta's "#_" tail is dropped, state checked.
redirect=$(approve "$url" alice)
case $redirect in *'#_') ;; *) fail "no #_ on the redirect" ;; esac
echo "$redirect" | tctl add-account --redirect-url - > "$T/out" ||
    fail "add-account --redirect-url -"
grep -q "^connected 'alice' (Alice Example), user id $alice_id; token expires in 59 d" "$T/out" ||
    fail "add output: $(cat "$T/out")"

# The same URL again: its state was used up.
rc=0; tctl add-account --redirect-url "$redirect" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "reused redirect: exit $rc"
grep -q "state does not match" "$T/err" || fail "reuse: $(cat "$T/err")"

# A reused code, given directly: Meta's flat OAuth error, explained.
code=$(echo "$redirect" | sed -n 's/.*[?&]code=\([^&#]*\).*/\1/p')
rc=0; echo "$code" | tctl add-account --code - 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "reused code: exit $rc"
grep -q "Matching code was not found or was already used" "$T/err" ||
    fail "reused code: $(cat "$T/err")"
grep -q "run 'threadsctl add-account' again" "$T/err" ||
    fail "reused code hint: $(cat "$T/err")"
grep -qF "$code" "$T/err" && fail "the code was echoed"

# A state this daemon never handed out.
url=$(tctl add-account --print-url)
redirect=$(approve "$url" alice | sed 's/state=[0-9a-f]*/state=0123456789abcdef0123456789abcdef/')
rc=0; tctl add-account --redirect-url "$redirect" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "wrong state: exit $rc"
grep -q "state does not match" "$T/err" || fail "state: $(cat "$T/err")"

# The user said no on Meta's page.
url=$(tctl add-account --print-url)
redirect=$(curl -s -o /dev/null -D - "$url&as=alice&deny=1" | tr -d '\r' |
    sed -n 's/^[Ll]ocation: //p')
rc=0; tctl add-account --redirect-url "$redirect" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "access denied: exit $rc"
grep -q "refused on Meta's page (access_denied: The user denied your request)" \
    "$T/err" || fail "denied: $(cat "$T/err")"

# A fresh code for an account that exists updates its token (the code
# given alone, on the command line this time).
url=$(tctl add-account --print-url)
code=$(approve "$url" alice | sed -n 's/.*[?&]code=\([^&#]*\).*/\1/p')
tctl add-account --code "$code" | grep -q "^updated the token of 'alice'" ||
    fail "reconnect with --code"

# A long-lived token from elsewhere, on stdin; its age comes from
# debug_token (issued 2 days ago: it expires in 58 days).
fake_admin POST "/__admin/token?username=bob&age=172800" |
    jq -r .access_token > "$T/bob.token"
tctl add-account --token-stdin < "$T/bob.token" > "$T/out" ||
    fail "--token-stdin"
grep -q "^connected 'bob' (Bob B), user id $bob_id; token expires in 57 d\|^connected 'bob' (Bob B), user id $bob_id; token expires in 58 d" \
    "$T/out" || fail "token-stdin output: $(cat "$T/out")"
rc=0; printf '\n' | tctl add-account --token-stdin 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "empty token: exit $rc"
echo "garbage-token" | { rc=0; tctl add-account --token-stdin 2>"$T/err" || rc=$?;
    [ "$rc" -eq 1 ] || fail "bad token: exit $rc"; }
grep -q "profile lookup (/me) failed: .*reconnect\|Meta code 190" "$T/err" ||
    fail "bad token: $(cat "$T/err")"

# Listing and showing; ids keep every digit; unknown numbers are null.
tctl accounts > "$T/out"
head -1 "$T/out" | grep -q '^USERNAME  *NAME  *FOLLOWERS  *STATE  *TOKEN EXPIRES  *LAST POLL$' ||
    fail "accounts header: $(cat "$T/out")"
# The poller may have polled alice already (followers and last poll).
grep -q '^alice  *Alice Example  *\(-\|120\)  *active  *in 59 d  *\(-\|now\|[0-9]* s ago\)$' "$T/out" ||
    fail "accounts alice row: $(cat "$T/out")"
[ "$(wc -l < "$T/out")" -eq 3 ] || fail "accounts rows: $(cat "$T/out")"
tctl --json accounts > "$T/out"
[ "$(jq -r '.accounts | length' "$T/out")" = 2 ] || fail "json accounts"
[ "$(jq -r ".accounts[] | select(.username == \"alice\") | .user_id" "$T/out")" = "$alice_id" ] ||
    fail "user id digits: $(cat "$T/out")"
jq -e '.accounts[0] | .following_count == null
    and .state == "active" and (.token_expires_at | test("Z$"))' "$T/out" \
    >/dev/null || fail "account shape: $(cat "$T/out")"
tctl show "$alice_id" | grep -q '^username: *alice$' || fail "show by id"
tctl --json show bob | jq -e '.name == "Bob B"' >/dev/null || fail "show"
rc=0; tctl show carol 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "unknown account: exit $rc"
grep -q "unknown account 'carol'" "$T/err" || fail "$(cat "$T/err")"

# Export: everything held, the token excluded.
tctl export bob > "$T/export.json"
jq -e '.account.username == "bob" and .token.stored == true and
    (.metrics | type) == "array" and (.posts | type) == "array"' \
    "$T/export.json" >/dev/null || fail "export: $(cat "$T/export.json")"

# Where the token must never be: replies, logs, state files, argv.
tok=$(cat "$T/bob.token")
for f in "$T/export.json" "$T/daemon.log" "$T/state/data.mdb" \
    "$T/state/lock.mdb"; do
	grep -qaF "$tok" "$f" && fail "bob's token found in ${f##*/}"
done
# While a connect waits on Meta (a stalled debug_token), no command line
# anywhere holds the token.  Not /me: the poller's first polls of alice
# and bob (/me, /me/threads) come about now and could take the stall.
fake_admin POST "/__admin/fault?path=/debug_token&kind=stall&delay_ms=4000&count=1" \
    >/dev/null
tctl add-account --token-stdin < "$T/bob.token" >/dev/null &
ctl_pid=$!
faults_used() {
	fake_admin GET /__admin/faults | jq -e '.faults | length == 0'
}
wait_until 5 faults_used || fail "the stall was never reached"
kill -0 "$ctl_pid" 2>/dev/null || fail "the connect did not wait on the stall"
cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' | grep -qaFf "$T/bob.token" &&
    fail "bob's token in a command line"
wait "$ctl_pid" || fail "the stalled connect failed"

# remove-account asks on a terminal and refuses silently-confirmed runs.
rc=0; tctl remove-account bob </dev/null 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "remove without --yes: exit $rc"
grep -q -- "--yes" "$T/err" || fail "$(cat "$T/err")"

stop_daemon

# A secret file others can read stops the daemon, naming the file.
chmod 644 "$T/app-secret"
rc=0; "$THREADSD" -f -c "$CONF" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "world-readable secret: exit $rc"
grep -q "$T/app-secret" "$T/err" || fail "secret file: $(cat "$T/err")"
grep -q "e2e-app-secret" "$T/err" && fail "the secret was printed"
echo "ok"
