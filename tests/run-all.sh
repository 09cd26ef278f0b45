#!/bin/sh
# Builds threadsd and runs every test: the normal build (unit, end to end,
# the daemon under valgrind), the ASan+UBSan build, and a short run of each
# fuzz target when clang is there.  Ends with "N passed, N failed" and a
# non-zero status when anything failed.  Installs missing Debian packages.
set -eu
cd "$(dirname "$0")/.."
. tests/deps.sh
# shellcheck disable=SC2086
threadsd_install_deps $THREADSD_DEPS $THREADSD_TEST_DEPS

passed=0
failed=0
fuzz_seconds=${FUZZ_SECONDS:-15}

# count BUILDDIR: adds that build's test results to the totals.
count() {
	_log=$1/meson-logs/testlog.json
	[ -f "$_log" ] || { failed=$((failed + 1)); return; }
	_p=$(jq -r 'select(.result == "OK" or .result == "EXPECTEDFAIL")
	    | .name' "$_log" | wc -l)
	_f=$(jq -r 'select(.result != "OK" and .result != "EXPECTEDFAIL"
	    and .result != "SKIP") | .name' "$_log" | wc -l)
	passed=$((passed + _p))
	failed=$((failed + _f))
}

# suite BUILDDIR "MESON-TEST-ARGS" SETUP-ARGS...: configure (once),
# build, test.
suite() {
	_dir=$1
	_targs=$2
	shift 2
	if [ ! -f "$_dir/build.ninja" ]; then
		env ${SUITE_CC:+CC=$SUITE_CC} meson setup "$_dir" "$@" \
		    >/dev/null || {
			echo "meson setup $_dir failed"
			failed=$((failed + 1))
			return
		}
	fi
	if ! ninja -C "$_dir" >/dev/null; then
		ninja -C "$_dir" | tail -30 || true
		echo "build in $_dir failed"
		failed=$((failed + 1))
		return
	fi
	rm -f "$_dir/meson-logs/testlog.json"
	# shellcheck disable=SC2086
	meson test -C "$_dir" --print-errorlogs --num-processes 2 $_targs ||
	    true
	count "$_dir"
}

suite build ""
suite build-asan "--no-suite valgrind" -Db_sanitize=address,undefined \
    -Db_lundef=false
if command -v clang >/dev/null 2>&1; then
	SUITE_CC=clang suite build-fuzz "--suite fuzz" -Dfuzz=true \
	    -Dfuzz_seconds="$fuzz_seconds" -Db_lundef=false
fi

# standalone NAME COMMAND...: a test outside meson, counted as one.  Exit
# 77 means it cannot run on this machine (it says why); under CI
# (THREADSD_CI=1) that counts as a failure.
standalone() {
	_name=$1
	shift
	_rc=0
	"$@" || _rc=$?
	if [ "$_rc" -eq 0 ]; then
		passed=$((passed + 1))
	elif [ "$_rc" -eq 77 ] && [ -z "${THREADSD_CI:-}" ]; then
		echo "$_name: skipped"
	else
		echo "$_name: FAILED (status $_rc)"
		failed=$((failed + 1))
	fi
}
# The real systemd test: a Debian 12 booted under systemd-nspawn.
standalone nspawn sh tests/systemd/nspawn-test.sh

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
