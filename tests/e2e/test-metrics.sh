#!/bin/sh
# The poller end to end: each metric shape lands in the right field; the
# profile_lookup fallback for accounts without insights; the post count
# over several pages, then incrementally, then recounted after deletions;
# a throttled account backs off while another goes on being polled; a
# rejected token hands the account over to re-authorization; a rename
# follows; history across days (the daemon runs ahead under faketime) in
# `stats`, compared with a golden file; `metrics` as OpenMetrics, also
# golden; retention pruning.  E2E_BLESS=1 rewrites the golden files
# (tests/e2e/metrics-*.ok) from this run: read the diff before keeping it.
. "$E2E_DIR/lib.sh"

# A day is the shortest interval that does not poll again during a phase.
# The default collects followers_count alone; this test checks every
# metric's shape, so it opts in to all of them (test-privacy checks the
# default).
ALL_METRICS="metrics = followers_count views likes replies reposts quotes clicks"
setup "[poll]" "interval = 1d" "$ALL_METRICS"

# user NAME PARAMS: a fake user; prints its id.
user() {
	fake_admin POST "/__admin/users?username=$1&$2" | jq -r .user_id
}

# connect USER [nowait]: its token through stdin, kept in a file, never
# printed; then the first poll, which connecting starts, is awaited.
connect() {
	fake_admin POST "/__admin/token?username=$1" |
	    jq -r .access_token > "$T/$1.token"
	tctl add-account --token-stdin < "$T/$1.token" >/dev/null ||
	    fail "connect $1"
	[ $# -gt 1 ] || wait_until 10 nsnap "$1" 1 || fail "$1 not polled"
}

# last USER: the newest snapshot, as JSON.
last() {
	tctl --json stats "$1" --since 400d | jq -c '.snapshots[-1]'
}

# nsnap USER N: whether USER has N snapshots.
nsnap() {
	tctl --json stats "$1" --since 400d |
	    jq -e ".snapshots | length == $2" >/dev/null
}

# requests PATH-REGEX: the fake's log entries whose path matches.
requests() {
	fake_admin GET "/__admin/requests" |
	    jq -c ".requests[] | select(.path | test(\"$1\"))"
}

alice_id=$(user alice "name=Alice%20A&followers=150&views=87&likes=42&replies=7&reposts=3&quotes=1&clicks=12")
bob_id=$(user bob "name=Bob&followers=300&views=5&clicks=1")
user nolo "followers=250&insights=0&views=9&likes=4" >/dev/null
user nofo "followers=180&insights=nofollowers&views=11&likes=6&clicks=3" >/dev/null
user tiny "followers=20&insights=0" >/dev/null
fake_admin POST "/__admin/posts?username=alice&count=3" >/dev/null

# Each shape: views a day series, likes..quotes total_value, clicks
# link_total_values split over two links (8 + 4), followers total_value.
connect alice
tctl poll alice > "$T/out" || fail "poll alice"
grep -q "^polled 'alice': 150 followers, 3 posts$" "$T/out" ||
    fail "poll output: $(cat "$T/out")"
[ "$(last alice)" = '{"at":"'"$(last alice | jq -r .at)"'","followers_count":150,"views":87,"likes":42,"replies":7,"reposts":3,"quotes":1,"clicks":12,"media_count":3,"followers_source":"insights"}' ] ||
    fail "alice's snapshot: $(last alice)"
tctl --json show alice | jq -e '.followers_count == 150 and
    .media_count == 3 and .following_count == null and .last_poll_at' \
    >/dev/null || fail "alice's record: $(tctl --json show alice)"
tctl --json poll alice | jq -e '.snapshot.views == 87 and
    .account.username == "alice"' >/dev/null || fail "poll --json"

# No insights at all: followers from profile_lookup, the rest unknown,
# and the next poll does not ask insights again.
connect nolo
tctl poll nolo | grep -q "^polled 'nolo': 250 followers (from profile_lookup), 0 posts$" ||
    fail "nolo poll"
last nolo | jq -e '.followers_count == 250 and .followers_source ==
    "profile_lookup" and .views == null and .likes == null and
    .clicks == null and .media_count == 0' >/dev/null ||
    fail "nolo: $(last nolo)"
n=$(requests '/threads_insights$' | wc -l)
tctl poll nolo >/dev/null || fail "nolo again"
[ "$(requests '/threads_insights$' | wc -l)" -eq "$n" ] ||
    fail "refused insights asked for again"
grep -q "Meta refuses insights for 'nolo'" "$T/daemon.log" ||
    fail "no notice of the refusal"

# Insights without followers_count: the rest from insights.
connect nofo
tctl poll nofo >/dev/null || fail "nofo poll"
last nofo | jq -e '.followers_count == 180 and .followers_source ==
    "profile_lookup" and .views == 11 and .likes == 6 and .clicks == 3' \
    >/dev/null || fail "nofo: $(last nofo)"

# Neither: under 100 followers profile_lookup refuses too: unknown.
connect tiny
tctl poll tiny >/dev/null || fail "tiny poll"
last tiny | jq -e '.followers_count == null and .followers_source == null' \
    >/dev/null || fail "tiny: $(last tiny)"
tctl --json show tiny | jq -e '.followers_count == null' >/dev/null ||
    fail "tiny's followers are not unknown"

# Posts: 250 over three pages; then 5 new ones in one page with since;
# deletions go unseen until the recount (below, two days on).
user dave "followers=100" >/dev/null
fake_admin POST "/__admin/posts?username=dave&count=250&age=3600" \
    > "$T/dave.posts"
n=$(requests '^/me/threads$' | wc -l)
connect dave
tctl --json show dave | jq -e '.media_count == 250' >/dev/null ||
    fail "dave: $(tctl --json show dave | jq .media_count) posts, not 250"
[ "$(requests '^/me/threads$' | wc -l)" -eq $((n + 3)) ] ||
    fail "250 posts took $(( $(requests '^/me/threads$' | wc -l) - n )) pages"
fake_admin POST "/__admin/posts?username=dave&count=5" >/dev/null
n=$(requests '^/me/threads$' | wc -l)
tctl poll dave | grep -q "255 posts$" || fail "dave: 255 posts"
[ "$(requests '^/me/threads$' | wc -l)" -eq $((n + 1)) ] ||
    fail "the incremental count was not one page"
# Dave deletes them himself, with an app of his that may (threadsd's
# token has no threads_delete).
fake_admin POST "/__admin/token?username=dave&scopes=threads_basic,threads_delete" |
    jq -r .access_token > "$T/dave-delete.token"
printf 'Authorization: Bearer %s\n' "$(cat "$T/dave-delete.token")" > "$T/dave.hdr"
for id in $(jq -r '.ids[0:10][]' "$T/dave.posts"); do
	curl -sS -f -X DELETE -H @"$T/dave.hdr" "$FAKE_URL/v1.0/$id" \
	    >/dev/null || fail "delete $id"
done
tctl poll dave | grep -q "255 posts$" || fail "dave after deletions"

# Throttling: bob's insights are throttled; bob backs off, alice (now
# polled every 2 s) goes on.  A manual poll still tries, and says so.
fake_admin POST "/__admin/fault?path=/$bob_id/threads_insights&kind=throttle&count=0" \
    >/dev/null
connect bob nowait
wait_until 10 grep -q "polling 'bob' failed at /threads_insights (throttled: (#4) Application request limit reached); retrying in 1[5-8] min" \
    "$T/daemon.log" || fail "bob's first poll was not throttled"
rc=0; tctl poll bob 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "throttled poll: exit $rc"
grep -q "failed at /threads_insights (throttled: (#4) Application request limit reached); threadsd retries in 3[0-7] min" "$T/err" ||
    fail "throttled: $(cat "$T/err")"
stop_daemon
write_config "[poll]" "interval = 2s" "$ALL_METRICS"
start_daemon
bob_before=$(requests "^/(me|$bob_id/threads_insights)\$" |
    jq -r 'select(.user == "bob")' | wc -l)
# polled_since N: alice's insights were asked for more than N times.
polled_since() {
	[ "$(requests "^/$alice_id/threads_insights\$" | wc -l)" -gt "$1" ]
}
a=$(requests "^/$alice_id/threads_insights\$" | wc -l)
wait_until 20 polled_since $((a + 2)) || fail "alice is not polled every 2 s"
[ "$(requests "^/(me|$bob_id/threads_insights)\$" |
    jq -r 'select(.user == "bob")' | wc -l)" -eq "$bob_before" ] ||
    fail "bob was polled while backing off"
fake_admin DELETE "/__admin/faults" >/dev/null
tctl poll bob | grep -q "^polled 'bob': 300 followers, 0 posts$" ||
    fail "bob after the throttling"
grep -q "polling 'bob' works again after 2 failures" "$T/daemon.log" ||
    fail "no recovery line"
stop_daemon
write_config "[poll]" "interval = 1d" "$ALL_METRICS"
start_daemon

# A rename on Threads follows: the name index too.
fake_admin POST "/__admin/users/update?username=alice&new_username=alicia" \
    >/dev/null
tctl poll alice | grep -q "^polled 'alicia'" || fail "rename poll"
tctl --json show alicia | jq -e ".user_id == \"$alice_id\"" >/dev/null ||
    fail "alicia unknown"
rc=0; tctl show alice 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "the old name still resolves"
grep -q "account 'alice' is now called 'alicia' on Threads" \
    "$T/daemon.log" || fail "no rename notice"

# A revoked token: the account needs re-authorization and is not polled.
user eve "followers=100" >/dev/null
connect eve
fake_admin POST "/__admin/revoke?username=eve" >/dev/null
rc=0; tctl poll eve 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "revoked poll: exit $rc"
grep -q "reconnect the account with 'threadsctl add-account'" "$T/err" ||
    fail "revoked: $(cat "$T/err")"
tctl --json show eve | jq -e '.state == "reauth_required"' >/dev/null ||
    fail "eve is still active"
tctl metrics | grep -q '^threadsd_account_state{account="eve",user_id="[0-9]*",state="reauth_required"} 1$' ||
    fail "metrics: eve's state"
rc=0; tctl poll eve 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "'eve' needs re-authorization" "$T/err" ||
    fail "poll of a reauth account: $(cat "$T/err")"
grep -q "Meta rejected the token of 'eve'" "$T/daemon.log" ||
    fail "no re-auth line"
stop_daemon

# History over a month: carol polled on days 0, 2, 9 and 31, each by
# the poller itself when the daemon starts (a day's interval has passed).
user carol "name=Carol%20C&followers=100&views=40&likes=10&replies=2&reposts=1&quotes=1&clicks=6" \
    >/dev/null
fake_admin POST "/__admin/posts?username=carol&count=5" >/dev/null
start_daemon
connect carol
wait_until 10 nsnap carol 1 || fail "carol not polled after connecting"
phase() {
	stop_daemon
	fake_admin POST "/__admin/users/update?username=carol&followers=$2" \
	    >/dev/null
	[ "$3" -gt 0 ] && fake_admin POST \
	    "/__admin/posts?username=carol&count=$3" >/dev/null
	THREADSD_WRAPPER=$(faketime_wrapper "+$1") start_daemon
	wait_until 10 nsnap carol "$4" || fail "no poll on day $1"
}
phase 2d 110 2 2
phase 9d 130 5 3
phase 31d 150 0 4
# Day 2 recounted dave's posts in full: the deletions show.
tctl --json show dave | jq -e '.media_count == 245' >/dev/null ||
    fail "dave's recount: $(tctl --json show dave | jq .media_count)"

# mask: relative and absolute times vary from run to run; so does how
# many refreshes (refused: the fake's clock is not ahead) have failed yet.
mask() {
	sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/YYYY-MM-DDTHH:MM:SSZ/g;
	    s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}/YYYY-MM-DD HH:MM/g;
	    s/^(threadsd_build_info\{version=")[^"]*"/\1V"/;
	    s/\((in [0-9]+ [a-z]+|[0-9]+ [a-z]+ ago|now)\)/(REL)/g;
	    s/^(threadsd_account_(token_expiry|last_poll)_timestamp_seconds.*) [0-9]+$/\1 T/;
	    s/^(threadsd_refresh_failures_total\{.*\}) [0-9]+$/\1 N/'
}
tctl stats carol --since 40d | mask > "$T/stats.out"
[ -z "${E2E_BLESS:-}" ] || cp "$T/stats.out" "$E2E_DIR/metrics-stats.ok"
diff -u "$E2E_DIR/metrics-stats.ok" "$T/stats.out" || fail "stats output"
# The chart: UTF-8 blocks, or ASCII with NO_COLOR or TERM=dumb or a
# locale that is not UTF-8; --metric picks another; --csv for
# spreadsheets; the table fits 80 columns.
[ "$(LC_ALL=C.UTF-8 wc -L < "$T/stats.out")" -le 80 ] ||
    fail "stats wider than 80 columns"
grep -q '^followers: min 100, max 150; 4 snapshots over 31 d (to .* UTC)$' \
    "$T/stats.out" || fail "no followers chart"
LC_ALL=C.UTF-8 NO_COLOR=1 tctl stats carol --since 40d > "$T/ascii"
grep -q '^ *150 |  *#$' "$T/ascii" && ! grep -q "$(printf '\342')" "$T/ascii" ||
    fail "NO_COLOR: not ASCII: $(cat "$T/ascii")"
LC_ALL=C TERM=xterm tctl stats carol --since 40d | grep -q '^ *100 |' ||
    fail "C locale: not ASCII"
LC_ALL=C.UTF-8 TERM=dumb tctl stats carol --since 40d | grep -q '^ *100 |' ||
    fail "TERM=dumb: not ASCII"
tctl stats carol --since 40d --metric posts |
    grep -q '^posts: min 5, max 12; 4 snapshots' || fail "--metric posts"
[ "$(tctl stats carol --since 40d --metric all | grep -c '^[a-z]*: min .*; 4 snapshots over ')" \
    -ge 8 ] || fail "--metric all"
rc=0; tctl stats carol --metric height 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "^threadsctl: --metric: 'height' is not a metric" \
    "$T/err" || fail "bad --metric: exit $rc, $(cat "$T/err")"
tctl stats carol --since 40d --csv > "$T/csv"
[ "$(head -1 "$T/csv")" = "time,followers,views,likes,replies,reposts,quotes,clicks,posts" ] &&
    [ "$(wc -l < "$T/csv")" -eq 5 ] &&
    tail -1 "$T/csv" | grep -Eq '^[0-9T:-]+Z,150,40,10,2,1,1,6,12$' ||
    fail "--csv: $(cat "$T/csv")"
tctl --json stats carol --since 40d | jq -e '(.changes["1d"].followers_count
    == 20) and (.changes["30d"].followers_count == 50) and
    (.changes["30d"].media_count == 7) and (.snapshots | length == 4)' \
    >/dev/null || fail "stats --json"
