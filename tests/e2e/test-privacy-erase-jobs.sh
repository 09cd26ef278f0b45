#!/bin/sh
# Removing an account ends the scheduler's work on its posts: nothing
# more is sent for it.
#  1. A publish committed and held in memory for its instant (the
#     second before it) is never sent; another account's post due at
#     the same instant is published.
#  2. A staging call out (the fake holds its answer) is abandoned, and
#     no publish follows it.
# The journal says how many jobs ended and how many were held.
. "$E2E_DIR/lib.sh"

setup

# connect USER: a fresh account of USER's; its user id in $T/USER.id.
connect() {
	fake_admin POST "/__admin/users?username=$1&name=$1" |
	    jq -r .user_id > "$T/$1.id"
	fake_admin POST "/__admin/token?username=$1&age=3600" |
	    jq -r .access_token > "$T/$1.token"
	tctl add-account --token-stdin < "$T/$1.token" >/dev/null ||
	    fail "connect $1"
}

# requests USER PATH: how many of USER's requests to PATH reached the fake.
requests() {
	fake_admin GET /__admin/requests | jq --arg u "$1" --arg p "$2" \
	    '[.requests[] | select(.user == $u and .path == $p)] | length'
}

# post USER DUE TEXT: a text post due at DUE (Unix seconds); its id.
post() {
	tctl --json post "$1" --at "$(utc_time "$2")" \
	    --text "$3" > "$T/post.json" || fail "post: $(cat "$T/post.json")"
	jq -r .id "$T/post.json"
}

now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

connect bob

# removed USER HELD: the journal says USER's account was removed with
# the work on one post ended, HELD (0 or 1) of them held.
removed() {
	grep -q "account $(cat "$T/$1.id") is removed: the work on 1 of its posts ended, $2 held" \
	    "$T/daemon.log"
}

# in_state ID STATE...: post ID is in one of the STATEs.
in_state() {
	_s=$(state "$1")
	shift
	for _w in "$@"; do
		[ "$_s" = "$_w" ] && return 0
	done
	return 1
}

# 1. The removal must come in the second before the due instant, after
# the publishing commit (the publish is held from then on) and before
# the release: as soon as the post shows "publishing".  A round where
# the post was seen only once published, or where the removal came
# after the instant and the journal does not say the publish was held,
# proves nothing either way (a slow machine): it is run again, three
# rounds at most.
round=0
held=
while [ "$round" -lt 3 ] && [ -z "$held" ]; do
	round=$((round + 1))
	u=held$round
	connect "$u"
	due=$(( $(date +%s) + 4 ))
	id=$(post "$u" "$due" "$u's post")
	other=$(post bob "$due" "bob's post $round")
	wait_until 10 in_state "$id" publishing published ||
	    fail "never publishing: $(tctl show-post "$id")"
	is_state "$id" publishing || continue
	tctl remove-account "$u" --yes >/dev/null || fail "remove $u"
	[ "$(now_ms)" -lt $((due * 1000)) ] || removed "$u" 1 || continue
	held=$u
	# Published after the instant, and again a second later: had the
	# removed account's publish been sent, the fake has it by then.
	wait_until 15 is_state "$other" published ||
	    fail "bob's post: $(tctl show-post "$other")"
	later=$(post bob $(( $(date +%s) + 2 )) "bob's later post $round")
	wait_until 15 is_state "$later" published ||
	    fail "bob's later post: $(tctl show-post "$later")"
	[ "$(requests "$u" /me/threads_publish)" -eq 0 ] ||
	    fail "the removed account's post was sent to Meta"
done
[ -n "$held" ] || fail "no round removed the account while its publish was held"
echo "round $round: removed while its publish was held"
removed "$held" 1 || fail "journal: $(grep 'is removed' "$T/daemon.log")"
tctl --json show "$held" >/dev/null 2>&1 && fail "$held is still there"

# 2. The container's answer is held by the fake for 4 s; the account is
# removed while it is out.
connect staged
fake_admin POST "/__admin/fault?path=/me/threads&method=POST&kind=stall&delay_ms=4000&after=1&count=1" \
    >/dev/null || fail "fault"
id=$(post staged $(( $(date +%s) + 600 )) "staged's post")
tctl --json show-post "$id" > "$T/staged.json" || fail "show-post"
stalled() {
	[ "$(requests staged /me/threads)" -ge 1 ] &&
	    fake_admin GET /__admin/faults | jq -e '.faults | length == 0'
}
wait_until 10 stalled || fail "the container request never came"
tctl remove-account staged --yes >/dev/null || fail "remove staged"
# Without the scheduler's hook the behaviour below is the same (the late
# answer finds no post and saves nothing): the journal line is what
# shows the call was abandoned.
removed staged 0 || fail "journal: $(grep 'is removed' "$T/daemon.log")"
# The stall's end, and a post of bob's after it: nothing more of staged's.
later=$(post bob $(( $(date +%s) + 5 )) "bob's last post")
wait_until 20 is_state "$later" published ||
    fail "bob's last post: $(tctl show-post "$later")"
[ "$(requests staged /me/threads_publish)" -eq 0 ] ||
    fail "a publish of the removed account was sent"
tctl show-post "$id" >/dev/null 2>&1 && fail "staged's post is still there"
stop_daemon
echo "ok"
