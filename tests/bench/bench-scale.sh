#!/bin/sh
# Figure 3, scale: time from exec to READY=1 (readyprobe stands in for
# systemd's NOTIFY_SOCKET) and memory, with an empty store and with
# 10,000 accounts, 1,000,000 queued posts and 1,000,000 metric snapshots
# (storegen writes them directly, in the daemon's formats).  Each run is
# a restart on a warm page cache; the first start on each store, which
# creates or checks it, is not counted.  Memory is the peak resident set
# (VmHWM) after READY=1, a settling second in which the owners' first
# timers fire, and a `status` request.  Then the same with 100,000
# accounts, 10,000,000 queued posts and 10,000,000 snapshots (not in
# --smoke; BENCH_HUGE=0 leaves it out): startup and memory must not grow
# with the store.
#
#   tests/bench/bench-scale.sh [--smoke] [BUILD_DIR]
BENCH_NAME=bench-scale
[ "${1:-}" != --smoke ] || { BENCH_SMOKE=1; shift; }
[ -z "${1:-}" ] || BENCH_BUILD=$1
. "$(dirname "$0")/lib.sh"

GOAL_MS=100
GOAL_MB=32
settle=1
[ -z "$BENCH_SMOKE" ] || settle=0.2

# measure CONF: RUNS restarts; sets MS (median ms), KB (median peak
# KiB), ANON (median KiB of private memory, RssAnon, at the end) and
# FILE (median KiB of mapped files resident, RssFile: store and libraries).
measure() {
	start_daemon "$1"
	stop_daemon
	_ms=
	_kb=
	_anon=
	_file=
	_i=0
	while [ "$_i" -lt "$BENCH_RUNS" ]; do
		start_daemon "$1"
		sleep "$settle"
		"$THREADSCTL" -s "$BT/control.sock" --json status > "$BT/status"
		_ms="$_ms $READY_MS"
		_kb="$_kb $(proc_kb "$DAEMON_PID" VmHWM)"
		_anon="$_anon $(proc_kb "$DAEMON_PID" RssAnon)"
		_file="$_file $(proc_kb "$DAEMON_PID" RssFile)"
		stop_daemon
		_i=$((_i + 1))
	done
	bench_note "$1: READY ms$_ms; VmHWM KiB$_kb; RssAnon KiB$_anon;" \
	    "RssFile KiB$_file"
	MS=$(median $_ms)
	KB=$(median $_kb)
	ANON=$(median $_anon)
	FILE=$(median $_file)
}

write_conf "$BT/empty.conf" "$BT/empty" "$BT/control.sock"
measure "$BT/empty.conf"
empty_ms=$MS
empty_kb=$KB
empty_anon=$ANON
empty_file=$FILE

big_store "$BT/full"
bench_note "store: $STORE_GEN; $STORE_MB MB"
write_conf "$BT/full.conf" "$BT/full" "$BT/control.sock" "$STORE_METRICS" \
    "$STORE_POLL"
measure "$BT/full.conf"
full_ms=$MS
full_kb=$KB
full_anon=$ANON
full_file=$FILE
accounts=$(jq -r .accounts "$BT/status")
scheduled=$(jq -r .posts.scheduled "$BT/status")
[ "$accounts" = "$STORE_ACCOUNTS" ] && [ "$scheduled" = "$STORE_POSTS" ] ||
    bench_fail "the daemon sees $accounts accounts, $scheduled posts"

ms_ratio=$(calc %.2f "$full_ms / $empty_ms")
kb_ratio=$(calc %.2f "$full_kb / $empty_kb")
sizes="$STORE_ACCOUNTS accounts, $STORE_POSTS posts, $STORE_SNAPSHOTS snapshots"
both() {
	if [ "$(judge "$1" '<=' "$2")" = ok ] &&
	    [ "$(judge "$3" '<=' 2)" = ok ]; then
		echo ok
	else
		echo miss
	fi
}
figure scale.startup_empty "$(calc %.1f "$empty_ms") ms" \
    "<= $GOAL_MS ms" "$(judge "$empty_ms" '<=' "$GOAL_MS")"
