#!/bin/sh
# Exactly once through Meta's faults: 60 posts while the fake answers
# publishes with false failures (published, then HTTP 500 code 10),
# plain 500s (not published), resets and garbled bodies after publishing,
# and a stall past the client's timeout; container creation fails with
# transient 500s, status reads and the quota check are throttled, the
# /me/threads listing comes back cut.  Each post must end up published
# exactly once, with its media id, after no more than max_attempts.
# FAULT_POSTS, FAULT_ACCOUNTS and FAULT_SCALE (percent: how many faults
# for that many posts, 100 by default) change the size; FAULT_REPORT=1 prints the
# share of Graph requests that met a fault.
. "$E2E_DIR/lib.sh"

N=${FAULT_POSTS:-60}
SCALE=${FAULT_SCALE:-100}
# count K: K faults per 60 posts, scaled.
count() {
	echo $(( ($1 * N * SCALE + 3000) / 6000 ))
}

setup "[api]" "timeout = 2s" "[scheduler]" "prestage = 2s" \
    "retry_delay = 1s" "max_attempts = ${FAULT_MAX_ATTEMPTS:-5}"

users="dan eve"
if [ -n "${FAULT_ACCOUNTS:-}" ]; then
	users=$(seq -f 'fault%g' "$FAULT_ACCOUNTS" | tr '\n' ' ')
fi
nusers=$(echo $users | wc -w)
for u in $users; do
	connect_account "$u"
done

fault() {
	fake_admin POST "/__admin/fault?$1" >/dev/null || fail "fault $1"
}
# Paths are prefixes, and the first fault created wins: the publish
# faults come first, and say POST (threads_publishing_limit is a GET).
P="path=/me/threads_publish&method=POST"
fault "$P&kind=error&status=500&code=10&message=Application%20does%20not%20have%20permission%20for%20this%20action&after=1&count=$(count 12)"
fault "$P&kind=http500&count=$(count 8)"
fault "$P&kind=reset&after=1&count=$(count 4)"
fault "$P&kind=malformed&after=1&count=$(count 4)"
fault "$P&kind=stall&delay_ms=4000&after=1&count=$(count 2)"
fault "path=/me/threads&method=POST&kind=http500&count=$(count 8)"
fault "path=/me/threads_publishing_limit&kind=throttle&count=$(count 6)"
fault "path=/1789&kind=throttle&code=613&count=$(count 6)"
fault "path=/me/threads&method=GET&kind=truncated&count=$(count 2)"

i=0
while [ "$i" -lt "$N" ]; do
	u=$(echo $users | cut -d' ' -f$((i % nusers + 1)))
	tctl post "$u" --at "+$((1 + i * 3 / N))s" --text "fault post $i" \
	    >/dev/null ||
	    fail "post $i"
	i=$((i + 1))
done

published() {
	[ "$(tctl --json queue --state published --limit 0 |
	    jq '.posts | length')" -eq "$N" ]
}
wait_until $((45 + N / 20)) published ||
    fail "not all published: $(tctl queue | grep -v ' published ')"

for u in $users; do
	fake_admin GET "/__admin/posts?username=$u" |
	    jq -c '.posts[] | {id, text}'
done > "$T/fake"
[ "$(jq -r .text "$T/fake" | sort -u | wc -l)" -eq "$N" ] &&
    [ "$(wc -l < "$T/fake")" -eq "$N" ] ||
    fail "fake: $(wc -l < "$T/fake") posts, duplicates: $(jq -r .text "$T/fake" | sort | uniq -d)"
tctl --json queue --limit 0 | jq -c '.posts[] | {id: .media_id, text}' |
    sort > "$T/ours"
sort "$T/fake" | cmp -s - "$T/ours" ||
    fail "media ids differ: $(sort "$T/fake" | diff - "$T/ours")"
tctl --json queue --limit 0 | jq -e --argjson m "${FAULT_MAX_ATTEMPTS:-5}" \
    'all(.posts[]; .attempts >= 1 and .attempts <= $m)' >/dev/null ||
    fail "attempts out of range"
tctl --json status | jq -e --argjson n "$N" '.posts.published == $n and
    ([.posts[]] | add) == $n' >/dev/null ||
    fail "tallies: $(tctl --json status | jq -c .posts)"
# Every fault was met (at the default size: a larger run may end first).
left=$(fake_admin GET "/__admin/faults" | jq '[.faults[] | .count] | add // 0')
[ "$left" -eq 0 ] || [ "$N" -ne 60 ] ||
    fail "faults not met: $(fake_admin GET /__admin/faults)"
unclear=$(grep -c "the publish answer was lost or unclear" "$T/daemon.log")
found=$(grep -c "found in /me/threads" "$T/daemon.log")
[ "$unclear" -ge $(( $(count 20) )) ] && [ "$found" -ge $(( $(count 12) )) ] ||
    fail "recoveries: $unclear unclear, $found found"
share=
if [ -n "${FAULT_REPORT:-}" ]; then
	share=$(fake_admin GET "/__admin/requests" | jq -r '.requests |
	    "\([.[] | select(.fault)] | length) of \(length)"')
	share="; faults met by $share Graph requests"
fi
echo "ok: $N posts, $unclear unclear publishes, $found found published$share"
stop_daemon
