#!/bin/sh
# Figure 2, publishing lateness: 10,000 text posts over 100 accounts due
# within 60 s, and 500 video posts with 5 s of processing due in the same
# minute, published by a real threadsd against fakegraph.  Lateness is
# the fake's time of handling each publish (at_ms in /__admin/posts)
# minus the post's due time; p50, p99 and max per kind, the median of
# BENCH_RUNS runs.  Then the same at 5x the rate (issue #16, item 4):
# 50,000 text posts over 500 accounts due within 60 s, to show where it
# bends (not with --smoke).  And when each text post's publish request
# left the daemon (tests/bench/sendlog.so, preloaded: the instant its
# send() returned), so that a post's lateness splits into the daemon's
# share (sent minus due) and the fake's (at_ms minus sent: the fake is
# single-threaded and handles a second's burst one request after the
# other, its own share outside the daemon's control).  The posts are queued before the daemon starts, by
# postgen (the scheduler's own post_put(): what post.schedule writes),
# since 10,000 threadsctl calls would outlast the minute; the accounts
# by bench-seed.  Each run also checks that every post went out exactly
# once.
#
#   tests/bench/bench-lateness.sh [--smoke] [BUILD_DIR]
#
# Environment: BENCH_LATE_TEXT (10000), BENCH_LATE_VIDEO (500),
# BENCH_LATE_ACCOUNTS (100), BENCH_LATE_SPREAD (60 s), BENCH_LATE_LEAD
# (seconds from start to the first due post: 40, time for the containers
# of all of them to be made first, as prestage would), BENCH_LATE_LOG (a
# file to keep the daemon's log of the last run in), BENCH_LATE_KEEP (a
# file to keep the last run's "bench KIND I due T AT_MS CONTAINER" lines
# in), BENCH_LATE_SENDS (a file to keep its "US CONTAINER" send instants
# in), SENDLOG_SO (the shim; empty: no sent row);
# for the 5x row BENCH_LATE5_TEXT (50000), BENCH_LATE5_ACCOUNTS (500),
# BENCH_LATE5_LEAD (90 s: five times the containers to make first),
# BENCH_LATE5=0 to leave it out; BENCH_LATE_WAIT (60 s: how long after
# the last due time the run may take, more under a profiler).
#
# [api] max_connections is BENCH_LATE_CONNECTIONS (200): more than the
# 175 posts due in each second of the figure, as the daemon's own
# warning advises when a second's posts are more than the connections
# free (one request a connection).  The text row is run again at
# BENCH_LATE_FEW connections (64, as bench-poll; 0: not run, nor with
# --smoke), an info row: there the second's posts leave in three waves,
# each waiting for the fake to give connections back.
#
# With two CPUs or more the fake runs on CPU 0 and the daemon on CPU 1,
# as in bench-poll.sh (BENCH_PIN=0: no pinning).  Meta's servers do not
# share the daemon's CPU; unpinned on two CPUs, the fake woken by a
# burst of publishes ran on the daemon's CPU and held it for milliseconds
# in the middle of the burst.
BENCH_NAME=bench-lateness
[ "${1:-}" != --smoke ] || { BENCH_SMOKE=1; shift; }
[ -z "${1:-}" ] || BENCH_BUILD=$1
. "$(dirname "$0")/lib.sh"

POSTGEN=${POSTGEN:-$BENCH_BUILD/tests/bench/postgen}
BENCH_SEED=${BENCH_SEED:-$BENCH_BUILD/tests/bench-seed}
SENDLOG_SO=${SENDLOG_SO-$BENCH_BUILD/tests/bench/sendlog.so}
[ -z "$SENDLOG_SO" ] || [ -f "$SENDLOG_SO" ] ||
    bench_fail "no $SENDLOG_SO (SENDLOG_SO= for no sent row)"
