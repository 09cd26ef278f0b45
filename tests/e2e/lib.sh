# Shared by the end-to-end tests: a temporary directory with the fake
# Graph API and a real threadsd in it, driven through the real threadsctl.
# Tests source this, call setup, and use tctl / fake_admin / wait_until.
# Nothing here prints a token: tests that handle one keep it in a file.

set -eu

: "${THREADSD:?}" "${THREADSCTL:?}" "${FAKEGRAPH:?}"
THREADSD_WRAPPER=${THREADSD_WRAPPER:-}
# faketime preloads a library; the ASan runtime must not object to that.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# faketime_wrapper OFFSET: a THREADSD_WRAPPER that runs the daemon OFFSET
# ahead ("+8d").  It execs (unlike faketime(1), which forks), so signals
# reach the daemon itself.
faketime_wrapper() {
	_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
	[ -n "$_lib" ] || fail "libfaketime is not installed"
	echo "env LD_PRELOAD=$_lib FAKETIME=$1 FAKETIME_DONT_RESET=1"
}

T=$(mktemp -d "${TMPDIR:-/tmp}/threadsd-e2e.XXXXXX")
SOCK=$T/control.sock
CONF=$T/threadsd.conf
DAEMON_PID=
FAKE_PID=

# scope_refusals: fails when the fake refused any call of this test for a
# scope its token lacks (code 10).  Tokens hold the four scopes threadsd
# asks for, so a refusal means the daemon used a scope it does not
# request.  Run at every e2e test's end, so the whole suite is covered
# whatever runs in parallel.
scope_refusals() {
	[ -n "${FAKE_URL:-}" ] && [ -n "$FAKE_PID" ] &&
	    kill -0 "$FAKE_PID" 2>/dev/null || return 0
	_sr=$(curl -sS -f "$FAKE_URL/__admin/scope_refusals") || return 0
	[ "$(printf '%s' "$_sr" | jq .count)" = 0 ] && return 0
	echo "FAIL: calls refused for a missing scope: $_sr" >&2
	return 1
}

cleanup() {
	rc=$?
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	if [ "$rc" -eq 0 ] && ! scope_refusals; then
		rc=1
	fi
	if [ -n "$FAKE_PID" ] && kill -0 "$FAKE_PID" 2>/dev/null; then
		kill -TERM "$FAKE_PID" 2>/dev/null || true
		wait "$FAKE_PID" 2>/dev/null || true
	fi
	if [ "$rc" -ne 0 ]; then
		echo "--- daemon log"; cat "$T/daemon.log" 2>/dev/null || true
		echo "--- fake log"; cat "$T/fake.log" 2>/dev/null || true
	fi
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# wait_until SECONDS COMMAND...: a bounded poll, never a bare sleep.
wait_until() {
	_limit=$1
	shift
	_deadline=$(( $(date +%s%N) / 1000000 + ${_limit%s} * 1000 ))
	while ! "$@" >/dev/null 2>&1; do
		if [ $(( $(date +%s%N) / 1000000 )) -ge "$_deadline" ]; then
			return 1
		fi
		sleep 0.02
	done
}

tctl() {
	"$THREADSCTL" -s "$SOCK" "$@"
}

# state ID: a queued post's state; is_state ID STATE: whether it is that.
state() {
	tctl --json show-post "$1" | jq -r .state
}
is_state() {
	[ "$(state "$1")" = "$2" ]
}

start_fake() {
	printf 'e2e-app-secret\n' > "$T/app-secret"
	chmod 600 "$T/app-secret"
	"$FAKEGRAPH" -p 0 --port-file "$T/fake.port" \
	    --app-secret-file "$T/app-secret" 2>"$T/fake.log" &
	FAKE_PID=$!
	wait_until 10 test -s "$T/fake.port" || fail "fakegraph did not start"
	FAKE_URL=http://127.0.0.1:$(cat "$T/fake.port")
}

# fake_admin METHOD PATH: an admin call to the fake; prints its JSON.
fake_admin() {
	curl -sS -f -X "$1" "$FAKE_URL$2"
}

# utc_time SECONDS: that Unix time as threadsctl's --at takes it, in UTC.
utc_time() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

# connect_account USER [NAME [AGE]]: USER made on the fake (named NAME,
# else USER), a token of theirs AGE seconds old (an hour) kept in
# $T/USER.token, and the account added through that token on stdin.
connect_account() {
	fake_admin POST "/__admin/users?username=$1&name=${2:-$1}" >/dev/null
	fake_admin POST "/__admin/token?username=$1&age=${3:-3600}" |
	    jq -r .access_token > "$T/$1.token"
	tctl add-account --token-stdin < "$T/$1.token" >/dev/null ||
	    fail "connect $1"
}

# write_config [EXTRA-INI-LINES]: the test config, with extra lines
# appended verbatim (they may open new sections).
write_config() {
	cat > "$CONF" <<CONF
[api]
base_url = ${FAKE_URL:-http://127.0.0.1:9}
auth_url = ${FAKE_URL:-http://127.0.0.1:9}/oauth/authorize
app_id = 1000000000000001
app_secret_file = $T/app-secret
redirect_uri = https://localhost/threadsd/callback
timeout = 5s

[store]
path = $T/state
map_size = 64M

[control]
socket = $SOCK
CONF
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >> "$CONF"
	fi
}

# daemon_up: the daemon answers status, running (0) or degraded (4).
daemon_up() {
	_rc=0
	tctl status >/dev/null 2>&1 || _rc=$?
	[ "$_rc" -eq 0 ] || [ "$_rc" -eq 4 ]
}

start_daemon() {
	# shellcheck disable=SC2086
	$THREADSD_WRAPPER "$THREADSD" -f -c "$CONF" 2>>"$T/daemon.log" &
	DAEMON_PID=$!
	wait_until 30 daemon_up || fail "threadsd did not come up"
}

# stop_daemon: SIGTERM, and the daemon must exit 0 (under valgrind: no
# leak and no error, or it exits 99).
stop_daemon() {
	kill -TERM "$DAEMON_PID"
	_rc=0
	wait "$DAEMON_PID" || _rc=$?
	DAEMON_PID=
	[ "$_rc" -eq 0 ] || fail "threadsd exited with status $_rc"
}

setup() {
	start_fake
	write_config "$@"
	start_daemon
}
