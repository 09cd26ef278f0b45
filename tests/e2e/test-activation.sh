#!/bin/sh
# Socket activation without PID 1: systemd-socket-activate binds the
# socket, waits for the first connection and execs threadsd with it as fd
# 3.  The daemon must serve that socket (not bind the configured path),
# leave it in place when it stops (the socket unit owns it), and refuse
# more than one socket.
. "$E2E_DIR/lib.sh"

command -v systemd-socket-activate >/dev/null ||
    { echo "systemd-socket-activate is not installed"; exit 77; }

ACT=$T/activated.sock
start_fake
write_config		# [control] socket = $SOCK, which must stay unused

# It passes on only the variables named with -E.
systemd-socket-activate -l "$ACT" --fdname=control -E ASAN_OPTIONS \
    -E UBSAN_OPTIONS -E LSAN_OPTIONS \
    $THREADSD_WRAPPER "$THREADSD" -f -c "$CONF" 2>>"$T/daemon.log" &
DAEMON_PID=$!
wait_until 5 test -S "$ACT" || fail "systemd-socket-activate did not bind"
[ ! -e "$SOCK" ] || fail "the configured socket exists before activation"

# The first connection starts the daemon, and is answered (in time: a
# daemon that ignored the socket would leave the client waiting).
timeout 10 "$THREADSCTL" -s "$ACT" status > "$T/status" ||
    fail "first status over the activated socket"
grep -q "^daemon: *threadsd " "$T/status" || fail "status: $(cat "$T/status")"
grep -q "started (store .*, from systemd)" "$T/daemon.log" ||
    fail "the daemon did not say it got the socket from systemd"
[ ! -e "$SOCK" ] || fail "the daemon bound $SOCK as well"
# Same pid: systemd-socket-activate exec'd the daemon.
grep -q threadsd "/proc/$DAEMON_PID/comm" ||
    fail "pid $DAEMON_PID is $(cat "/proc/$DAEMON_PID/comm")"
"$THREADSCTL" -s "$ACT" --json status | jq -e '.accounts == 0' >/dev/null ||
    fail "second request"

# Stopping leaves the socket file: it belongs to whoever passed it.
stop_daemon
[ -S "$ACT" ] || fail "the daemon removed the socket it was passed"

# Two sockets: refused at start with a reason, exit 1.
rm -f "$ACT"
systemd-socket-activate -l "$ACT" -l "$T/second.sock" -E ASAN_OPTIONS \
    -E UBSAN_OPTIONS -E LSAN_OPTIONS \
    $THREADSD_WRAPPER "$THREADSD" -f -c "$CONF" 2>"$T/two.log" &
two=$!
wait_until 5 test -S "$ACT" || fail "systemd-socket-activate did not bind"
timeout 10 "$THREADSCTL" -s "$ACT" status >/dev/null 2>&1 &&
    fail "two sockets served"
rc=0; wait "$two" || rc=$?
[ "$rc" -eq 1 ] || fail "two sockets: exit $rc"
grep -q "systemd passed 2 sockets" "$T/two.log" || fail "$(cat "$T/two.log")"
echo "ok"
