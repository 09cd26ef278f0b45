#!/bin/sh
# threadsctl status and --json status against a running daemon, and what
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

stop_daemon
[ ! -e "$SOCK" ] || fail "socket file left behind after SIGTERM"

# No daemon: exit 3, the socket named, a hint.
rc=0; tctl status 2>"$T/err" || rc=$?
[ "$rc" -eq 3 ] || fail "no daemon: exit $rc"
grep -q "cannot connect to $SOCK" "$T/err" || fail "$(cat "$T/err")"
grep -q "systemctl status threadsd" "$T/err" || fail "$(cat "$T/err")"
echo "ok"
