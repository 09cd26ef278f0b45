#!/bin/sh
# What threadsd tells systemd, read from a NOTIFY_SOCKET of our own (no
# PID 1 needed): READY=1 once it answers, STATUS= kept current, RELOADING=1
# then READY=1 around SIGHUP, WATCHDOG=1 pings from the loop that stop
# while the loop is stopped, and STOPPING=1 on the way out.  Every message
# must come from the daemon's own pid.
. "$E2E_DIR/lib.sh"
: "${NOTIFY_RECV:?}"

NLOG=$T/notify.log
"$NOTIFY_RECV" "$T/notify.sock" "$NLOG" &
RECV_PID=$!
trap 'rc=$?; set +e; kill "$RECV_PID" 2>/dev/null; (exit $rc); cleanup' EXIT
wait_until 5 test -S "$T/notify.sock" || fail "notify-recv did not start"

# The daemon with its watchdog on: WATCHDOG_PID must be its own pid,
# which an exec keeps.
cat > "$T/wd-wrap" <<'EOF'
#!/bin/sh
WATCHDOG_PID=$$ WATCHDOG_USEC=200000 exec "$@"
EOF
chmod +x "$T/wd-wrap"
export NOTIFY_SOCKET="$T/notify.sock"
THREADSD_WRAPPER="$THREADSD_WRAPPER $T/wd-wrap"
setup
unset NOTIFY_SOCKET

# notified VALUE: the daemon sent the assignment VALUE.
notified() {
	grep -qx "$DAEMON_PID $1" "$NLOG"
}
# status_is LINE: the last STATUS= it sent is LINE.
status_is() {
	[ "$(sed -n "s/^$DAEMON_PID STATUS=//p" "$NLOG" | tail -1)" = "$1" ]
}

wait_until 5 notified READY=1 || fail "no READY=1: $(cat "$NLOG")"
wait_until 5 status_is "0 accounts, 0 posts queued" ||
    fail "STATUS at start: $(grep STATUS "$NLOG")"
if grep -v "^$DAEMON_PID " "$NLOG" | grep -q .; then
	fail "a message from another pid: $(grep -v "^$DAEMON_PID " "$NLOG")"
fi

# STATUS= follows an account change at once, not at the next check.
fake_admin POST "/__admin/users?username=alice&name=Alice" >/dev/null
fake_admin POST "/__admin/token?username=alice" | jq -r .access_token |
    tctl add-account --token-stdin >/dev/null || fail "add-account"
wait_until 2 status_is "1 account, 0 posts queued" ||
    fail "STATUS after add-account: $(grep STATUS "$NLOG" | tail -1)"
# Sent once per change, not at every check.
n=$(grep -c "^$DAEMON_PID STATUS=1 account," "$NLOG")
[ "$n" -eq 1 ] || fail "STATUS=1 account sent $n times"

# SIGHUP: RELOADING=1 (with MONOTONIC_USEC), then READY=1, in that order.
before=$(wc -l < "$NLOG")
kill -HUP "$DAEMON_PID"
wait_until 5 sh -c "tail -n +$((before + 1)) '$NLOG' | grep -qx '$DAEMON_PID READY=1'" ||
    fail "no READY=1 after SIGHUP"
tail -n +$((before + 1)) "$NLOG" | grep -v WATCHDOG=1 |
    grep -v -- ' --$' > "$T/reload"
sed -n 1p "$T/reload" | grep -qx "$DAEMON_PID RELOADING=1" ||
    fail "reload: $(cat "$T/reload")"
sed -n 2p "$T/reload" | grep -q "^$DAEMON_PID MONOTONIC_USEC=[0-9]\{4,\}$" ||
    fail "reload without MONOTONIC_USEC: $(cat "$T/reload")"
sed -n 3p "$T/reload" | grep -qx "$DAEMON_PID READY=1" ||
    fail "reload: $(cat "$T/reload")"

# Watchdog: a ping every 100 ms while the loop runs, none while it is
# stopped (SIGSTOP), and again after SIGCONT.
pings() {
	grep -c "^$DAEMON_PID WATCHDOG=1$" "$NLOG" || true
}
p0=$(pings)
wait_until 3 sh -c "[ \$(grep -c '^$DAEMON_PID WATCHDOG=1$' '$NLOG') -ge $((p0 + 5)) ]" ||
    fail "fewer than 5 watchdog pings in 3 s"
kill -STOP "$DAEMON_PID"
sleep 0.3	# let a ping already in flight arrive
p1=$(pings)
sleep 0.5	# five ping periods with the loop stopped
p2=$(pings)
kill -CONT "$DAEMON_PID"
[ "$p2" -eq "$p1" ] || fail "$((p2 - p1)) pings while the loop was stopped"
wait_until 3 sh -c "[ \$(grep -c '^$DAEMON_PID WATCHDOG=1$' '$NLOG') -gt $p2 ]" ||
    fail "no ping after SIGCONT"

# SIGTERM: STOPPING=1, and a clean exit.
pid=$DAEMON_PID
stop_daemon
grep -qx "$pid STOPPING=1" "$NLOG" || fail "no STOPPING=1"
echo "ok"
