# Shared by the benchmark scripts in tests/bench: where the binaries are,
# a temporary directory cleaned up on exit, starting and stopping a
# threadsd of our own, medians, and the FIGURE line every script prints
# (the convention is in tests/bench/README).  Scripts source this after
# setting BENCH_NAME; run.sh exports the environment it reads.
#
# Environment (run.sh sets it; meson's bench-smoke test too):
#   BENCH_BUILD   the build directory (default: build-bench)
#   BENCH_SMOKE   1: seconds and small sizes, goals not judged
#   BENCH_RUNS    runs per figure, of which the median is quoted
#   THREADSD THREADSCTL FAKEGRAPH PINGLOAD STOREGEN READYPROBE
#                 the binaries (default: under BENCH_BUILD)

set -eu

BENCH_HERE=$(cd "$(dirname "$0")" && pwd)
BENCH_TOP=$(cd "$BENCH_HERE/../.." && pwd)
BENCH_BUILD=${BENCH_BUILD:-$BENCH_TOP/build-bench}
BENCH_SMOKE=${BENCH_SMOKE:-}
if [ -n "$BENCH_SMOKE" ]; then
	BENCH_RUNS=${BENCH_RUNS:-3}
else
	BENCH_RUNS=${BENCH_RUNS:-5}
fi
THREADSD=${THREADSD:-$BENCH_BUILD/daemon/threadsd}
THREADSCTL=${THREADSCTL:-$BENCH_BUILD/ctl/threadsctl}
FAKEGRAPH=${FAKEGRAPH:-$BENCH_BUILD/tests/fakegraph/fakegraph}
PINGLOAD=${PINGLOAD:-$BENCH_BUILD/tests/bench/pingload}
STOREGEN=${STOREGEN:-$BENCH_BUILD/tests/bench/storegen}
READYPROBE=${READYPROBE:-$BENCH_BUILD/tests/bench/readyprobe}

BT=$(mktemp -d "${TMPDIR:-/tmp}/threadsd-bench.XXXXXX")
# What we started: our daemon (and its readyprobe), and other servers a
# script adds to BENCH_PIDS.  SIGTERM to each at exit, then wait.
DAEMON_PID=
PROBE_PID=
BENCH_PIDS=

bench_cleanup() {
	_rc=$?
	for _p in $DAEMON_PID $BENCH_PIDS; do
		kill -TERM "$_p" 2>/dev/null || true
	done
	for _p in $PROBE_PID $BENCH_PIDS; do
		wait "$_p" 2>/dev/null || true
	done
	if [ "$_rc" -ne 0 ] && [ -f "$BT/daemon.log" ]; then
		echo "--- daemon log (last lines)" >&2
		tail -20 "$BT/daemon.log" >&2 || true
	fi
	rm -rf "$BT"
	exit "$_rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

bench_fail() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

# bench_note TEXT: a line for the log, not the table.
bench_note() {
	echo "$BENCH_NAME: $*" >&2
}

# figure NAME VALUE GOAL STATUS: one row of run.sh's table.  STATUS is
# ok, miss, info (no goal) or skip (VALUE says why).  In smoke mode the
# sizes are too small for a goal to mean anything: ok/miss become "smoke".
figure() {
	_st=$4
	if [ -n "$BENCH_SMOKE" ] && { [ "$_st" = ok ] || [ "$_st" = miss ]; }
	then
		_st=smoke
	fi
	printf 'FIGURE %s | %s | %s | %s\n' "$1" "$2" "$3" "$_st"
}

# median N...: the middle value (the upper middle of an even count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
	    END { print v[int(NR / 2) + 1] }'
}

# calc FORMAT EXPR: floating-point arithmetic through awk ("%.1f" ...).
calc() {
	awk "BEGIN { printf \"$1\", $2 }" </dev/null
}

# judge VALUE OP LIMIT: ok or miss (OP is <= or >=).
judge() {
	if awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
	    exit !((op == "<=" && v <= l) || (op == ">=" && v >= l)) }'
	then
		echo ok
	else
		echo miss
	fi
}

# until_ok SECONDS COMMAND...: a bounded poll, never a bare sleep.
until_ok() {
	until_ok_every 0.02 "$@"
}

# until_ok_every STEP SECONDS COMMAND...: the same, trying every STEP
# seconds.  While something is being measured, a check every 20 ms is
# three processes started (the command, date, sleep) 50 times a second
# on the measured machine's two CPUs: wait for the end of a measurement
# with a longer step, and take its figures from the program's own
# account of it, not from when the wait noticed.
until_ok_every() {
	_step=$1
	_end=$(( $(date +%s) + $2 ))
	shift 2
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep "$_step"
	done
}

