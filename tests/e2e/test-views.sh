#!/bin/sh
# Queue views: queue --from/--until and --account, and calendar (posts
# per day and account, cancelled ones not counted, gaps shown).
. "$E2E_DIR/lib.sh"

setup
for u in alice bob; do
	connect_account "$u"
done
day=$(date -u +%Y-%m-%d)
at() {
	date -u -d "$day 12:00 UTC + $1 days" +%Y-%m-%dT%H:%M:%SZ
}
tctl post alice --at "$(at 1)" --text a1 >/dev/null || fail post
tctl post alice --at "$(at 1)" --text a2 >/dev/null || fail post
tctl post bob --at "$(at 2)" --text b1 >/dev/null || fail post
tctl post alice --at "$(at 5)" --text a3 >/dev/null || fail post
c=$(tctl --json post bob --at "$(at 3)" --text gone | jq -r .id)
tctl cancel "$c" >/dev/null || fail cancel

tctl --json queue --from "$(at 1)" --until "$(at 3)" |
    jq -e '[.posts[].text] | sort == ["a1", "a2", "b1"]' >/dev/null ||
    fail "from/until: $(tctl --json queue --from "$(at 1)" --until "$(at 3)")"
tctl --json queue --account bob | jq -e '[.posts[].text] | sort == ["b1", "gone"]' \
    >/dev/null || fail "--account"
rc=0
tctl queue --from "$(at 3)" --until "$(at 1)" > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "not after" "$T/out" || fail "until before from: $(cat "$T/out")"

tctl --json calendar --days 7 --tz UTC > "$T/cal.json" || fail "calendar"
jq -e --arg d "$day" '.days | length == 7 and .[0].date == $d' "$T/cal.json" >/dev/null ||
    fail "days: $(cat "$T/cal.json")"
jq -e '.days[1].accounts.alice == 2 and .days[2].accounts.bob == 1 and
    .days[3].total == 0 and .days[5].accounts.alice == 1 and
    ([.days[].total] | add) == 4' "$T/cal.json" >/dev/null || fail "counts: $(cat "$T/cal.json")"
tctl --json calendar bob --weeks 1 | jq -e '.accounts == ["bob"] and
    ([.days[].total] | add) == 1' >/dev/null || fail "calendar bob"
tctl calendar --days 7 --tz UTC > "$T/cal.txt" || fail "calendar table"
grep -q "^DAY  *alice  *bob  *TOTAL" "$T/cal.txt" || fail "header: $(cat "$T/cal.txt")"
grep -q "$(date -u -d "$day + 1 day" +%Y-%m-%d)  *2  *\.  *2 ##" "$T/cal.txt" ||
    fail "row: $(cat "$T/cal.txt")"
rc=0
tctl calendar --days 400 > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "--days 400: $rc"
stop_daemon
