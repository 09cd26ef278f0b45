#!/bin/sh
# Figure 5, polling: N accounts (10,000) polled in one round by a real
# threadsd against fakegraph, next to wrk sending the same three requests
# (/me, threads_insights, /me/threads) to the same fake over as many
# connections, in the same run.  Each run seeds a fresh store and fake
# (bench-seed), starts the daemon (every account is due at once), waits
# for its "polled N accounts in S s" line, counts the requests the fake
# saw, then runs wrk.  Quoted: the median ratio of the daemon's requests
# per second to wrk's (goal >= 0.8), the daemon's CPU time for the round
# per 30,000 requests (goal <= 1 s), the connections it opened for the
# round (its own count, from curl: each is a TLS handshake with Meta) and
# its peak RSS (VmHWM).  With two CPUs or more the fake runs on CPU 0
# and the daemon, then wrk, on CPU 1 (BENCH_PIN=0: no pinning).
#
#   tests/bench/bench-poll.sh [--smoke] [BUILD_DIR]   (run.sh runs it so)
#
# Then one round of ten times the accounts (100,000; not in --smoke,
# BENCH_POLL_HUGE=0 leaves it out): its time and CPU per account next to
# the 10,000 round's, which must stay the same (linear growth).
#
# Environment, besides run.sh's: BENCH_ACCOUNTS (10000; smoke 200),
# BENCH_CONNECTIONS ([api] max_connections, 64: the poller uses three
# quarters of them, and wrk gets as many), BENCH_WRK_SECONDS (5; smoke 1),
# BENCH_WRAPPER (a command the daemon runs under: "perf record -g").
set -eu

BENCH_NAME=poll
if [ "${1:-}" = --smoke ]; then
	BENCH_SMOKE=1
	shift