# write_conf FILE STATE SOCKET [EXTRA-LINES]: a daemon config with no
# reachable API (nothing in the benchmarks calls it) and a big map.
write_conf() {
	_f=$1
	_state=$2
	_sock=$3
	shift 3
	cat > "$_f" <<CONF
[api]
base_url = http://127.0.0.1:9
app_id = 1000000000000001
redirect_uri = https://localhost/threadsd/callback

[store]
path = $_state
map_size = 8G

[control]
socket = $_sock
max_clients = 100
CONF
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >> "$_f"
	fi
}

# start_daemon CONF: runs threadsd under readyprobe, waits for READY=1,
# and sets DAEMON_PID, READY_MS (exec to READY=1) and READY_RSS (KiB).
# A non-empty BENCH_CPU pins the daemon to that CPU.
start_daemon() {
	_pin=
	[ -z "${BENCH_CPU:-}" ] || _pin="taskset -c $BENCH_CPU"
	: > "$BT/ready.out"
	$_pin "$READYPROBE" "$THREADSD" -f -c "$1" \
	    >"$BT/ready.out" 2>>"$BT/daemon.log" &
	PROBE_PID=$!
	until_ok 40 grep -q -E '^(READY|FAILED)' "$BT/ready.out" ||
	    bench_fail "threadsd did not start"
	grep -q '^READY' "$BT/ready.out" || bench_fail "threadsd did not start"
	set -- $(cat "$BT/ready.out")
	READY_MS=$2
	DAEMON_PID=$3
	READY_RSS=$4
}

# stop_daemon: SIGTERM; the daemon must exit 0.
stop_daemon() {
	kill -TERM "$DAEMON_PID"
	_rc=0
	wait "$PROBE_PID" || _rc=$?
	DAEMON_PID=
	PROBE_PID=
	[ "$_rc" -eq 0 ] || bench_fail "threadsd exited with status $_rc"
}

# proc_kb PID FIELD: VmRSS, VmHWM... of a process, in KiB.
proc_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# mb KIB: KiB as MiB with one decimal.
mb() {
	calc %.1f "$1 / 1024"
}

# What the large store's snapshots hold: every metric, so its daemons
# collect them all (write_conf ... $STORE_METRICS); with fewer, the first
# thing a daemon does is a strip walk over every snapshot.
STORE_METRICS='[poll]
metrics = followers_count views likes replies reposts quotes clicks'

# Sizes of the large store (figures 3 and 6): 10,000 accounts, 1,000,000
# queued posts, 1,000,000 metric snapshots; smoke: a few thousand.
if [ -n "$BENCH_SMOKE" ]; then
	STORE_ACCOUNTS=100
	STORE_POSTS=2000
	STORE_SNAPSHOTS=2000
else
	STORE_ACCOUNTS=${BENCH_STORE_ACCOUNTS:-10000}
	STORE_POSTS=${BENCH_STORE_POSTS:-1000000}
	STORE_SNAPSHOTS=${BENCH_STORE_SNAPSHOTS:-1000000}
fi

# The large stores' daemons poll once a day: storegen marks every
# account polled when it runs, so a store younger than half a day has
# nothing due (write_conf ... $STORE_METRICS "$STORE_POLL").
STORE_POLL='interval = 1d'

# big_store DIR: copies the large store to DIR, generating it first into
# BENCH_CACHE (kept between runs, keyed by the sizes, storegen's own
# checksum, so a change in formats makes a new one, and the half day, so
# that its accounts are never due: STORE_POLL).  Sets STORE_MB and
# STORE_GEN (what storegen said when it made it).
big_store() {
	_cache=${BENCH_CACHE:-$BENCH_BUILD/bench-cache}
	_sum=$(cksum < "$STOREGEN" | cut -c1-10 | tr -d ' ')
	_c=$_cache/store-$STORE_ACCOUNTS-$STORE_POSTS-$STORE_SNAPSHOTS-$_sum
	_c=$_c-$(date -u +%Y%m%d%p)
	# Older ones (another half day, another generator) go.
	for _old in "$_cache"/store-$STORE_ACCOUNTS-$STORE_POSTS-$STORE_SNAPSHOTS-*
	do
		[ "$_old" = "$_c" ] || [ ! -d "$_old" ] || rm -rf "$_old"
	done
	if [ ! -f "$_c/done" ]; then
		mkdir -p "$_cache"
		rm -rf "$_c.tmp"
		"$STOREGEN" "$_c.tmp" "$STORE_ACCOUNTS" "$STORE_POSTS" \
		    "$STORE_SNAPSHOTS" > "$_c.tmp.out" ||
		    bench_fail "storegen failed"
		mv "$_c.tmp.out" "$_c.tmp/done"
		rm -rf "$_c"
		mv "$_c.tmp" "$_c"
	fi
	STORE_GEN=$(cat "$_c/done")
	rm -rf "$1"
	cp -r "$_c" "$1"
	rm -f "$1/done"
	STORE_MB=$(calc %.0f "$(stat -c %s "$1/data.mdb") / 1048576")
}
