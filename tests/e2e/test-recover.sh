#!/bin/sh
# Recovery from the windows between "done at Meta" and "recorded here",
# hit on purpose rather than by chance (test-crash.sh does the random
# kills): each case holds one answer at the fake, kills threadsd while
# it is held, and checks that the restarted daemon publishes the post
# once, with the media id the fake gave it.
#  1. A carousel killed while the create of its parent is answered: the
#     children cannot be sent again (a child belongs to one carousel), so
#     the daemon must have recorded the intent and make new ones.
#  2. A carousel whose parent create Meta refuses with 100/33 (an item
#     it does not know or that is claimed): new items, not a failure.
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 1h" "retry_delay = 1s"
connect_account ann Ann

# posts_to N: the number of POST /me/threads the fake has seen.
posts_to() {
	fake_admin GET "/__admin/requests?path=/me/threads" |
	    jq '[.requests[] | select(.method == "POST" and
	        .path == "/me/threads")] | length'
}

kill_daemon() {
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
	echo "--- killed" >> "$T/daemon.log"
}

state_of() {
	tctl --json show-post "$1" | jq -r .state
}

# --- 1. the carousel's parent create
# Every container create is answered 3 s after the fake made it.
fake_admin POST "/__admin/fault?path=/me/threads&method=POST&kind=stall&delay_ms=3000&after=1&count=0" \
    >/dev/null
M=$FAKE_URL/media
id=$(tctl --json post ann --at +20s --text "carousel kill" \
    --image "$M/a.jpg" --image "$M/b.jpg" | jq -r .id) || fail "post"
# Two children, then the parent: kill while the parent's answer is held.
at3() {
	[ "$(posts_to)" -ge 3 ]
}
wait_until 60 at3 || fail "no carousel create: $(posts_to) creates"
kill_daemon
fake_admin POST "/__admin/faults/clear" >/dev/null
start_daemon
published() {
	[ "$(state_of "$id")" = published ]
}
wait_until 60 published ||
    fail "carousel: $(tctl --json show-post "$id" | jq -c '{state, error}')"
fake_admin GET "/__admin/posts?username=ann" |
    jq -c '[.posts[] | select(.text == "carousel kill")]' > "$T/c1"
[ "$(jq length "$T/c1")" -eq 1 ] || fail "carousel: on the fake $(cat "$T/c1")"
[ "$(jq -r '.[0].children' "$T/c1")" -eq 2 ] || fail "children $(cat "$T/c1")"
[ "$(jq -r '.[0].id' "$T/c1")" = "$(tctl --json show-post "$id" | jq -r .media_id)" ] ||
    fail "carousel: media id differs"
grep -q "was staging when threadsd stopped" "$T/daemon.log" ||
    fail "carousel: not recovered from staging"

# --- 2. 100/33 on the parent create: new items, published once
fake_admin POST "/__admin/config?image_delay=3" >/dev/null
id=$(tctl --json post ann --at +15s --text "carousel refused" \
    --image "$M/c.jpg" --image "$M/d.jpg" | jq -r .id) || fail "post 2"
staged() {
	[ "$(state_of "$id")" = staged ]
}
# The items are IN_PROGRESS for 3 s: the parent create comes after this.
wait_until 20 staged || fail "2: not staged: $(state_of "$id")"
fake_admin POST "/__admin/fault?path=/me/threads&method=POST&kind=error&code=100&subcode=33&count=1&message=Unsupported%20post%20request" \
    >/dev/null
wait_until 60 published ||
    fail "2: $(tctl --json show-post "$id" | jq -c '{state, error}')"
grep -q "post $id: Meta refused an item of its carousel" "$T/daemon.log" ||
    fail "2: the refusal was not hit"
[ "$(fake_admin GET "/__admin/posts?username=ann" |
    jq '[.posts[] | select(.text == "carousel refused")] | length')" -eq 1 ] ||
    fail "2: not published once"

echo "ok"
stop_daemon