figure scale.startup_full \
    "$(calc %.1f "$full_ms") ms = ${ms_ratio}x empty ($sizes)" \
    "<= $GOAL_MS ms, <= 2x empty" "$(both "$full_ms" "$GOAL_MS" "$ms_ratio")"
figure scale.rss_empty "$(mb "$empty_kb") MiB peak" \
    "<= $GOAL_MB MB" "$(judge "$empty_kb" '<=' $((GOAL_MB * 1024)))"
figure scale.rss_full \
    "$(mb "$full_kb") MiB peak = ${kb_ratio}x empty (store $STORE_MB MB)" \
    "<= $GOAL_MB MB, <= 2x empty" \
    "$(both "$full_kb" $((GOAL_MB * 1024)) "$kb_ratio")"
figure scale.anon_full \
    "$(mb "$full_anon") MiB private (RssAnon; empty: $(mb "$empty_anon")); the rest is mapped store and libraries" \
    "-" info
figure scale.file_full \
    "$(mb "$full_file") MiB of mapped files resident (RssFile: store pages and libraries; empty: $(mb "$empty_file"))" \
    "-" info

# How it grows: ten times the accounts, posts and snapshots.
[ -z "$BENCH_SMOKE" ] && [ "${BENCH_HUGE:-1}" != 0 ] || exit 0
rm -rf "$BT/full"
STORE_ACCOUNTS=${BENCH_HUGE_ACCOUNTS:-100000}
STORE_POSTS=${BENCH_HUGE_POSTS:-10000000}
STORE_SNAPSHOTS=${BENCH_HUGE_SNAPSHOTS:-10000000}
_t0=$(date +%s)
big_store "$BT/huge"
bench_note "store: $STORE_GEN; $STORE_MB MB; made or copied in" \
    "$(( $(date +%s) - _t0 )) s"
write_conf "$BT/huge.conf" "$BT/huge" "$BT/control.sock" "$STORE_METRICS" \
    "$STORE_POLL"
measure "$BT/huge.conf"
accounts=$(jq -r .accounts "$BT/status")
scheduled=$(jq -r .posts.scheduled "$BT/status")
[ "$accounts" = "$STORE_ACCOUNTS" ] && [ "$scheduled" = "$STORE_POSTS" ] ||
    bench_fail "the daemon sees $accounts accounts, $scheduled posts"
rm -rf "$BT/huge"
sizes="$STORE_ACCOUNTS accounts, $STORE_POSTS posts, $STORE_SNAPSHOTS snapshots"
figure scale.startup_100k \
    "$(calc %.1f "$MS") ms = $(calc %.2f "$MS / $empty_ms")x empty, $(calc %.2f "$MS / $full_ms")x the 10,000 store ($sizes; $(echo "$STORE_GEN" | sed 's/.*: //'))" \
    "<= $GOAL_MS ms, <= 2x empty" \
    "$(both "$MS" "$GOAL_MS" "$(calc %.2f "$MS / $empty_ms")")"
figure scale.rss_100k \
    "$(mb "$KB") MiB peak = $(calc %.2f "$KB / $empty_kb")x empty, $(calc %.2f "$KB / $full_kb")x the 10,000 store (store $STORE_MB MB)" \
    "<= $GOAL_MB MB, <= 2x empty" \
    "$(both "$KB" $((GOAL_MB * 1024)) "$(calc %.2f "$KB / $empty_kb")")"
figure scale.anon_100k "$(mb "$ANON") MiB private (RssAnon; 10,000 store: $(mb "$full_anon"))" \
    "-" info
figure scale.file_100k "$(mb "$FILE") MiB of mapped files resident (RssFile; 10,000 store: $(mb "$full_file"), empty: $(mb "$empty_file"))" \
    "-" info
