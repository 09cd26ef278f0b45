#!/bin/sh
# Figure 1, the control plane: ping round trips per second through the
# Unix socket, 1 client (sequential) and 64 concurrent clients, next to
# redis-benchmark's PING against a redis-server on a Unix socket started
# here.  pingload (tests/bench/pingload.c) does what redis-benchmark does:
# one thread, the connections opened first, one request in flight per
# connection (-P 1), N replies in all.  Runs alternate between the two
# servers so that noise hits both; the figure is the ratio of the
# medians.  An info row points pingload itself at redis (RESP PING): the
# same client on both sides.  With two CPUs or more, the servers run on
# CPU 1 and the clients on CPU 0 (BENCH_PIN=0: no pinning).
#
#   tests/bench/bench-control.sh [--smoke] [BUILD_DIR]
BENCH_NAME=bench-control
[ "${1:-}" != --smoke ] || { BENCH_SMOKE=1; shift; }
[ -z "${1:-}" ] || BENCH_BUILD=$1
. "$(dirname "$0")/lib.sh"

GOAL=0.8
if [ -n "$BENCH_SMOKE" ]; then
	n1=2000
	n64=5000
else
	n1=${BENCH_PING_N1:-50000}
	n64=${BENCH_PING_N64:-200000}
fi

srv_pin=
cli_pin=
if [ "${BENCH_PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ]; then
	BENCH_CPU=1
	srv_pin="taskset -c 1"
	cli_pin="taskset -c 0"
fi

have_redis=
if command -v redis-server >/dev/null 2>&1 &&
    command -v redis-benchmark >/dev/null 2>&1 &&
    command -v redis-cli >/dev/null 2>&1; then
	have_redis=1
	$srv_pin redis-server --port 0 --unixsocket "$BT/redis.sock" \
	    --unixsocketperm 700 --save '' --appendonly no \
	    --daemonize no --logfile "$BT/redis.log" &
	BENCH_PIDS="$BENCH_PIDS $!"
	until_ok 10 sh -c "redis-cli -s '$BT/redis.sock' ping | grep -q PONG" ||
	    bench_fail "redis-server did not start: $(cat "$BT/redis.log")"
fi

write_conf "$BT/threadsd.conf" "$BT/state" "$BT/control.sock"
start_daemon "$BT/threadsd.conf"

# rps_threadsd CLIENTS N / rps_redis CLIENTS N / rps_redis_pl CLIENTS N
rps_threadsd() {
	$cli_pin "$PINGLOAD" -c "$1" -n "$2" "$BT/control.sock" |
	    awk '{ print $1 }'
}
rps_redis() {
	$cli_pin redis-benchmark -s "$BT/redis.sock" -t ping_mbulk -P 1 \
	    -c "$1" -n "$2" --csv | awk -F'"' '/PING_MBULK/ { print $4 }'
}
rps_redis_pl() {
	$cli_pin "$PINGLOAD" -r -c "$1" -n "$2" "$BT/redis.sock" |
	    awk '{ print $1 }'
}

for c in 1 64; do
	[ "$c" = 1 ] && n=$n1 || n=$n64
	td=
	rb=
	rp=
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		td="$td $(rps_threadsd "$c" "$n")"
		if [ -n "$have_redis" ]; then
			rb="$rb $(rps_redis "$c" "$n")"
			rp="$rp $(rps_redis_pl "$c" "$n")"
		fi
		i=$((i + 1))
	done
	bench_note "$c client(s), $n pings a run: threadsd$td;" \
	    "redis-benchmark${rb:- -}; pingload on redis${rp:- -}"
	td_m=$(median $td)
	[ -n "$td_m" ] || bench_fail "pingload printed nothing"
	if [ -z "$have_redis" ]; then
		figure "control.ping_${c}client" \
		    "$(calc %.0f "$td_m") req/s; redis not installed" \
		    ">= ${GOAL}x redis" skip
		continue
	fi
	rb_m=$(median $rb)
	rp_m=$(median $rp)
	ratio=$(calc %.2f "$td_m / $rb_m")
	figure "control.ping_${c}client" \
	    "$(calc %.0f "$td_m") vs redis-benchmark $(calc %.0f "$rb_m") req/s = ${ratio}x" \
	    ">= ${GOAL}x redis" "$(judge "$ratio" '>=' "$GOAL")"
	figure "control.ping_${c}client_same_client" \
	    "$(calc %.0f "$td_m") vs pingload on redis $(calc %.0f "$rp_m") req/s = $(calc %.2f "$td_m / $rp_m")x" \
	    "-" info
done
stop_daemon
