#!/bin/sh
# A video whose processing ends just before its due time is published in
# its due second: the IN_PROGRESS container is read again at due -
# QUOTA_LEAD and at due, not only on the doubling from its staging.
# Queued 12 s ahead with 9 s of processing, it is staged at once
# (prestage is longer) and read at 0, 2, 4 and 8 s, where it is still
# IN_PROGRESS; the doubling alone reads next at 16 s, 4 s late, and the
# read at 10 s (due - 2) finds it FINISHED.  The fake's times are whole
# seconds, so its FINISHED at 9 s after the second of its creation is
# exact, and a second of the daemon's staging late still leaves the
# read at due - 2 or due after it.
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 1h" "retry_delay = 1s"
fake_admin POST "/__admin/config?video_delay=9" >/dev/null
connect_account vic Vic

due=$(( $(date +%s) + 12 ))
id=$(tctl --json post vic --at "$(utc_time "$due")" \
    --video "$FAKE_URL/media/v.mp4" --text "due video" | jq -r .id) ||
    fail "post"
wait_until 30 is_state "$id" published ||
    fail "not published: $(tctl show-post "$id")"

fake_admin GET "/__admin/containers?username=vic" > "$T/conts"
[ "$(jq '.containers | length' "$T/conts")" -eq 1 ] ||
    fail "containers: $(cat "$T/conts")"
made=$(jq '.containers[0].created_at' "$T/conts")
[ $(( made + 9 )) -le "$due" ] ||
    fail "the setup was too slow: the container was made at $made, due $due"
reads=$(jq '.containers[0].status_reads' "$T/conts")
# 0, 2, 4, 8 and 10 s, or 4 when the fake's second of the creation is
# one before the staging's (FINISHED at the read at 8 s): restraint
# kept, no read a second.
[ "$reads" -ge 4 ] && [ "$reads" -le 5 ] ||
    fail "$reads status reads: $(cat "$T/conts")"
pub=$(fake_admin GET "/__admin/posts?username=vic" |
    jq -r '.posts[] | select(.text == "due video") | .timestamp')
[ "$pub" -eq "$due" ] ||
    fail "published at $pub, due $due ($reads status reads)"
echo ok
stop_daemon