rc=0; tctl stats carol --since yesterday 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "neither a duration" "$T/err" || fail "bad --since"
tctl metrics | grep -qx "threadsd_build_info{version=\"$("$THREADSD" --version |
    cut -d' ' -f2)\"} 1" || fail "no threadsd_build_info of this version"
tctl metrics | mask > "$T/metrics.out"
[ -z "${E2E_BLESS:-}" ] || cp "$T/metrics.out" "$E2E_DIR/metrics-openmetrics.ok"
diff -u "$E2E_DIR/metrics-openmetrics.ok" "$T/metrics.out" ||
    fail "metrics output"
tctl --json metrics | jq -e '.content_type | startswith("application/openmetrics-text")' \
    >/dev/null || fail "metrics --json"
stop_daemon

# Retention of one hour, two days later: the old snapshots go, the new
# poll's stays.
write_config "[poll]" "interval = 1d" "history_retention = 1h" "$ALL_METRICS"
THREADSD_WRAPPER=$(faketime_wrapper +33d) start_daemon
wait_until 10 grep -q "history: pruned [0-9]* snapshots taken before" \
    "$T/daemon.log" || fail "no pruning"
wait_until 10 nsnap carol 1 || fail "carol's history: $(tctl --json stats carol --since 400d)"
tctl export carol | jq -e '.metrics | length == 1' >/dev/null ||
    fail "export still has pruned snapshots"
stop_daemon
echo "ok"
