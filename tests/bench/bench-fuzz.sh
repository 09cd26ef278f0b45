#!/bin/sh
# Figure 8, fuzzing: each libFuzzer target (tests/fuzz: the control
# framing and requests, the config parser, the Graph response parsers)
# for a given time, from the seeds and with the dictionary shipped in
# tests/fuzz: executions, coverage (edges, libFuzzer's "cov:") and the
# corpus reached, so that a fuzzer that never gets past the first parser
# shows, and crashes (goal: none).  The targets are built with clang and -Dfuzz=true in their own
# build directory, build-bench-fuzz (BENCH_FUZZ_BUILD), configured the
# first time.  A crash's reproducer is kept in BUILD/bench-logs/
# (BENCH_LOGS).
#
#   tests/bench/bench-fuzz.sh [--smoke] [BUILD_DIR]
#
# BENCH_FUZZ_SECONDS: per target (default 600; smoke 3).
BENCH_NAME=bench-fuzz
[ "${1:-}" != --smoke ] || { BENCH_SMOKE=1; shift; }
[ -z "${1:-}" ] || BENCH_BUILD=$1
. "$(dirname "$0")/lib.sh"

secs=${BENCH_FUZZ_SECONDS:-600}
[ -z "$BENCH_SMOKE" ] || secs=3
fb=${BENCH_FUZZ_BUILD:-$BENCH_TOP/build-bench-fuzz}
logs=${BENCH_LOGS:-$BENCH_BUILD/bench-logs}
mkdir -p "$logs"

if ! command -v clang >/dev/null 2>&1; then
	figure fuzz "clang is not installed" "0 crashes" skip
	exit 0
fi
if [ ! -f "$fb/build.ninja" ]; then
	CC=clang meson setup "$fb" -Dfuzz=true -Db_lundef=false \
	    --buildtype=debugoptimized -Dwerror=false > "$BT/setup.log" 2>&1 ||
	    bench_fail "meson setup $fb: $(tail -5 "$BT/setup.log")"
fi
targets=$(meson introspect --targets "$fb" |
    jq -r '.[] | select(.name | startswith("fuzz-")) | .name' | sort)
[ -n "$targets" ] || bench_fail "no fuzz targets in $fb"
# Only the targets: the rest of that build is not needed here.
ninja -C "$fb" $(for t in $targets; do echo "tests/fuzz/$t"; done) \
    > "$BT/build.log" 2>&1 || bench_fail "building the fuzz targets: $(tail -20 "$BT/build.log")"

for t in $targets; do
	name=${t#fuzz-}
	mkdir -p "$BT/corpus-$t"
	rc=0
	"$fb/tests/fuzz/$t" -max_total_time="$secs" -print_final_stats=1 \
	    -rss_limit_mb=2048 -artifact_prefix="$logs/$t-" \
	    -dict="$BENCH_TOP/tests/fuzz/$name.dict" \
	    "$BT/corpus-$t" "$BENCH_TOP/tests/fuzz/seeds-$name" \
	    > "$BT/$t.log" 2>&1 || rc=$?
	cp "$BT/$t.log" "$logs/$t.log"
	execs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' \
	    "$BT/$t.log")
	crashes=0
	if [ "$rc" -ne 0 ] || grep -q -E '^==[0-9]+==ERROR|^SUMMARY: ' "$BT/$t.log"
	then
		crashes=1
	fi
	# The last status line has the final coverage and corpus (inputs
	# that each add coverage; the seeds that do are among them).
	cov=$(awk '/ cov: / { for (i = 1; i < NF; i++) if ($i == "cov:")
	    c = $(i + 1) } END { print c }' "$BT/$t.log")
	seeds=$(ls "$BENCH_TOP/tests/fuzz/seeds-$name" | wc -l)
	corpus=$(awk '/ corp: / { for (i = 1; i < NF; i++) if ($i == "corp:")
	    c = $(i + 1) } END { sub("/.*", "", c); print c }' "$BT/$t.log")
	figure "fuzz.$name" \
	    "${execs:-?} execs in $secs s ($(calc %.0f "${execs:-0} / $secs")/s), cov ${cov:-?} edges, corpus ${corpus:-?} (from $seeds seeds), $crashes crashes" \
	    "0 crashes" "$([ "$crashes" -eq 0 ] && echo ok || echo miss)"
	[ "$crashes" -eq 0 ] ||
	    bench_note "$t crashed (exit $rc): see $logs/$t.log and $logs/$t-*"
done
