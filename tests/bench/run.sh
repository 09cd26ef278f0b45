#!/bin/sh
# The benchmark suite: builds a release build in build-bench/ (once
# configured, it only rebuilds), runs every tests/bench/bench-*.sh one
# after the other, and prints one table: each figure, its goal, and
# whether it is met.  Figures nobody measures yet are listed as "not yet
# built".  What each figure is and how it is measured: tests/bench/README.
#
#   tests/bench/run.sh [--smoke] [--only NAME[,NAME...]]
#
#   --smoke   seconds and small sizes; goals are not judged, only that
#             every script runs and reports (meson test --suite bench-smoke)
#   --only    run only these scripts (control, scale, idle, compact,
#             fuzz, poll...: bench-NAME.sh)
#
# Environment: BENCH_RUNS (runs per figure; default 5, smoke 3),
# BENCH_FUZZ_SECONDS (per fuzz target; default 600), BENCH_BUILD (use
# this build instead of building build-bench: meson's smoke test does),
# BENCH_PIN=0 (no CPU pinning).  Each script's full output is kept in
# BUILD/bench-logs/ (bench-logs-smoke/ for --smoke).  Exits 1 when a
# script failed; a missed goal is reported, not an error.
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)

smoke=
only=
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ;;
	--only) only=$2; shift ;;
	--only=*) only=${1#--only=} ;;
	*) echo "usage: tests/bench/run.sh [--smoke] [--only NAME,...]" >&2
	   exit 2 ;;
	esac
	shift
done

if [ -z "${BENCH_BUILD:-}" ]; then
	. tests/deps.sh
	# shellcheck disable=SC2086
	threadsd_install_deps $THREADSD_DEPS $THREADSD_TEST_DEPS
	BENCH_BUILD=$top/build-bench
	if [ ! -f "$BENCH_BUILD/build.ninja" ]; then
		meson setup "$BENCH_BUILD" --buildtype=release >/dev/null
	fi
	ninja -C "$BENCH_BUILD" >/dev/null ||
	    { ninja -C "$BENCH_BUILD" | tail -30; exit 1; }
fi
export BENCH_BUILD
export BENCH_SMOKE=$smoke
export THREADSD=${THREADSD:-$BENCH_BUILD/daemon/threadsd}
export THREADSCTL=${THREADSCTL:-$BENCH_BUILD/ctl/threadsctl}
export FAKEGRAPH=${FAKEGRAPH:-$BENCH_BUILD/tests/fakegraph/fakegraph}
export PINGLOAD=${PINGLOAD:-$BENCH_BUILD/tests/bench/pingload}
export STOREGEN=${STOREGEN:-$BENCH_BUILD/tests/bench/storegen}
export READYPROBE=${READYPROBE:-$BENCH_BUILD/tests/bench/readyprobe}
export BENCH_SEED=${BENCH_SEED:-$BENCH_BUILD/tests/bench-seed}
export BENCH_CACHE=${BENCH_CACHE:-$BENCH_BUILD/bench-cache}
# Apart for --smoke, so meson's test never overwrites a real run's logs.
export BENCH_LOGS=$BENCH_BUILD/bench-logs${smoke:+-smoke}
logs=$BENCH_LOGS
mkdir -p "$logs" "$BENCH_CACHE"
rows=$logs/figures
: > "$rows"

echo "threadsd benchmarks${smoke:+ (smoke: small sizes, goals not judged)}"
echo "  $(git describe --always --dirty 2>/dev/null || echo '?'), build" \
    "$(meson introspect --buildoptions "$BENCH_BUILD" 2>/dev/null |
    jq -r '.[] | select(.name == "buildtype") | .value' 2>/dev/null ||
    echo '?') in $BENCH_BUILD"
echo "  $(nproc) CPUs, $(uname -sr), $(date -u +%Y-%m-%dT%H:%M:%SZ)," \
    "${BENCH_RUNS:-$([ -n "$smoke" ] && echo 3 || echo 5)} runs a figure (medians)"
# Other work on the machine moves every figure: say how much there was.
echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

