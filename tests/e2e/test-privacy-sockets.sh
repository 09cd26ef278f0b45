#!/bin/sh
# PRIVACY.md: "threadsd connects to nothing but the configured Graph
# API and the hosts of the media you post."  The daemon runs a full run
# under strace; every connect(), sendto() and sendmsg() it made must go
# to the fake (the Graph API and the media host here), or be its own
# control socket's peers.  No DNS: no datagram or connection to port 53,
# no resolver socket (nscd, systemd-resolved).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/privacy-lib.sh"

command -v strace >/dev/null || { echo "strace is not installed"; exit 77; }
strace -f -qq -e trace=none true 2>/dev/null ||
    { echo "strace cannot trace here"; exit 77; }

# LeakSanitizer cannot run under ptrace (the ASan build): leaks are
# checked by every other test.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
start_fake
write_config "[poll]" "interval = 1d"
THREADSD_WRAPPER="strace -f -qq -e trace=connect,sendto,sendmsg -o $T/strace.out" \
    start_daemon
pv_full_run
# strace's child is the daemon: stop it, and strace follows.
daemon=$(pgrep -P "$DAEMON_PID" -x threadsd) || fail "no daemon under strace"
kill -TERM "$daemon"
wait "$DAEMON_PID" || fail "threadsd under strace: status $?"
DAEMON_PID=

port=${FAKE_URL##*:}
[ -s "$T/strace.out" ] || fail "strace saw nothing"
grep -q "htons($port)" "$T/strace.out" || fail "strace did not see the fake"
# Each traced call names an address; all must be the fake's.
grep -E 'connect\(|sendto\(|sendmsg\(' "$T/strace.out" |
    grep -E 'sa_family=AF_INET6?' > "$T/inet" || true
bad=$(grep -v "sin_port=htons($port), sin_addr=inet_addr(\"127.0.0.1\")" \
    "$T/inet" || true)
[ -z "$bad" ] || fail "contacted another address: $bad"
grep -q 'htons(53)' "$T/strace.out" && fail "a DNS query: $(grep 'htons(53)' "$T/strace.out")"
grep -E 'AF_UNIX|AF_LOCAL' "$T/strace.out" |
    grep -Ev "sun_path=\"$T/" > "$T/unix" || true
[ -s "$T/unix" ] && fail "a local socket outside the test: $(cat "$T/unix")"
grep -E 'AF_NETLINK' "$T/strace.out" | grep -v NETLINK_ROUTE && fail "netlink"
echo "ok"
