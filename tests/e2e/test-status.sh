#!/bin/sh
# threadsctl status and --json status against a running daemon: the next
# post, what needs a person and the "degraded" exit code; and what
# threadsctl says when no daemon is there.
. "$E2E_DIR/lib.sh"

setup

out=$(tctl status)
echo "$out" | grep -q '^daemon: *threadsd [0-9.]*, up ' ||
    fail "status: no daemon line: $out"
echo "$out" | grep -q '^accounts: *0$' || fail "status: accounts: $out"
echo "$out" | grep -q '^posts: *none$' || fail "status: posts: $out"
echo "$out" | grep -q '^next due: *nothing$' || fail "status: due: $out"

json=$(tctl --json status)
[ "$(echo "$json" | jq -r .version)" = "$("$THREADSD" --version |
    cut -d' ' -f2)" ] || fail "status --json: version: $json"
[ "$(echo "$json" | jq -r '.accounts')" = 0 ] || fail "accounts: $json"
[ "$(echo "$json" | jq -r '.posts | keys | sort | join(",")')" = \
    "cancelled,failed,published,publishing,ready,scheduled,staged,staging" ] ||
    fail "status --json: posts: $json"
[ "$(echo "$json" | jq -r '.next_due')" = null ] || fail "next_due: $json"
echo "$json" | jq -e '.uptime >= 0' >/dev/null || fail "uptime: $json"

# THREADSCTL_SOCKET is honoured; -s wins over it.
THREADSCTL_SOCKET=$SOCK "$THREADSCTL" status >/dev/null ||
    fail "THREADSCTL_SOCKET ignored"

# Usage errors exit 2; an unknown command is named.
rc=0; tctl frobnicate 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "unknown command exit $rc"
grep -q "unknown command 'frobnicate'" "$T/err" || fail "$(cat "$T/err")"
rc=0; tctl status extra 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "extra operand exit $rc"
tctl status --help | grep -q '^usage: threadsctl status' ||
    fail "status --help"

# A healthy daemon is "running", and status exits 0.
tctl status | grep -q '^state: *running$' || fail "state: $(tctl status)"
[ "$(echo "$json" | jq -r '.degraded')" = false ] || fail "degraded: $json"

# "next due" is the next post and its due time, not the scheduler's next
# action: a is staged (its next action is its publish, 1 s early), b is
# not (its next action, staging, comes before a's due time).
connect_account alice Alice 172800
a=$(tctl --json post alice --at +5m --text a | jq -r .id)
a_due=$(tctl --json show-post "$a" | jq -r .due_at)
staged() {
	tctl --json show-post "$a" | jq -e '.state == "staged" or
	    .state == "ready"'
}
wait_until 30 staged || fail "post $a not staged: $(tctl show-post "$a")"
b=$(tctl --json post alice --at +12m --text b | jq -r .id)
json=$(tctl --json status)
[ "$(echo "$json" | jq -r .next_due_post)" = "$a" ] ||
    fail "next due: post $(echo "$json" | jq -r .next_due_post), not $a"
[ "$(echo "$json" | jq -r .next_due)" = "$a_due" ] ||
    fail "next due at $(echo "$json" | jq -r .next_due), not $a_due"
tctl status | grep -q "^next due: *post $a at $a_due (in [45] min)$" ||
    fail "next due: $(tctl status)"
tctl cancel "$b" >/dev/null || fail "cancel $b"

# degraded TEXT: status lists it under attention and exits 4.
degraded() {
	_rc=0
	tctl status > "$T/status" 2>&1 || _rc=$?
	[ "$_rc" -eq 4 ] && grep -q '^state: *degraded' "$T/status" &&
	    grep -q "^  .*$1" "$T/status"
}
running() {
	_rc=0
	tctl status > "$T/status" 2>&1 || _rc=$?
	[ "$_rc" -eq 0 ] && ! grep -q '^attention:' "$T/status"
}
running || fail "not running: $(cat "$T/status")"

# A token within [tokens] warn_before of its end (alice's is 2 days old).
write_config "[tokens]" "refresh_after = 30d" "warn_before = 59d"
tctl reload >/dev/null || fail "reload"
degraded "the token of 'alice' expires in 5[78] d" ||
    fail "expiring token: $(cat "$T/status")"
tctl --json status | jq -e '.degraded and (.attention[0].kind ==
    "token_expiring") and .attention[0].account == "alice"' >/dev/null ||
    fail "expiring token --json: $(tctl --json status)"
write_config "[tokens]" "refresh_after = 30d"
tctl reload >/dev/null || fail "reload"
running || fail "still degraded: $(cat "$T/status")"

# No successful poll for three [poll] intervals.
write_config "[tokens]" "refresh_after = 30d" "[poll]" "interval = 1s"
fake_admin POST "/__admin/fault?path=/me&method=GET&kind=http500&count=0" \
    >/dev/null
tctl reload >/dev/null || fail "reload"
wait_until 30 degraded "'alice': no successful poll for" ||
    fail "stale poll: $(cat "$T/status")"
fake_admin DELETE "/__admin/faults" >/dev/null
tctl poll alice >/dev/null || fail "poll after the faults"
running || fail "poll not back: $(cat "$T/status")"
write_config "[tokens]" "refresh_after = 30d"
tctl reload >/dev/null || fail "reload"

# A post that failed in the last 7 days.
fake_admin POST "/__admin/fault?path=/me/threads&method=POST&kind=error&status=400&code=100&message=Invalid%20parameter&count=0" \
    >/dev/null
f=$(tctl --json post alice --at +2s --text f | jq -r .id)
failed() { tctl --json show-post "$f" | jq -e '.state == "failed"'; }
wait_until 60 failed || fail "post $f did not fail: $(tctl show-post "$f")"
fake_admin DELETE "/__admin/faults" >/dev/null
degraded "1 post failed in the last 7 days: see 'threadsctl queue --state failed'" ||
    fail "failed post: $(cat "$T/status")"
tctl cancel "$a" >/dev/null || fail "cancel $a"

# An account that needs re-authorization.
fake_admin POST "/__admin/revoke?username=alice" >/dev/null
tctl poll alice >/dev/null 2>&1 || true
degraded "account 'alice' needs re-authorization: connect it again" ||
    fail "reauth: $(cat "$T/status")"
rc=0; tctl --json status >/dev/null || rc=$?
[ "$rc" -eq 4 ] || fail "--json status of a degraded daemon: exit $rc"

stop_daemon
[ ! -e "$SOCK" ] || fail "socket file left behind after SIGTERM"

# No daemon: exit 3, the socket named, a hint.
rc=0; tctl status 2>"$T/err" || rc=$?
[ "$rc" -eq 3 ] || fail "no daemon: exit $rc"
grep -q "cannot connect to $SOCK" "$T/err" || fail "$(cat "$T/err")"
grep -q "systemctl status threadsd" "$T/err" || fail "$(cat "$T/err")"
echo "ok"
