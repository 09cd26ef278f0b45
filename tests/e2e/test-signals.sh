#!/bin/sh
# SIGHUP and `threadsctl reload` re-read the config and keep the old one
# when the new one is bad; SIGINT stops cleanly; a stale socket file is
# replaced; a second daemon on a live socket is refused.
. "$E2E_DIR/lib.sh"

# A stale socket file from a daemon that died is no obstacle.
start_fake
write_config
start_daemon
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
[ -S "$SOCK" ] || fail "no stale socket to test with"
start_daemon

# A second daemon on the same socket is refused, the first keeps going.
rc=0; "$THREADSD" -f -c "$CONF" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "second daemon: exit $rc"
grep -q "another threadsd" "$T/err" || fail "second: $(cat "$T/err")"
tctl status >/dev/null || fail "first daemon gone"

kill -HUP "$DAEMON_PID"
wait_until 5 grep -q "configuration reloaded" "$T/daemon.log" ||
    fail "SIGHUP: no reload"

cp "$CONF" "$T/good.conf"
write_config "[poll]" "interval = never" "histroy_retention = 1d"
rc=0; tctl reload 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "reload of a bad config: exit $rc"
grep -q "interval" "$T/err" || fail "reload error: $(cat "$T/err")"
# reload makes --check-config's check: every error, near misses named.
grep -q "histroy_retention: unknown key; did you mean 'history_retention'?" \
    "$T/err" || fail "reload: not every error: $(cat "$T/err")"
tctl status >/dev/null || fail "daemon died on a bad reload"
cp "$T/good.conf" "$CONF"
tctl reload | grep -q "configuration reloaded" || fail "reload"

kill -INT "$DAEMON_PID"
rc=0; wait "$DAEMON_PID" || rc=$?
DAEMON_PID=
[ "$rc" -eq 0 ] || fail "SIGINT: exit $rc"
[ ! -e "$SOCK" ] || fail "socket left after SIGINT"
grep -q "stopping" "$T/daemon.log" || fail "no stop message"
echo "ok"
