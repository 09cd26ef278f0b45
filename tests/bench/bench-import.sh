#!/bin/sh
# Bulk import: 10,000 rows of JSON lines (a few accounts, text posts due
# over the next days) through threadsctl import, as an operator runs it:
# read and parsed by threadsctl, sent in chunks, validated by the daemon
# and queued in one transaction.  Figures: the seconds of a --dry-run and
# of the import itself (goal: under 10 s, "seconds, not minutes").
#
#   tests/bench/bench-import.sh [--smoke] [BUILD_DIR]
BENCH_NAME=bench-import
[ "${1:-}" != --smoke ] || { BENCH_SMOKE=1; shift; }
[ -z "${1:-}" ] || BENCH_BUILD=$1
. "$(dirname "$0")/lib.sh"

if [ -n "$BENCH_SMOKE" ]; then
	nrows=500
else
	nrows=${BENCH_IMPORT_ROWS:-10000}
fi
GOAL_S=10

printf 'bench-app-secret\n' > "$BT/app-secret"
chmod 600 "$BT/app-secret"
"$FAKEGRAPH" -p 0 --port-file "$BT/fake.port" \
    --app-secret-file "$BT/app-secret" 2>"$BT/fake.log" &
BENCH_PIDS="$!"
until_ok 10 test -s "$BT/fake.port" || bench_fail "fakegraph did not start"
B=http://127.0.0.1:$(cat "$BT/fake.port")
admin() {
	curl -sS -f -X "$1" "$B$2"
}

# run N: a fresh store, the accounts, then the two timed imports.
run() {
	rm -rf "$BT/state"
	cat > "$BT/import.conf" <<CONF
[api]
base_url = $B
auth_url = $B/oauth/authorize
app_id = 1000000000000001
app_secret_file = $BT/app-secret
redirect_uri = https://localhost/threadsd/callback

[store]
path = $BT/state
map_size = 1G

[control]
socket = $BT/ctl.sock
CONF
	start_daemon "$BT/import.conf"
	for u in ann ben cat; do
		admin POST "/__admin/users?username=$u$1&name=$u" >/dev/null
		admin POST "/__admin/token?username=$u$1&age=3600" |
		    jq -r .access_token |
		    "$THREADSCTL" -s "$BT/ctl.sock" add-account --token-stdin \
		    >/dev/null || bench_fail "add-account"
	done
	awk -v n="$nrows" -v r="$1" 'BEGIN {
	    split("ann ben cat", u, " ")
	    for (i = 1; i <= n; i++)
		printf "{\"account\":\"%s%s\",\"at\":\"+%dm\",\"text\":\"bulk post %d of the benchmark, due in a while\"}\n",
		    u[i % 3 + 1], r, 60 + i, i }' > "$BT/rows.jsonl"
	t0=$(date +%s%N)
	"$THREADSCTL" -s "$BT/ctl.sock" import --dry-run "$BT/rows.jsonl" \
	    >/dev/null 2>&1 || bench_fail "dry run failed"
	t1=$(date +%s%N)
	"$THREADSCTL" -s "$BT/ctl.sock" import "$BT/rows.jsonl" >/dev/null \
	    2>&1 || bench_fail "import failed"
	t2=$(date +%s%N)
	[ "$("$THREADSCTL" -s "$BT/ctl.sock" --json queue --limit 0 |
	    jq '.posts | length')" -eq "$nrows" ] || bench_fail "not all queued"
	stop_daemon
	echo "$(calc %.2f "($t1 - $t0) / 1e9") $(calc %.2f "($t2 - $t1) / 1e9")"
}

dry=
imp=
i=0
while [ "$i" -lt "$BENCH_RUNS" ]; do
	set -- $(run "$i")
	bench_note "run $i: dry run $1 s, import $2 s"
	dry="$dry $1"
	imp="$imp $2"
	i=$((i + 1))
done
# shellcheck disable=SC2086
d=$(median $dry)
# shellcheck disable=SC2086
m=$(median $imp)
figure import.dry_run "$d s for $nrows rows" "<= $GOAL_S s" \
    "$(judge "$d" "<=" "$GOAL_S")"
figure import.queue "$m s for $nrows rows, one transaction" "<= $GOAL_S s" \
    "$(judge "$m" "<=" "$GOAL_S")"
