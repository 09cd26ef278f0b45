#!/bin/sh
# A carousel item read FINISHED is not read again: each wake of a
# carousel whose later item is still processing goes on from that item,
# and a restart does not start the items over, since the count of items
# read FINISHED is kept in the post's record.  An image then a video of
# 6 s: the image is FINISHED at the first read, the video is read on
# the doubling (0, 2, 4 and 8 s); before, every one of those wakes read
# the image first.
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 1h" "retry_delay = 1s"
fake_admin POST "/__admin/config?video_delay=6" >/dev/null
connect_account cal Cal

# item TYPE FIELD: FIELD of cal's carousel item of that media type.
item() {
	fake_admin GET "/__admin/containers?username=cal" |
	    jq -r ".containers[] | select(.is_carousel_item and
	        .media_type == \"$1\") | .$2"
}
video_read_twice() {
	[ "$(item VIDEO status_reads)" -ge 2 ]
}

M=$FAKE_URL/media
id=$(tctl --json post cal --at +30m --text "two items" \
    --image "$M/a.jpg" --video "$M/v.mp4" | jq -r .id) || fail "post"
# The image is FINISHED, the video is not: a restart between two wakes.
wait_until 30 video_read_twice || fail "the video was not read again"
stop_daemon
start_daemon
wait_until 30 is_state "$id" ready || fail "not ready: $(tctl show-post "$id")"

fake_admin GET "/__admin/containers?username=cal" > "$T/conts"
[ "$(jq '[.containers[] | select(.is_carousel_item)] | length' \
    "$T/conts")" -eq 2 ] || fail "new items were made: $(cat "$T/conts")"
[ "$(item IMAGE status_reads)" -eq 1 ] ||
    fail "the FINISHED image was read again: $(cat "$T/conts")"
reads=$(item VIDEO status_reads)
[ "$reads" -ge 3 ] && [ "$reads" -le 5 ] ||
    fail "$reads reads of the video: $(cat "$T/conts")"
echo ok
stop_daemon
