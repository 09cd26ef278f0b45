#!/bin/sh
# Containers Meta is slow with, and answers that do not say where a post
# went (issue #10 items 5-7, #11 item 1):
#  1. "Not ready" (24/4279009) to the publish of a FINISHED container:
#     no attempt spent, a backoff (5 s, then 10 s), and after three such
#     answers a fresh container, which is published once.
#  2. A container that stays IN_PROGRESS: its status reads back off, so
#     they are few; after [scheduler] container_timeout it is given up,
#     new containers are made once, then the post fails with the reason
#     threadsctl shows.
#  3. A carousel item that says PUBLISHED: the post ends (published, its
#     media id unknown) without looping and without sending anything
#     again.
#  4. A reply whose publish answer was lost and that /me/threads does not
#     list: recorded published with its media id unknown, never sent
#     again, and the journal says why (/me/replies needs a scope
#     threadsd does not ask for).
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 2s" "retry_delay = 1s" \
    "container_timeout = 16s"
connect_account ann Ann

state_of() {
	tctl --json show-post "$1" | jq -r .state
}
is_state() {
	[ "$(state_of "$1")" = "$2" ]
}
show() {
	tctl --json show-post "$1" | jq -c '{state, attempts, media_id, error}'
}
# conts JQ-FILTER: ann's containers that pass the filter, oldest first,
# with their counters (status_reads, publish_tries).
conts() {
	fake_admin GET "/__admin/containers?username=ann" |
	    jq -c "[.containers[] | select($1)]"
}
# nth TEXT K FIELD: FIELD of the K-th container of that text (0: first).
nth() {
	conts ".text == \"$1\"" | jq -r ".[$2].$3 // empty"
}
nth_ge() {
	_v=$(nth "$1" "$2" "$3")
	[ -n "$_v" ] && [ "$_v" -ge "$4" ]
}
# on_fake TEXT: the posts of that text really published, as a JSON array.
on_fake() {
	fake_admin GET "/__admin/posts?username=ann" |
	    jq -c --arg t "$1" '[.posts[] | select(.text == $t)]'
}
M=$FAKE_URL/media

# --- 2 starts first (it takes longest) and runs under 1.
fake_admin POST "/__admin/config?video_delay=100000" >/dev/null
id2=$(tctl --json post ann --at +3s --text "stuck video" \
    --video "$M/v.mp4" | jq -r .id) || fail "post 2"

# --- 1. not ready, three times: a fresh container
fake_admin POST "/__admin/config?notready_age=100000&notready_percent=100" \
    >/dev/null
id1=$(tctl --json post ann --at +3s --text "not ready" | jq -r .id) ||
    fail "post 1"
wait_until 60 nth_ge "not ready" 0 publish_tries 3 ||
    fail "1: $(conts '.text == "not ready"'): $(show "$id1")"
fake_admin POST "/__admin/config?notready_percent=0" >/dev/null
wait_until 60 is_state "$id1" published || fail "1: $(show "$id1")"
conts '.text == "not ready"' > "$T/c1"
[ "$(jq length "$T/c1")" -eq 2 ] || fail "1: containers $(cat "$T/c1")"
[ "$(jq '.[0].publish_tries' "$T/c1")" -eq 3 ] ||
    fail "1: publishes of the first container: $(cat "$T/c1")"
on_fake "not ready" > "$T/p1"
[ "$(jq length "$T/p1")" -eq 1 ] || fail "1: on the fake $(cat "$T/p1")"
[ "$(jq -r '.[0].container_id' "$T/p1")" = "$(jq -r '.[1].id' "$T/c1")" ] ||
    fail "1: not published from the fresh container"
# Refused, so not published: only the publish that went through counts.
[ "$(tctl --json show-post "$id1" | jq .attempts)" -eq 1 ] ||
    fail "1: attempts spent on 'not ready': $(show "$id1")"
# Backed off: 5 s, then 10 s between the first container's publishes.
fake_admin GET "/__admin/requests?path=/me/threads_publish" |
    jq '[.requests[] | select(.status == 400) | .at]' > "$T/at1"
[ "$(jq '.[1] - .[0]' "$T/at1")" -ge 4 ] &&
    [ "$(jq '.[2] - .[1]' "$T/at1")" -ge 9 ] ||
    fail "1: no backoff between not-ready answers: $(cat "$T/at1")"
grep -q "post $id1 of 'ann': Meta says its container is not ready to publish.*no attempt spent; publishing again in 5 s (1 of 3" \
    "$T/daemon.log" || fail "1: no not-ready line in the journal"
grep -q "post $id1: Meta answered 3 publishes of its FINISHED container with 'not ready'.*creating new containers" \
    "$T/daemon.log" || fail "1: no fresh-container line in the journal"
