#!/bin/sh
# PRIVACY.md: "By default threadsd asks Meta for the follower count and
# no other insight, and keeps no other."  A metric not listed in
# [poll] metrics is neither requested nor stored, nor shown by stats,
# metrics or export; turning one off keeps the history but strips the
# metric from it at the next prune pass.
. "$E2E_DIR/lib.sh"

# The fake logs each request line (secrets blanked) with -v: the
# insights call's metric parameter is read from there.
printf 'e2e-app-secret\n' > "$T/app-secret"
chmod 600 "$T/app-secret"
"$FAKEGRAPH" -v -p 0 --port-file "$T/fake.port" \
    --app-secret-file "$T/app-secret" 2>"$T/fake.log" &
FAKE_PID=$!
wait_until 10 test -s "$T/fake.port" || fail "fakegraph did not start"
FAKE_URL=http://127.0.0.1:$(cat "$T/fake.port")
write_config "[poll]" "interval = 1d"
start_daemon

fake_admin POST "/__admin/users?username=alice&followers=150&views=87&likes=42&replies=7&reposts=3&quotes=1&clicks=12" \
    >/dev/null
fake_admin POST "/__admin/token?username=alice" | jq -r .access_token \
    > "$T/alice.token"
tctl add-account --token-stdin < "$T/alice.token" >/dev/null ||
    fail "connect alice"
tctl poll alice >/dev/null || fail "poll alice"

# insights_metrics: the metric= values the daemon sent, one a line.
insights_metrics() {
	sed -n 's/.*threads_insights?\(.*&\)\{0,1\}metric=\([^& ]*\).*/\2/p' \
	    "$T/fake.log" | sed 's/%2C/,/g'
}
[ -n "$(insights_metrics)" ] || fail "no insights request in the fake's log"
[ "$(insights_metrics | sort -u)" = "followers_count" ] ||
    fail "default insights asked for: $(insights_metrics | sort -u | tr '\n' ' ')"

# Not stored, not shown: the snapshot, stats, OpenMetrics, export.
keys=$(tctl --json stats alice | jq -r '.snapshots[-1] | keys | join(" ")')
[ "$keys" = "at followers_count followers_source media_count" ] ||
    fail "default snapshot holds: $keys"
tctl --json stats alice | jq -e '.snapshots[-1].followers_count == 150' \
    >/dev/null || fail "followers not kept"
tctl stats alice > "$T/stats.out" || fail "stats"
grep -Eq '^(views|likes|replies|reposts|quotes|clicks) ' "$T/stats.out" &&
    fail "stats shows a metric not collected: $(cat "$T/stats.out")"
grep -q '^followers  *150' "$T/stats.out" || fail "stats: $(cat "$T/stats.out")"
grep -q 'VIEWS' "$T/stats.out" && fail "stats history has a VIEWS column"
tctl metrics > "$T/om.out" || fail "metrics"
grep -Eq 'threadsd_account_(views|likes|replies|reposts|quotes|clicks)' \
    "$T/om.out" && fail "OpenMetrics shows a metric not collected"
grep -q '^threadsd_account_followers{account="alice",.*} 150$' "$T/om.out" ||
    fail "OpenMetrics: no followers"
tctl export alice | jq -e '[.metrics[] | keys[]] | unique |
    (index("views") == null and index("likes") == null and
    index("clicks") == null)' >/dev/null ||
    fail "export holds a metric not collected"

# Opting in: views and likes are asked for and kept, the rest not.
stop_daemon
: > "$T/fake.log"
write_config "[poll]" "interval = 1d" "metrics = followers_count, views likes"
start_daemon
tctl poll alice >/dev/null || fail "poll with views"
[ "$(insights_metrics | sort -u)" = "views,likes,followers_count" ] ||
    fail "opted-in insights asked for: $(insights_metrics | sort -u)"
tctl --json stats alice | jq -e '.snapshots[-1] | .views == 87 and
    .likes == 42 and (has("replies") | not)' >/dev/null ||
    fail "opted-in snapshot: $(tctl --json stats alice | jq -c '.snapshots[-1]')"
tctl stats alice | grep -q '^views  *87' || fail "stats: no views row"

# Turned off again: the next prune pass (one runs at start) strips views
# and likes from every snapshot; the history itself stays.
n=$(tctl --json stats alice | jq '.snapshots | length')
stop_daemon
write_config "[poll]" "interval = 1d"
start_daemon
wait_until 10 grep -q "history: removed the metrics no longer collected" \
    "$T/daemon.log" || fail "no strip pass"
tctl --json stats alice | jq -e "(.snapshots | length == $n)"' and
    ([.snapshots[] | has("views") or has("likes")] | any | not)' \
    >/dev/null || fail "history after opting out: $(tctl --json stats alice)"
tctl export alice | jq -e '[.metrics[] | has("views")] | any | not' \
    >/dev/null || fail "export after opting out"
stop_daemon
echo "ok"
