#!/bin/sh
# Whatever a client sends, the daemon answers with an error or closes,
# and keeps serving others: garbage, invalid JSON, wrong types, unknown
# commands, a 2 MiB line, 200 connections opened and dropped, an idle
# client.  Run under valgrind too (THREADSD_WRAPPER), where the daemon's
# exit status says whether anything leaked.
. "$E2E_DIR/lib.sh"

: "${SOCKPOKE:?}"
setup "[control]" "idle_timeout = 1s" "max_clients = 64"

# One connection, many bad lines: each gets its own error, in order.
printf '%s\n' \
    'hello' \
    '{"v":1,"cmd":"ping"' \
    '[1,2,3]' \
    '{"v":"1","id":1,"cmd":"ping"}' \
    '{"v":2,"id":2,"cmd":"ping"}' \
    '{"v":1,"id":3,"cmd":42}' \
    '{"v":1,"id":4,"cmd":"ping","args":[]}' \
    '{"v":1,"id":5,"cmd":"no.such.command"}' \
    '{"v":1,"id":6,"cmd":"ping","args":{"surprise":true}}' \
    '{"v":1,"id":{"x":1},"cmd":"ping"}' \
    '{"v":1,"id":7,"cmd":"ping"} trailing' \
    '{"v":1,"id":8,"cmd":"ping"}' \
    | "$SOCKPOKE" "$SOCK" send > "$T/replies"
[ "$(wc -l < "$T/replies")" -eq 12 ] ||
    fail "expected 12 replies, got: $(cat "$T/replies")"
codes=$(jq -r 'if .ok then "ok" else .error.code end' "$T/replies" |
    tr '\n' ' ')
expect="bad_request bad_request bad_request bad_request bad_request \
bad_request bad_request unknown_command invalid_argument bad_request \
bad_request ok "
[ "$codes" = "$expect" ] || fail "codes: $codes"
# Every reply is a well-formed protocol reply echoing the id it could read.
jq -e -s 'all(.v == 1 and (.ok | type) == "boolean")' "$T/replies" \
    >/dev/null || fail "malformed replies: $(cat "$T/replies")"
[ "$(jq -r -s '.[11].id' "$T/replies")" = 8 ] || fail "id not echoed"
[ "$(jq -r -s '.[4].id' "$T/replies")" = 2 ] || fail "id of bad v"
jq -r -s '.[7].error.message' "$T/replies" |
    grep -q "unknown command 'no.such.command'" || fail "unknown cmd msg"
jq -r -s '.[8].error.message' "$T/replies" |
    grep -q "surprise" || fail "unknown arg not named"

# NUL bytes and invalid UTF-8 inside a line.
printf '{"v":1,"id":9,"cmd":"pi\000ng"}\n\377\376\n' |
    "$SOCKPOKE" "$SOCK" send > "$T/replies"
[ "$(jq -r '.error.code' "$T/replies" | sort -u)" = bad_request ] ||
    fail "NUL/invalid bytes: $(cat "$T/replies")"

# A 2 MiB line: bad_request, then the connection is closed.
"$SOCKPOKE" "$SOCK" big 2097152 > "$T/replies"
[ "$(jq -r '.error.code' "$T/replies")" = bad_request ] ||
    fail "2 MiB line: $(cat "$T/replies")"
jq -r '.error.message' "$T/replies" | grep -q 'longer than' ||
    fail "2 MiB line message"

# 200 connections, each left half-written, then dropped: the first 64 are
# served, the rest refused with "too many connections".
"$SOCKPOKE" "$SOCK" flood 200 | grep -q '^opened 200$' || fail "flood"
wait_until 10 tctl status || fail "status after the flood"
grep -q "connections open, refusing another" "$T/daemon.log" ||
    fail "no connection was refused"

# A client that sends without ever reading is no longer read once its
# unread replies pile up: the daemon's memory stays bounded.
out=$("$SOCKPOKE" "$SOCK" pipeline 400000)
sent=${out#sent }
[ "$sent" -lt 400000 ] || fail "the daemon kept reading a client that never reads"
if [ -z "$THREADSD_WRAPPER" ]; then
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$DAEMON_PID/status)
	[ "$hwm" -lt 65536 ] || fail "peak RSS $hwm kB after the pipeline flood"
fi
tctl status >/dev/null || fail "status after the pipeline flood"

# An idle client is disconnected after idle_timeout.
[ "$("$SOCKPOKE" "$SOCK" idle)" = closed ] || fail "idle client kept"

# A request sent in pieces is still one request.
{ printf '{"v":1,"id":11,'; sleep 0.2; printf '"cmd":"ping"}\n'; } |
    "$SOCKPOKE" "$SOCK" send > "$T/replies"
[ "$(jq -r '.ok' "$T/replies")" = true ] || fail "split request"

tctl status >/dev/null || fail "status at the end"
stop_daemon
echo "ok"