# A sanitized daemon wants its runtime first among the preloaded.
_asan=$(ldd "$THREADSD" 2>/dev/null | awk '/libasan/ { print $3 }')
if [ -n "$BENCH_SMOKE" ]; then
	ntext=${BENCH_LATE_TEXT:-200}
	nvideo=${BENCH_LATE_VIDEO:-10}
	naccounts=${BENCH_LATE_ACCOUNTS:-10}
	spread=${BENCH_LATE_SPREAD:-3}
	lead=${BENCH_LATE_LEAD:-6}
	BENCH_RUNS=1
else
	ntext=${BENCH_LATE_TEXT:-10000}
	nvideo=${BENCH_LATE_VIDEO:-500}
	naccounts=${BENCH_LATE_ACCOUNTS:-100}
	spread=${BENCH_LATE_SPREAD:-60}
	lead=${BENCH_LATE_LEAD:-40}
fi
# The 5x row (run after the others, with the same spread).
ntext5=${BENCH_LATE5_TEXT:-50000}
naccounts5=${BENCH_LATE5_ACCOUNTS:-500}
lead5=${BENCH_LATE5_LEAD:-90}
[ -z "$BENCH_SMOKE" ] || BENCH_LATE5=0
conns=${BENCH_LATE_CONNECTIONS:-200}
few=${BENCH_LATE_FEW:-64}
[ -z "$BENCH_SMOKE" ] || few=0
total=$((ntext + nvideo))
# The issue's goals (#16): within a round trip of the due instant.
GOAL_MS=10
GOAL_P50_MS=3
FPID=
fake_pin=
if [ "${BENCH_PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ]; then
	fake_pin="taskset -c 0"
	BENCH_CPU=${BENCH_CPU:-1}
fi

$fake_pin "$FAKEGRAPH" -p 0 --port-file "$BT/fake.port" 2>"$BT/fake.log" &
FPID=$!
BENCH_PIDS="$FPID"
until_ok 10 test -s "$BT/fake.port" || bench_fail "fakegraph did not start"
B=http://127.0.0.1:$(cat "$BT/fake.port")
admin() {
	curl -sS -f -X "$1" "$B$2"
}

# percentiles FILE: "p50 p99 max" of the numbers in FILE.
percentiles() {
	sort -n "$1" | awk '{ v[NR] = $1 }
	    END { p50 = v[int((NR - 1) * 0.50) + 1]
		  p99 = v[int((NR - 1) * 0.99) + 1]
		  print p50, p99, v[NR] }'
}

# run N [TAG]: one run of ntext text and nvideo video posts over
# naccounts accounts; appends "p50 p99 max" to TAGtext.runs (and
# TAGvideo.runs when there are videos), "early earliest" to early.runs
# and the CPU time to TAGcpu.runs; with the shim, the text posts' "sent
# p50 p99 max, fake p50 p99 max, sent early, unmatched" to TAGsent.runs.
run() {
	_tag=${2:-}
	admin POST /__admin/reset >/dev/null
	admin POST "/__admin/config?video_delay=5" >/dev/null
	rm -rf "$BT/state"
	mkdir -m 700 "$BT/state"
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$BT/token.key"
	chmod 600 "$BT/token.key"
	"$BENCH_SEED" "$B" "$BT/state" "$BT/token.key" "$naccounts" \
	    1000000000 || bench_fail "bench-seed failed"
	first=$(( $(date +%s) + lead ))
	"$POSTGEN" "$BT/state" "$ntext" "$nvideo" "$first" "$spread" 600 \
	    "$B/media" >&2 || bench_fail "postgen failed"
	cat > "$BT/lateness.conf" <<CONF
[api]
base_url = $B
app_id = 1000000000000001
max_connections = $conns
timeout = 30s

[store]
path = $BT/state
map_size = 8G

[control]
socket = $BT/control.sock

[poll]
interval = 1d

[tokens]
key_file = $BT/token.key
CONF
	rm -f "$BT/sends"
	if [ -n "$SENDLOG_SO" ]; then
		export SENDLOG="$BT/sends"
		export LD_PRELOAD="${_asan:+$_asan }$SENDLOG_SO"
	fi
	start_daemon "$BT/lateness.conf"
	unset LD_PRELOAD SENDLOG
	done_all() {
		[ "$("$THREADSCTL" -s "$BT/control.sock" --json status |
		    jq .posts.published)" -eq "$total" ]
	}
	# Once a second, not until_ok's 50 times: a status request walks
	# the due index (up to 4,096 post records), and at 50 a second
	# those walks took a tenth of the daemon's CPU and sat in the loop
	# in front of the releases they were measuring.  And not before
	# the last due second has passed: one a second still lands on a
	# second's burst now and then.
	_end=$(( $(date +%s) + lead + spread + ${BENCH_LATE_WAIT:-60} ))
	while [ "$(date +%s)" -le $(( first + spread )) ]; do
		sleep 1
	done
	until done_all 2>/dev/null; do
		[ "$(date +%s)" -lt "$_end" ] ||
		    bench_fail "run $1: not all published: $("$THREADSCTL" \
		    -s "$BT/control.sock" --json status | jq -c .posts)"
		sleep 1
	done
	rss=$(proc_kb "$DAEMON_PID" VmHWM)
	cpu=$(awk -v hz="$(getconf CLK_TCK)" \
	    '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$DAEMON_PID/stat")
	echo "$cpu" >> "$BT/${_tag}cpu.runs"
	stop_daemon
	[ -z "${BENCH_LATE_LOG:-}" ] || cp "$BT/daemon.log" "$BENCH_LATE_LOG"
	: > "$BT/all"
	i=0
	while [ "$i" -lt "$naccounts" ]; do
		admin GET "/__admin/posts?username=$(printf 'bench%06d' "$i")" |
		    jq -r '.posts[] | select(.seeded | not) | .text + " " +
		    (.at_ms | tostring) + " " + .container_id' >> "$BT/all"
		i=$((i + 1))
	done
	[ "$(wc -l < "$BT/all")" -eq "$total" ] &&
	    [ "$(cut -d' ' -f1-3 "$BT/all" | sort -u | wc -l)" -eq "$total" ] ||
	    bench_fail "run $1: $(wc -l < "$BT/all") posts published for $total"
	[ -z "${BENCH_LATE_KEEP:-}" ] || cp "$BT/all" "$BENCH_LATE_KEEP"
	_s=
	if [ -n "$SENDLOG_SO" ]; then
		touch "$BT/sends"
		[ -z "${BENCH_LATE_SENDS:-}" ] ||
		    cp "$BT/sends" "$BENCH_LATE_SENDS"
		# Per text post, in whole ms like at_ms, so that the two
		# shares add up to its lateness: sent - due, at_ms - sent.
		# The last send of a container is the one the fake took.
		awk 'NR == FNR { us[$2] = $1; next }
		    $2 == "text" && ($7 in us) {
			s = int(us[$7] / 1000)
			print s - $5 * 1000 > "'"$BT/sent.ms"'"
			print $6 - s > "'"$BT/fake.ms"'"
			if (us[$7] < $5 * 1000000) early++
			next }
		    $2 == "text" { lost++ }
		    END { print early + 0, lost + 0 }' "$BT/sends" "$BT/all" \
		    > "$BT/sent.counts"
		touch "$BT/sent.ms" "$BT/fake.ms"
		[ -s "$BT/sent.ms" ] || bench_fail "run $1: no publish seen" \
		    "by $SENDLOG_SO"
		echo "$(percentiles "$BT/sent.ms") $(percentiles \
		    "$BT/fake.ms") $(cat "$BT/sent.counts")" \
		    >> "$BT/${_tag}sent.runs"
		rm -f "$BT/sent.ms" "$BT/fake.ms"
		set -- "$1" $(tail -1 "$BT/${_tag}sent.runs")
		_s=" text left the daemon p50/p99/max $2 $3 $4 ms, the fake's share $5 $6 $7 ms ($8 sent before due, $9 sends not seen);"
	fi
	# "bench KIND I due T AT_MS": lateness in ms.
	: > "$BT/video.ms"
	for kind in text video; do
		[ "$kind" = text ] || [ "$nvideo" -gt 0 ] || continue
		awk -v k="$kind" '$2 == k { print $6 - $5 * 1000 }' "$BT/all" \
		    > "$BT/$kind.ms"
		percentiles "$BT/$kind.ms" >> "$BT/$_tag$kind.runs"
	done
	# Early: a request the fake got before its post was due.  The
	# smallest lateness of the run, and how many were below zero.
	cat "$BT/text.ms" "$BT/video.ms" | sort -n | awk '
	    NR == 1 { min = $1 } $1 < 0 { early++ }
	    END { print early + 0, min }' >> "$BT/early.runs"
	_v=
	[ "$nvideo" -eq 0 ] ||
	    _v=" video $(tail -1 "$BT/${_tag}video.runs") ms;"
	bench_note "run $1${_tag:+ ($_tag)}: $ntext text posts, $naccounts" \
	    "accounts: text p50/p99/max $(tail -1 "$BT/${_tag}text.runs") ms;$_v" \
	    "early, earliest $(tail -1 "$BT/early.runs") ms;$_s CPU $cpu s;" \
	    "VmHWM $rss KiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
}

: > "$BT/text.runs"
: > "$BT/video.runs"
: > "$BT/early.runs"
: > "$BT/cpu.runs"
: > "$BT/5xtext.runs"
: > "$BT/5xcpu.runs"
: > "$BT/sent.runs"
: > "$BT/5xsent.runs"
: > "$BT/fewtext.runs"
: > "$BT/fewvideo.runs"
: > "$BT/fewcpu.runs"
: > "$BT/fewsent.runs"
r=1
while [ "$r" -le "$BENCH_RUNS" ]; do
	run "$r"
	r=$((r + 1))
done
runs=$BENCH_RUNS
posts=$((total * BENCH_RUNS))
if [ "${BENCH_LATE5:-1}" != 0 ]; then
	# Five times the rate: the same minute, five times the posts and
	# the accounts, text only.
	ntext1=$ntext nvideo1=$nvideo naccounts1=$naccounts lead1=$lead
	ntext=$ntext5 nvideo=0 naccounts=$naccounts5 lead=$lead5
	total=$ntext
	r=1
	while [ "$r" -le "$BENCH_RUNS" ]; do
		run "$r" 5x
		r=$((r + 1))
	done
	runs=$((runs + BENCH_RUNS))
	posts=$((posts + total * BENCH_RUNS))
	total5=$total
	ntext=$ntext1 nvideo=$nvideo1 naccounts=$naccounts1 lead=$lead1
	total=$((ntext + nvideo))
fi
if [ "$few" -gt 0 ]; then
	# The same figure at fewer connections than a second's posts.
	conns1=$conns
	conns=$few
	r=1
	while [ "$r" -le "$BENCH_RUNS" ]; do
		run "$r" few
		r=$((r + 1))
	done
	runs=$((runs + BENCH_RUNS))
	posts=$((posts + total * BENCH_RUNS))
	conns=$conns1
fi

# Each kind: the run whose p99 is the median of the runs, quoted whole.
quote() {
	_p99=$(median $(awk '{ print $2 }' "$BT/$1.runs"))
	set -- "$1" "$2" $(awk -v p="$_p99" '$2 == p { print; exit }' \
	    "$BT/$1.runs")
	_st=$(judge "$4" '<=' "$GOAL_MS")
	if [ "$1" = text ] && [ "$(judge "$3" '<=' "$GOAL_P50_MS")" = miss ]
	then
		_st=miss
	fi
	_g="<= $GOAL_MS ms p99"
	[ "$1" != text ] || _g="$_g, <= $GOAL_P50_MS ms p50"
	figure "lateness.$1_p99" "$4 ms p99 (p50 $3 ms, max $5 ms; $2)" \
	    "$_g" "$_st"
}
quote text "$ntext text posts over $naccounts accounts due within ${spread} s, $conns connections"
[ "$nvideo" -eq 0 ] ||
    quote video "$nvideo video posts with 5 s of processing, the same minute"
if [ "${BENCH_LATE5:-1}" != 0 ]; then
	# Where it bends: no goal of its own (#16 item 4), the run with the
	# median p99 quoted like the others, and its CPU a post.
	_p99=$(median $(awk '{ print $2 }' "$BT/5xtext.runs"))
	set -- $(awk -v p="$_p99" '$2 == p { print; exit }' "$BT/5xtext.runs")
	_cpu=$(median $(cat "$BT/5xcpu.runs"))
	figure lateness.text5x_p99 "$2 ms p99 (p50 $1 ms, max $3 ms; $ntext5 text posts over $naccounts5 accounts due within ${spread} s, 5x the rate; $(calc %.2f "$_cpu * 1000 / $total5") ms of CPU per post)" \
	    - info
fi
if [ "$few" -gt 0 ]; then
	_p99=$(median $(awk '{ print $2 }' "$BT/fewtext.runs"))
	set -- $(awk -v p="$_p99" '$2 == p { print; exit }' "$BT/fewtext.runs")
	figure lateness.text_few_p99 "$2 ms p99 (p50 $1 ms, max $3 ms; the text row at $few connections: a second's posts leave in waves)" \
	    - info
fi
if [ -n "$SENDLOG_SO" ]; then
	# The daemon's share and the fake's, from the run whose sent p99 is
	# the median (the 1x text posts); a request that left before its
	# due time is a miss of the early row below.
	_p99=$(median $(awk '{ print $2 }' "$BT/sent.runs"))
	set -- $(awk -v p="$_p99" '$2 == p { print; exit }' "$BT/sent.runs")
	figure lateness.sent_p99 "$2 ms p99 (p50 $1 ms, max $3 ms) when the request left the daemon; then the fake's share, until it handled it: p50 $4, p99 $5, max $6 ms ($ntext text posts, $8 of them not seen sent)" \
	    - info
	sent_early=$(cat "$BT/sent.runs" "$BT/5xsent.runs" "$BT/fewsent.runs" |
	    awk '{ n += $7 } END { print n + 0 }')
fi
# Never before due: every run's early requests counted, and the
# earliest of all (a negative number would be ms before due).
early=$(awk '{ n += $1 } END { print n + 0 }' "$BT/early.runs")
earliest=$(awk 'NR == 1 || $2 < m { m = $2 } END { print m }' "$BT/early.runs")
if [ "$earliest" -ge 0 ]; then
	earliest="the earliest $earliest ms after due"
else
	earliest="the earliest $((-earliest)) ms BEFORE due"
fi
_sent=
sent_early=${sent_early:-0}
[ -z "$SENDLOG_SO" ] || _sent="; $sent_early text posts' requests left the daemon before due"
figure lateness.early "$early of $posts requests before their due time over $runs run(s); $earliest$_sent" \
    "0 before due" "$( [ "$early" -eq 0 ] && [ "$sent_early" -eq 0 ] &&
    echo ok || echo miss)"
# The daemon's CPU from start to the last publish (staging, publishing,
# permalinks): on a shared machine, what it needs of a CPU to keep up.
cpu=$(median $(cat "$BT/cpu.runs"))
figure lateness.cpu "$(calc %.2f "$cpu * 1000 / $total") ms of CPU per post ($cpu s for $total posts, start to the last publish)" \
    - info
