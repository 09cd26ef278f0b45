#!/bin/sh
# Posts due at the same second, beyond the connections free: every one
# is published, exactly once, and the journal says once that the rest
# waited for a connection and what sends them together.  With room for
# all, nothing is said.
. "$E2E_DIR/lib.sh"

setup "[api]" "max_connections = 2"
connect_account alice

# burst AT N TAG: N posts due at the instant AT; their ids in $T/TAG.
burst() {
	: > "$T/$3"
	_i=0
	while [ "$_i" -lt "$2" ]; do
		tctl --json post alice --at "$1" --text "$3 $_i" > "$T/sched.json" ||
		    fail "post: $(cat "$T/sched.json")"
		jq -r .id "$T/sched.json" >> "$T/$3"
		_i=$((_i + 1))
	done
}
# published TAG DUE: every post of the burst published, once each on the
# fake, and none before DUE (Unix seconds): the release wakes a little
# early and waits for the instant.
published() {
	for _id in $(cat "$T/$1"); do
		wait_until 30 is_state "$_id" published ||
		    fail "post $_id: $(tctl show-post "$_id")"
	done
	_n=$(fake_admin GET "/__admin/posts?username=alice" | jq --arg t "$1 " \
	    '[.posts[] | select(.text | startswith($t))] | length')
	[ "$_n" -eq "$(wc -l < "$T/$1")" ] || fail "$1: $_n on the fake"
	fake_admin GET "/__admin/posts?username=alice" | jq -e --arg t "$1 " \
	    --argjson due "$2" '[.posts[] | select(.text | startswith($t)) |
	    select(.at_ms < $due * 1000)] | length == 0' >/dev/null ||
	    fail "$1: published before $2: $(fake_admin GET "/__admin/posts?username=alice")"
}

# Four seconds apart: a burst's quota check (2 s before it) and the
# permalinks of the one before are not in flight at its instant.
now=$(date +%s)
t1=$(utc_time $((now + 5)))
t2=$(utc_time $((now + 9)))
t3=$(utc_time $((now + 13)))
# As many as the connections: nothing to say.
burst "$t1" 2 fits
# More: said, with the numbers.
burst "$t2" 5 waves
# Again: not said again within the hour.
burst "$t3" 5 again
published fits $((now + 5))
published waves $((now + 9))
published again $((now + 13))

grep -q "posts were due at $t1" "$T/daemon.log" &&
    fail "said for a burst that fit: $(grep 'were due' "$T/daemon.log")"
grep -q "scheduler: 5 posts were due at $t2 and [0-2] of the 2 connections (\[api\] max_connections) were free: the other [3-5] waited for one" \
    "$T/daemon.log" || fail "not said: $(grep 'scheduler:' "$T/daemon.log")"
[ "$(grep -c 'posts were due at' "$T/daemon.log")" -eq 1 ] ||
    fail "said more than once: $(grep 'were due' "$T/daemon.log")"
echo "ok: $(grep -o 'scheduler: 5 posts.*waited for one' "$T/daemon.log")"
stop_daemon