fake_admin POST "/__admin/config?notready_age=0" >/dev/null

# --- 2. IN_PROGRESS for good: few reads, new containers once, failed
wait_until 90 is_state "$id2" failed || fail "2: $(show "$id2")"
conts '.text == "stuck video"' > "$T/c2"
[ "$(jq length "$T/c2")" -eq 2 ] || fail "2: containers $(cat "$T/c2")"
# 16 s read at 0, 2, 4, 8 and 16 s; a read every 2 s would be 9.
for k in 0 1; do
	r=$(jq ".[$k].status_reads" "$T/c2")
	[ "$r" -ge 3 ] && [ "$r" -le 6 ] ||
	    fail "2: container $k read $r times: $(cat "$T/c2")"
done
tctl show-post "$id2" > "$T/show2"
grep -q "Meta did not finish processing its media: its container stayed IN_PROGRESS for 16 s" \
    "$T/show2" || fail "2: the reason is not shown: $(cat "$T/show2")"
grep -q "post $id2 of 'ann': its container $(jq -r '.[0].id' "$T/c2") stayed IN_PROGRESS for 16 s.*creating new containers (once)" \
    "$T/daemon.log" || fail "2: the first timeout is not in the journal"
[ "$(on_fake "stuck video")" = "[]" ] || fail "2: published"
fake_admin POST "/__admin/config?video_delay=3" >/dev/null

# --- 3. a carousel item says PUBLISHED: the post ends, nothing sent again
fake_admin POST "/__admin/config?items_published=1" >/dev/null
id3=$(tctl --json post ann --at +3s --text "items published" \
    --image "$M/a.jpg" --image "$M/b.jpg" | jq -r .id) || fail "post 3"
wait_until 60 is_state "$id3" published || fail "3: $(show "$id3")"
[ "$(tctl --json show-post "$id3" | jq -r '.media_id // ""')" = "" ] ||
    fail "3: a media id from nowhere: $(show "$id3")"
# Two items, read once: no carousel, no new items, no second read.
conts '.is_carousel_item or .media_type == "CAROUSEL_ALBUM"' > "$T/c3"
[ "$(jq length "$T/c3")" -eq 2 ] || fail "3: containers $(cat "$T/c3")"
[ "$(jq '.[0].status_reads' "$T/c3")" -eq 1 ] ||
    fail "3: the item was read again: $(cat "$T/c3")"
[ "$(on_fake "items published" | jq length)" -le 1 ] ||
    fail "3: published twice"
grep -q "post $id3: Meta says its carousel item $(jq -r '.[0].id' "$T/c3") is published" \
    "$T/daemon.log" || fail "3: the item's answer is not in the journal"
grep -q "post $id3 of 'ann' was published (its container says so) but its media id was not found" \
    "$T/daemon.log" || fail "3: the outcome is not in the journal"
fake_admin POST "/__admin/config?items_published=0" >/dev/null

# --- 4. a reply whose answer was lost, not in /me/threads
parent=$(fake_admin POST "/__admin/posts?username=ann&count=1&text=parent" |
    jq -r '.ids[0]')
fake_admin POST "/__admin/config?replies_listed=0" >/dev/null
# Published, but answered as a failure (threads-api.md 6.3).
fake_admin POST "/__admin/fault?path=/me/threads_publish&method=POST&kind=error&status=500&code=10&after=1" \
    >/dev/null
id4=$(tctl --json post ann --at +3s --text "lost reply" --reply-to "$parent" |
    jq -r .id) || fail "post 4"
wait_until 60 is_state "$id4" published || fail "4: $(show "$id4")"
[ "$(tctl --json show-post "$id4" | jq -r '.media_id // ""')" = "" ] ||
    fail "4: $(show "$id4")"
on_fake "lost reply" > "$T/p4"
[ "$(jq length "$T/p4")" -eq 1 ] || fail "4: on the fake $(cat "$T/p4")"
[ "$(jq -r '.[0].reply_to_id' "$T/p4")" = "$parent" ] || fail "4: not a reply"
[ "$(nth "lost reply" 0 publish_tries)" -eq 1 ] ||
    fail "4: sent again: $(conts '.text == "lost reply"')"
grep -q "post $id4 of 'ann', a reply, was published (Meta says so) but its media id was not found in /me/threads, and /me/replies needs the threads_read_replies permission" \
    "$T/daemon.log" || fail "4: the journal does not say why"
[ "$(fake_admin GET "/__admin/requests?path=/me/replies" |
    jq '.requests | length')" -eq 0 ] || fail "4: /me/replies was asked"

echo "ok"
stop_daemon
