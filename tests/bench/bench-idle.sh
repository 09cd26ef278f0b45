#!/bin/sh
# Figure 4, idle cost: a daemon with nothing to do (an empty store, no
# client).  Memory is VmRSS after a settling second; wakeups are counted
# with `strace -f -c` attached for a window (10 s; smoke 1 s): every
# return from epoll_wait is one wakeup (attaching itself interrupts the
# wait in progress, which may add one).  An info row counts the
# daemon's context switches (/proc/PID/status) over the same length of
# window without strace, and another gives the private (RssAnon) part
# and PSS of the memory.  Each run is a fresh daemon.
#
#   tests/bench/bench-idle.sh [--smoke] [BUILD_DIR]
BENCH_NAME=bench-idle
[ "${1:-}" != --smoke ] || { BENCH_SMOKE=1; shift; }
[ -z "${1:-}" ] || BENCH_BUILD=$1
. "$(dirname "$0")/lib.sh"

GOAL_MB=8
GOAL_WAKE=1
window=${BENCH_IDLE_SECONDS:-10}
[ -z "$BENCH_SMOKE" ] || window=1
command -v strace >/dev/null 2>&1 || bench_fail "strace is not installed"

ctxt() {
	awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n }' \
	    "/proc/$1/status"
}

write_conf "$BT/threadsd.conf" "$BT/state" "$BT/control.sock"
rss=
anon=
pss=
wake=
sw=
i=0
while [ "$i" -lt "$BENCH_RUNS" ]; do
	start_daemon "$BT/threadsd.conf"
	sleep 1
	rss="$rss $(proc_kb "$DAEMON_PID" VmRSS)"
	anon="$anon $(proc_kb "$DAEMON_PID" RssAnon)"
	pss="$pss $(awk '$1 == "Pss:" { print $2 }' \
	    "/proc/$DAEMON_PID/smaps_rollup")"
	timeout -s INT "$window" strace -f -c -o "$BT/strace.out" \
	    -p "$DAEMON_PID" 2>/dev/null || true
	n=$(awk '$NF == "epoll_wait" { print $4 }' "$BT/strace.out")
	wake="$wake $(calc %.2f "${n:-0} / $window")"
	c0=$(ctxt "$DAEMON_PID")
	sleep "$window"
	c1=$(ctxt "$DAEMON_PID")
	sw="$sw $(calc %.2f "($c1 - $c0) / $window")"
	stop_daemon
	i=$((i + 1))
done
bench_note "VmRSS KiB$rss; RssAnon KiB$anon; PSS KiB$pss;" \
    "epoll_wait/s$wake; context switches/s$sw (windows of $window s)"
rss_m=$(median $rss)
wake_m=$(median $wake)
figure idle.rss "$(mb "$rss_m") MiB (VmRSS, empty store)" "<= $GOAL_MB MB" \
    "$(judge "$rss_m" '<=' $((GOAL_MB * 1024)))"
figure idle.rss_private \
    "$(mb "$(median $anon)") MiB private (RssAnon), PSS $(mb "$(median $pss)") MiB; the rest is shared library pages" \
    "-" info
figure idle.wakeups "$wake_m/s (epoll_wait returns, strace -f -c, $window s)" \
    "<= $GOAL_WAKE/s" "$(judge "$wake_m" '<=' "$GOAL_WAKE")"
figure idle.context_switches \
    "$(median $sw)/s (/proc/PID/status, $window s, no strace)" "-" info
