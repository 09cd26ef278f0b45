#!/bin/sh
# Figure 7, reliability: the end-to-end crash and fault tests
# (tests/e2e/test-crash.sh, test-faults.sh) at the benchmark's size.
# Crash: 1,000 posts over 50 accounts due within 20 s, threadsd killed
# with SIGKILL 50 times at random moments and restarted.  Faults: 1,000
# posts over 50 accounts with about 30% of the Graph requests answered
# with a fault (false failures, 500s, resets, garbled bodies, stalls past
# the timeout, throttling, cut listings).  Each counts the posts lost
# (not published) and duplicated (published more than once) through
# the fake's record of what was really published; each test fails on
# either, so a row is ok only when both are 0.
#
#   tests/bench/bench-reliability.sh [--smoke] [BUILD_DIR]
BENCH_NAME=bench-reliability
[ "${1:-}" != --smoke ] || { BENCH_SMOKE=1; shift; }
[ -z "${1:-}" ] || BENCH_BUILD=$1
. "$(dirname "$0")/lib.sh"

E2E_DIR=$BENCH_TOP/tests/e2e
export THREADSD THREADSCTL FAKEGRAPH E2E_DIR
if [ -n "$BENCH_SMOKE" ]; then
	set -- 60 3 5 3 60 2 100
else
	set -- 1000 50 50 20 1000 50 350
fi
cposts=$1 caccounts=$2 kills=$3 spread=$4 fposts=$5 faccounts=$6 scale=$7

# row NAME LOG WHAT: the figure from a test's last line.
row() {
	if grep -q '^ok' "$2"; then
		figure "$1" "0 lost, 0 duplicated ($(tail -1 "$2" |
		    sed 's/^ok: //'); $3)" "0 lost, 0 duplicated" ok
	else
		figure "$1" "$(grep -m1 '^FAIL' "$2" | cut -c1-160)" \
		    "0 lost, 0 duplicated" miss
	fi
}

TMPDIR=$BT CRASH_POSTS=$cposts CRASH_ACCOUNTS=$caccounts CRASH_KILLS=$kills \
    CRASH_SPREAD=$spread sh "$E2E_DIR/test-crash.sh" > "$BT/crash.log" 2>&1 ||
    true
bench_note "crash: $(grep -E '^(ok|FAIL)' "$BT/crash.log")"
row reliability.crash "$BT/crash.log" "$caccounts accounts"

TMPDIR=$BT FAULT_POSTS=$fposts FAULT_ACCOUNTS=$faccounts FAULT_SCALE=$scale \
    FAULT_MAX_ATTEMPTS=10 FAULT_REPORT=1 sh "$E2E_DIR/test-faults.sh" \
    > "$BT/faults.log" 2>&1 || true
bench_note "faults: $(grep -E '^(ok|FAIL)' "$BT/faults.log")"
row reliability.faults "$BT/faults.log" "$faccounts accounts"
