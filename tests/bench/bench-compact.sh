#!/bin/sh
# Figure 6, remove-account compaction: `threadsctl remove-account --yes`
# on the large store of figure 3 (10,000 accounts, 1,000,000 posts,
# 1,000,000 snapshots), timed from the request to the reply, which comes
# only after the account's records are deleted and data.mdb is rewritten
# compacted, synced and renamed.  The copy runs in a thread and only the
# rename blocks the loop: `threadsctl status` is sent over and over while
# the removal runs, and the slowest answer is the loop's longest stall.
# The daemon pings the watchdog every WatchdogSec/2, so a stall must stay
# under WatchdogSec/2 to be safe whatever the phase, and the goals keep a
# 2x margin on that: at most WatchdogSec/4 (for the reply too).
# WatchdogSec comes from the shipped unit (systemd/threadsd.service.in).
# Each run removes another account from the same store.
#
#   tests/bench/bench-compact.sh [--smoke] [BUILD_DIR]
BENCH_NAME=bench-compact
[ "${1:-}" != --smoke ] || { BENCH_SMOKE=1; shift; }
[ -z "${1:-}" ] || BENCH_BUILD=$1
. "$(dirname "$0")/lib.sh"

# WatchdogSec= of the unit, in seconds ("30s", "30", "1min", "2m 30s").
unit=
for f in "$BENCH_TOP/systemd/threadsd.service" \
    "$BENCH_TOP/systemd/threadsd.service.in"; do
	[ -f "$f" ] && { unit=$f; break; }
done
wd=
[ -z "$unit" ] ||
    wd=$(sed -n 's/^WatchdogSec=//p' "$unit" | tail -1 | awk '{
	s = 0; v = $0; gsub(/ /, "", v)
	while (match(v, /^[0-9.]+[a-z]*/)) {
		t = substr(v, 1, RLENGTH); v = substr(v, RLENGTH + 1)
		n = t + 0; u = t; sub(/^[0-9.]+/, "", u)
		if (u == "min" || u == "m") n *= 60
		else if (u == "h") n *= 3600
		else if (u == "ms") n /= 1000
		s += n
	}
	if (s > 0) print s }')
if [ -n "$wd" ]; then
	wd_from="WatchdogSec=${wd}s in systemd/${unit##*/}"
else
	wd=30
	wd_from="assumed WatchdogSec=30s: no WatchdogSec in systemd/threadsd.service(.in)"
fi
limit_ms=$(calc %.0f "$wd * 1000 / 4")

big_store "$BT/state"
write_conf "$BT/threadsd.conf" "$BT/state" "$BT/control.sock" "$STORE_METRICS" \
    "$STORE_POLL"
start_daemon "$BT/threadsd.conf"
ms=
stall=
i=0
while [ "$i" -lt "$BENCH_RUNS" ]; do
	acct=bench$((i * 37 + 5))
	t0=$(date +%s%N)
	"$THREADSCTL" -s "$BT/control.sock" remove-account --yes "$acct" \
	    > "$BT/remove.out" &
	rm_pid=$!
	# The loop answers meanwhile: the slowest status is its stall.
	while kill -0 "$rm_pid" 2>/dev/null; do
		s0=$(date +%s%N)
		"$THREADSCTL" -s "$BT/control.sock" status >/dev/null ||
		    bench_fail "status during the removal of $acct failed"
		stall="$stall $(( ($(date +%s%N) - s0) / 1000000 ))"
	done
	wait "$rm_pid" || bench_fail "remove-account $acct failed"
	t1=$(date +%s%N)
	ms="$ms $(( (t1 - t0) / 1000000 ))"
	i=$((i + 1))
done
worst=$(printf '%s\n' $stall | sort -n | tail -1)
left=$("$THREADSCTL" -s "$BT/control.sock" --json status | jq -r .accounts)
[ "$left" -eq $((STORE_ACCOUNTS - BENCH_RUNS)) ] ||
    bench_fail "$left accounts left of $STORE_ACCOUNTS after $BENCH_RUNS removals"
after_mb=$(calc %.0f "$(stat -c %s "$BT/state/data.mdb") / 1048576")
stop_daemon
bench_note "remove-account ms:$ms; store $STORE_MB MB before, $after_mb MB after"
m=$(median $ms)
figure compact.remove_account \
    "$m ms (store $STORE_MB MB, $after_mb MB compacted)" \
    "<= WatchdogSec/4 = $limit_ms ms" "$(judge "$m" '<=' "$limit_ms")"
figure compact.loop_stall "${worst:-?} ms (slowest status during the removals)" \
    "<= WatchdogSec/4 = $limit_ms ms" "$(judge "${worst:-0}" '<=' "$limit_ms")"
figure compact.watchdog "${wd} s ($wd_from)" "-" info