fi
[ $# -eq 0 ] || BENCH_BUILD=$(cd "$1" && pwd)
BENCH_SEED=${BENCH_SEED:-${BENCH_BUILD:-$(dirname "$0")/../../build-bench}/tests/bench-seed}
. "$(dirname "$0")/lib.sh"

n=${BENCH_ACCOUNTS:-10000}
wrk_secs=${BENCH_WRK_SECONDS:-5}
if [ -n "$BENCH_SMOKE" ]; then
	n=${BENCH_ACCOUNTS:-200}
	wrk_secs=1
fi
conns=${BENCH_CONNECTIONS:-64}
poll_conns=$(( conns > 4 ? conns - conns / 4 : conns ))
if [ -z "$BENCH_SMOKE" ] && ! command -v wrk >/dev/null 2>&1; then
	. "$BENCH_TOP/tests/deps.sh"
	threadsd_install_deps wrk
fi
fake_pin=
srv_pin=
if [ "${BENCH_PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ]; then
	fake_pin="taskset -c 0"
	srv_pin="taskset -c 1"
fi

# cpu_ticks PID: a process's user + system time, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# seq_now: the fake's request counter (no entry matches the path).
seq_now() {
	curl -sS "$B/__admin/requests?path=/__none" | jq -r .next
}

# one_run I: a fresh fake, store and daemon; one round, then wrk.
one_run() {
	_d=$BT/run$1
	mkdir -p "$_d"
	$fake_pin "$FAKEGRAPH" -p 0 --port-file "$_d/fake.port" \
	    2>"$_d/fake.log" &
	_fpid=$!
	BENCH_PIDS="$BENCH_PIDS $_fpid"
	until_ok 10 test -s "$_d/fake.port" || bench_fail "fakegraph did not start"
	B=http://127.0.0.1:$(cat "$_d/fake.port")

	printf 'bench-app-secret\n' > "$_d/app-secret"
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$_d/token.key"
	chmod 600 "$_d/app-secret" "$_d/token.key"
	mkdir -m 700 "$_d/state"
	"$BENCH_SEED" "$B" "$_d/state" "$_d/token.key" "$n" \
	    3>"$_d/wrk.token" || bench_fail "seeding failed"
	cat > "$_d/threadsd.conf" <<CONF
[api]
base_url = $B
app_id = 1000000000000001
app_secret_file = $_d/app-secret
max_connections = $conns
timeout = 30s

[store]
path = $_d/state
map_size = 1G

[control]
socket = $_d/control.sock

[poll]
interval = 1d

[tokens]
key_file = $_d/token.key
CONF

	_before=$(seq_now)
	_fcpu0=$(cpu_ticks "$_fpid")
	# shellcheck disable=SC2086
	$srv_pin ${BENCH_WRAPPER:-} "$THREADSD" -f -c "$_d/threadsd.conf" \
	    2>"$_d/daemon.log" &
	DAEMON_PID=$!
	until_ok 30 "$THREADSCTL" -s "$_d/control.sock" status ||
	    bench_fail "threadsd did not come up"
	_rss0=$(proc_kb "$DAEMON_PID" VmRSS)
	_limit=$(( n / 50 + 60 ))
	until_ok_every 0.5 "$_limit" \
	    grep -q "poller: polled [0-9]* accounts in" \
	    "$_d/daemon.log" || bench_fail "no round within $_limit s"
	_hwm=$(proc_kb "$DAEMON_PID" VmHWM)
	_cpu=$(awk -v hz="$(getconf CLK_TCK)" \
	    '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$DAEMON_PID/stat")
	_usys=$(awk -v hz="$(getconf CLK_TCK)" \
	    '{ printf "user %.2f, system %.2f", $14 / hz, $15 / hz }' \
	    "/proc/$DAEMON_PID/stat")
	_reqs=$(( $(seq_now) - _before ))
	_fcpu=$(( $(cpu_ticks "$_fpid") - _fcpu0 ))
	_line=$(grep "poller: polled [0-9]* accounts in" "$_d/daemon.log")
	_polled=$(echo "$_line" | sed 's/.*polled \([0-9]*\) accounts.*/\1/')
	_secs=$(echo "$_line" | sed 's/.* in \([0-9.]*\) s .*/\1/')
	_failed=$(echo "$_line" | sed 's/.*(\([0-9]*\) failed).*/\1/')
	_conns=$(echo "$_line" | sed -n 's/.*, \([0-9]*\) new connections*$/\1/p')
	[ "$_polled" -ge "$n" ] || bench_fail "a round of $_polled, not $n"
	[ "$_failed" -eq 0 ] || bench_fail "$_failed polls failed: $_line"
	[ "$_reqs" -ge $((3 * n)) ] ||
	    bench_fail "only $_reqs requests for $n accounts"
	# Every account shows its poll; past 20,000 accounts the metrics
	# reply outgrows the protocol's 64 MiB, and the round's own count
	# and the fake's requests (above) are the check.
	if [ "$n" -le 20000 ]; then
		"$THREADSCTL" -s "$_d/control.sock" metrics |
		    grep -c '^threadsd_account_last_poll_timestamp_seconds' \
		    > "$_d/polled" || true
		[ "$(cat "$_d/polled")" -eq "$n" ] ||
		    bench_fail "$(cat "$_d/polled") of $n accounts show a poll"
	fi
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || bench_fail "threadsd exited with status $?"
	DAEMON_PID=

	# wrk: the same requests, round robin, as many connections.
	_uid=$(curl -sS "$B/__admin/users" | jq -r '.users[0].user_id')
	cat > "$_d/wrk.lua" <<LUA
local paths = {
  "/v1.0/me?fields=id,username,name,threads_profile_picture_url",
  "/v1.0/$_uid/threads_insights?metric=views%2Clikes%2Creplies%2Creposts%2Cquotes%2Cclicks%2Cfollowers_count",
  "/v1.0/me/threads?fields=id,timestamp&limit=100",
}
local i = 0
wrk.headers["Authorization"] = "Bearer $(cat "$_d/wrk.token")"
request = function()
  i = i % 3 + 1
  return wrk.format("GET", paths[i])
end
LUA
	_wrk=-
	_wfcpu=-
	if command -v wrk >/dev/null 2>&1; then
		_wfcpu0=$(cpu_ticks "$_fpid")
		$srv_pin wrk -t1 -c"$poll_conns" -d"${wrk_secs}s" \
		    -s "$_d/wrk.lua" "$B" > "$_d/wrk.out" 2>&1 ||
		    bench_fail "wrk: $(cat "$_d/wrk.out")"
		! grep -q "Non-2xx" "$_d/wrk.out" ||
		    bench_fail "wrk got errors: $(cat "$_d/wrk.out")"
		_wrk=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' \
		    "$_d/wrk.out")
		_wfcpu=$(calc %.1f "($(cpu_ticks "$_fpid") - $_wfcpu0) * 100 / $(getconf CLK_TCK) / $wrk_secs")
	fi
	kill -TERM "$_fpid"
	wait "$_fpid" || true
	BENCH_PIDS=$(echo "$BENCH_PIDS" | sed "s/ $_fpid//")

	_rps=$(calc %.0f "$_reqs / $_secs")
	_ratio=-
	[ "$_wrk" = - ] || _ratio=$(calc %.2f "$_rps / $_wrk")
	echo "run $1: $n accounts, $_reqs requests in $_secs s: $_rps req/s;" \
	    "wrk $_wrk req/s; ratio $_ratio; CPU $_cpu s ($_usys);" \
	    "${_conns:-?} connections; RSS $_rss0 KiB at start, $_hwm KiB peak;" \
	    "the fake busy $(calc %.1f "$_fcpu * 100 / $(getconf CLK_TCK) / $_secs")% of the round, $_wfcpu% of wrk's run"
	rps_all="$rps_all $_rps"
	wrk_all="$wrk_all $_wrk"
	ratio_all="$ratio_all $_ratio"
	cpu_all="$cpu_all $_cpu"
	cpu30k_all="$cpu30k_all $(calc %.2f "$_cpu * 30000 / $_reqs")"
	conns_all="$conns_all ${_conns:--1}"
	hwm_all="$hwm_all $_hwm"
	secs_all="$secs_all $_secs"
	reqs=$_reqs
	rm -rf "$_d"
}

rps_all= wrk_all= ratio_all= cpu_all= cpu30k_all= conns_all= hwm_all=
secs_all= reqs=0
i=1
while [ "$i" -le "$BENCH_RUNS" ]; do
	one_run "$i"
	i=$((i + 1))
done

# shellcheck disable=SC2086
rps=$(median $rps_all)
# shellcheck disable=SC2086
cpu=$(median $cpu_all)
# shellcheck disable=SC2086
cpu30k=$(median $cpu30k_all)
# shellcheck disable=SC2086
conns=$(median $conns_all)
# shellcheck disable=SC2086
hwm=$(median $hwm_all)
# shellcheck disable=SC2086
secs=$(median $secs_all)
if command -v wrk >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	ratio=$(median $ratio_all)
	# shellcheck disable=SC2086
	wrk=$(median $wrk_all)
	v="${ratio}x wrk: $rps vs $wrk req/s ($n accounts, $reqs requests,"
	v="$v round $secs s, $poll_conns connections)"
	figure poll.rps "$v" ">= 0.8x wrk" "$(judge "$ratio" '>=' 0.8)"
else
	figure poll.rps "wrk is not installed: $rps req/s ($n accounts)" \
	    ">= 0.8x wrk" skip
fi
v="$cpu30k s of CPU per 30,000 requests ($cpu s for the round,"
v="$v $(calc %.0f "$reqs / $cpu") requests per CPU second)"
figure poll.cpu "$v" "<= 1 s" "$(judge "$cpu30k" '<=' 1)"
if [ "$conns" -ge 0 ]; then
	figure poll.connections "$conns connections opened for $reqs requests" \
	    "<= $poll_conns (one per poll in flight)" \
	    "$(judge "$conns" '<=' "$poll_conns")"
else
	figure poll.connections "the daemon did not say" - skip
fi
figure poll.rss "$(mb "$hwm") MiB peak (VmHWM) over the round" - info

# How a round grows: one round of ten times the accounts.
[ -z "$BENCH_SMOKE" ] && [ "${BENCH_POLL_HUGE:-1}" != 0 ] || exit 0
n0=$n
n=$((n0 * 10))
_cpu=
one_run huge
# one_run left this run's figures in _secs, _cpu and _reqs.
t_ratio=$(calc %.2f "($_secs / $n) / ($secs / $n0)")
c_ratio=$(calc %.2f "($_cpu / $n) / ($cpu / $n0)")
worst=$(awk -v a="$t_ratio" -v b="$c_ratio" 'BEGIN { print (a > b ? a : b) }')
figure poll.scale "$n accounts: round $_secs s, CPU $_cpu s ($_reqs requests) = ${t_ratio}x and ${c_ratio}x the $n0 round's per account (round $secs s, CPU $cpu s)" \
    "<= 1.25x per account (linear)" "$(judge "$worst" '<=' 1.25)"