failed=0
for script in tests/bench/bench-*.sh; do
	name=${script##*/bench-}
	name=${name%.sh}
	if [ -n "$only" ]; then
		case ",$only," in *",$name,"*) ;; *) continue ;; esac
	fi
	printf '  %-12s ' "$name"
	start=$(date +%s)
	rc=0
	sh "$script" ${smoke:+--smoke} "$BENCH_BUILD" > "$logs/$name.log" 2>&1 ||
	    rc=$?
	secs=$(( $(date +%s) - start ))
	load=$(cut -d' ' -f1 /proc/loadavg)
	n=$(grep -c '^FIGURE ' "$logs/$name.log" || true)
	grep '^FIGURE ' "$logs/$name.log" | sed 's/^FIGURE //' >> "$rows" || true
	if [ "$rc" -ne 0 ]; then
		echo "FAILED (exit $rc, ${secs} s): $logs/$name.log"
		tail -15 "$logs/$name.log" | sed 's/^/      /'
		printf '%s | %s | - | fail\n' "$name" "script failed (exit $rc)" \
		    >> "$rows"
		failed=$((failed + 1))
	elif [ "$n" -eq 0 ]; then
		echo "ran (${secs} s) but printed no FIGURE line; its output:"
		tail -15 "$logs/$name.log" | sed 's/^/      /'
		printf '%s | %s | - | unformatted\n' "$name" \
		    "no FIGURE line: see $logs/$name.log" >> "$rows"
	else
		echo "$n figure(s), ${secs} s, load average $load after"
	fi
done
echo

# The table: figures in the issue's order; rows named by their prefix.
# A figure no script reported is "not yet built" (unless --only left it
# out).
awk -F' *[|] *' -v smoke="$smoke" -v only="$only" '
BEGIN {
	split("control lateness scale idle poll compact reliability fuzz",
	    pre, " ")
	title[1] = "control plane"; title[2] = "publishing lateness"
	title[3] = "scale"; title[4] = "idle cost"; title[5] = "polling"
	title[6] = "remove-account compaction"
	title[7] = "reliability runs"; title[8] = "fuzzing"
	goal[2] = "p99 <= 100 ms"; goal[5] = ">= 0.8x wrk"
	goal[7] = "0 lost, 0 duplicated"
	for (i = 1; i <= 8; i++) num[pre[i]] = i
	n = 0
}
{
	sub(/^ +/, ""); sub(/ +$/, "")
	p = $1; sub(/[._].*/, "", p)
	f = (p in num) ? num[p] : 9
	n++; fig[n] = f; name[n] = $1; val[n] = $2; gl[n] = $3; st[n] = $4
	seen[f] = 1
}
END {
	for (i = 1; i <= 8 && only == ""; i++)
		if (!(i in seen)) {
			n++; fig[n] = i; name[n] = pre[i] " (" title[i] ")"
			val[n] = "not yet built"; gl[n] = goal[i]
			st[n] = "-"
		}
	w1 = 6; w2 = 5; w3 = 4
	for (k = 1; k <= n; k++) {
		if (length(name[k]) > w1) w1 = length(name[k])
		if (length(val[k]) > w2) w2 = length(val[k])
		if (length(gl[k]) > w3) w3 = length(gl[k])
	}
	fmt = "%-2s %-" w1 "s  %-" w2 "s  %-" w3 "s  %s\n"
	printf fmt, "#", "figure", "value", "goal", "status"
	for (f = 1; f <= 9; f++)
		for (k = 1; k <= n; k++)
			if (fig[k] == f) {
				printf fmt, (f == 9 ? "?" : f), name[k], val[k],
				    gl[k], st[k]
				count[st[k]]++
			}
	printf "\n%d ok, %d missed, %d info, %d skipped, %d failed, " \
	    "%d not yet built, %d unformatted%s\n", count["ok"],
	    count["miss"], count["info"], count["skip"], count["fail"],
	    count["-"], count["unformatted"],
	    smoke ? (", " count["smoke"] " measured in smoke mode") : ""
}' "$rows"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

[ "$failed" -eq 0 ]
