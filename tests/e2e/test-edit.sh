#!/bin/sh
# post.edit: a queued post changed in one transaction, journalled with
# the peer's uid; a post whose container exists gets a new one and the
# old one is never published; a post being published or later is refused
# with the reason; replies waiting on an edited parent keep waiting; and
# an edit racing the due time leaves the post published exactly once,
# as the last accepted edit says.
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 8s" "retry_delay = 1s"
fake_admin POST "/__admin/config?video_delay=3" >/dev/null

connect_account alice
M=$FAKE_URL/media

is_staged() {
	case $(state "$1") in staged|ready) return 0 ;; esac
	return 1
}
schedule() {
	tctl --json post "$@" > "$T/sched.json" || fail "post $*: $(cat "$T/sched.json")"
	jq -r .id "$T/sched.json"
}
# published TEXT: how many posts of that text the fake has.
published() {
	fake_admin GET "/__admin/posts?username=alice" |
	    jq --arg t "$1" '[.posts[] | select(.text == $t)] | length'
}

# Text and time, one request; the journal names the uid and the fields.
a=$(schedule alice --at +1h --text "first")
tctl --json edit "$a" --text "second" --at +2h > "$T/edit.json" ||
    fail "edit: $(cat "$T/edit.json")"
jq -e '.text == "second" and .state == "scheduled"' "$T/edit.json" >/dev/null ||
    fail "edited: $(cat "$T/edit.json")"
due1=$(jq -r .due_at "$T/sched.json")
[ "$(tctl --json show-post "$a" | jq -r .due_at)" != "$due1" ] || fail "due unchanged"
grep -q "post $a of 'alice' edited by uid $(id -u) (pid [0-9]*): text, at" \
    "$T/daemon.log" || fail "journal: $(grep edited "$T/daemon.log")"

# A bad edit changes nothing.
rc=0
tctl edit "$a" --poll one > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "2 to 4 options" "$T/out" || fail "bad edit: $rc $(cat "$T/out")"
tctl --json show-post "$a" | jq -e '.text == "second"' >/dev/null || fail "bad edit changed it"
rc=0
tctl edit "$a" --reply-to 12345678901 > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "edit --reply-to: $rc"
rc=0
tctl edit 999 --text x > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "no post 999" "$T/out" || fail "edit 999: $(cat "$T/out")"

# The --no- forms take back what post set, and only edit has them.  A
# ghost post cannot have a poll, so the first edit is refused unless
# --no-ghost works; the fake shows what was published at the end.
g=$(schedule alice --at +1h --text "ghostly" --ghost --spoiler 0:3)
tctl edit "$g" --no-ghost --poll yes --poll no > "$T/out" 2>&1 ||
    fail "edit --no-ghost: $(cat "$T/out")"
tctl edit "$g" --no-poll --no-spoiler --at +3s > "$T/out" 2>&1 ||
    fail "edit --no-poll: $(cat "$T/out")"
# An edit without --no-ghost leaves a ghost a ghost.
k=$(schedule alice --at +1h --text "still a ghost" --ghost)
tctl edit "$k" --text "kept ghost" --at +3s > "$T/out" 2>&1 ||
    fail "edit k: $(cat "$T/out")"
h=$(schedule alice --at +1h --text "veiled" --image "$M/h.jpg" --spoiler-media)
tctl edit "$h" --no-spoiler-media --at +3s > "$T/out" 2>&1 ||
    fail "edit --no-spoiler-media: $(cat "$T/out")"
for args in "--ghost --no-ghost" "--poll a --poll b --no-poll" \
    "--spoiler 0:1 --no-spoiler" "--spoiler-media --no-spoiler-media" \
    "--link https://example.com/l --no-link" "--gif abc --no-gif" \
    "--attachment-file /dev/null --no-attachment-file" \
    "--quote 17890000000000999 --no-quote" "--topic t --no-topic" \
    "--reply-control everyone --no-reply-control" \
    "--attachment-link https://example.com/a --no-attachment-link"; do
	rc=0
	# shellcheck disable=SC2086
	tctl edit "$a" $args > "$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] && grep -q "not both" "$T/out" || fail "edit $args: $rc $(cat "$T/out")"
done
rc=0
tctl post alice --at +1h --text x --no-ghost > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q "is for edit" "$T/out" || fail "post --no-ghost: $rc $(cat "$T/out")"
for id in "$g" "$h" "$k"; do
	wait_until 30 is_state "$id" published || fail "post $id: $(tctl show-post "$id")"
done
for t in ghostly veiled; do
	fake_admin GET "/__admin/posts?username=alice" | jq -e --arg t "$t" \
	    '[.posts[] | select(.text == $t)] | length == 1 and .[0].attach == null' \
	    >/dev/null || fail "$t on the fake: $(fake_admin GET "/__admin/posts?username=alice")"
done
fake_admin GET "/__admin/posts?username=alice" | jq -e \
    '[.posts[] | select(.text == "kept ghost")] | length == 1 and
    .[0].attach.is_ghost_post == true' >/dev/null ||
    fail "kept ghost on the fake: $(fake_admin GET "/__admin/posts?username=alice")"

# The string options' --no- forms go as post.edit's "clear".  A ghost
# post takes no link, topic or quote, and a poll no GIF or attachment,
# so each edit is refused unless they are taken back.
q=$(schedule alice --at +1h --text "strung" --link https://example.com/l \
    --topic cats --quote 17890000000000999 --reply-control mentioned_only)
tctl edit "$q" --no-link --no-topic --no-quote --no-reply-control --ghost \
    --at +3s > "$T/out" 2>&1 || fail "edit --no-link: $(cat "$T/out")"
grep -q "post $q of 'alice' edited by uid $(id -u) (pid [0-9]*): at, ghost, no reply_control, no quote, no link, no topic;" \
    "$T/daemon.log" || fail "journal: $(grep "post $q of" "$T/daemon.log")"
printf 'more' > "$T/att"
w=$(schedule alice --at +1h --text "gifted" --gif xT9IgG50Fb7Mi0prBC)
tctl edit "$w" --no-gif --poll yes --poll no --at +3s > "$T/out" 2>&1 ||
    fail "edit --no-gif: $(cat "$T/out")"
x=$(schedule alice --at +1h --text "attached" --attachment-file "$T/att" \
    --attachment-link https://example.com/a)
tctl edit "$x" --no-attachment-file --poll yes --poll no --at +3s \
    > "$T/out" 2>&1 || fail "edit --no-attachment-file: $(cat "$T/out")"
# Only the link: the attachment stays.
y=$(schedule alice --at +1h --text "linked" --attachment-file "$T/att" \
    --attachment-link https://example.com/a)
tctl edit "$y" --no-attachment-link --at +3s > "$T/out" 2>&1 ||
    fail "edit --no-attachment-link: $(cat "$T/out")"
rc=0
tctl post alice --at +1h --text x --no-topic > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q "is for edit" "$T/out" || fail "post --no-topic: $rc $(cat "$T/out")"
# The daemon's own checks, for clients other than threadsctl.
printf '%s\n' \
    "{\"v\":1,\"id\":1,\"cmd\":\"post.edit\",\"args\":{\"id\":\"$a\",\"clear\":[\"text\"]}}" \
    "{\"v\":1,\"id\":2,\"cmd\":\"post.edit\",\"args\":{\"id\":\"$a\",\"clear\":[7]}}" \
    "{\"v\":1,\"id\":3,\"cmd\":\"post.edit\",\"args\":{\"id\":\"$a\",\"topic\":\"dogs\",\"clear\":[\"topic\"]}}" \
    | "$SOCKPOKE" "$SOCK" send > "$T/replies"
jq -e -s 'length == 3 and all(.[]; .ok == false and
    .error.code == "invalid_argument")' "$T/replies" >/dev/null &&
    grep -q "not 'text'" "$T/replies" &&
    grep -q "each of 'clear' must be a string" "$T/replies" &&
    grep -q "both given and cleared" "$T/replies" ||
    fail "clear refusals: $(cat "$T/replies")"
for id in "$q" "$w" "$x" "$y"; do
	wait_until 30 is_state "$id" published || fail "post $id: $(tctl show-post "$id")"
done
posts=$(fake_admin GET "/__admin/posts?username=alice")
echo "$posts" | jq -e '[.posts[] | select(.text == "strung")] | length == 1 and
    .[0].attach.is_ghost_post == true and .[0].link_attachment_url == null and
    .[0].topic_tag == null and .[0].quote_post_id == null' >/dev/null ||
    fail "strung on the fake: $posts"
fake_admin GET "/__admin/containers?username=alice" | jq -e \
    '[.containers[] | select(.text == "strung")] | length == 1 and
    .[0].reply_control == null' >/dev/null ||
    fail "strung's container: $(fake_admin GET "/__admin/containers?username=alice")"
for t in gifted attached; do
	echo "$posts" | jq -e --arg t "$t" '[.posts[] | select(.text == $t)] |
	    length == 1 and .[0].attach.poll_attachment != null and
	    .[0].attach.gif_attachment == null and
	    .[0].attach.text_attachment == null' >/dev/null ||
	    fail "$t on the fake: $posts"
done
echo "$posts" | jq -e '[.posts[] | select(.text == "linked")] | length == 1 and
    .[0].attach.text_attachment.plaintext == "more" and
    .[0].attach.text_attachment.link_attachment_url == null' >/dev/null ||
    fail "linked on the fake: $posts"

# A staged post: its container is replaced, the old one never published.
since=$(fake_admin GET "/__admin/requests?path=/__none" | jq -r .next)
b=$(schedule alice --at +6s --video "$M/v.mp4" --text "staged text")
wait_until 20 is_staged "$b" || fail "not staged: $(tctl show-post "$b")"
tctl edit "$b" --text "edited text" >/dev/null || fail "edit staged"
wait_until 30 is_state "$b" published || fail "b: $(tctl show-post "$b")"
[ "$(published "edited text")" -eq 1 ] && [ "$(published "staged text")" -eq 0 ] ||
    fail "b on the fake: $(fake_admin GET "/__admin/posts?username=alice")"
[ "$(fake_admin GET "/__admin/requests?path=/me/threads&since=$since" |
    jq '[.requests[] | select(.method == "POST" and .path == "/me/threads")] | length')" -ge 2 ] ||
    fail "no second container"

# Published or later: refused with the reason.
rc=0
tctl edit "$b" --text "too late" > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "already published" "$T/out" || fail "late edit: $(cat "$T/out")"

# Replies waiting on an edited parent keep waiting, then reply to it.
p=$(schedule alice --at +3s --text "parent")
r=$(schedule alice --at +3s --text "child" --reply-to "$p")
tctl edit "$p" --text "parent edited" --at +6s >/dev/null || fail "edit parent"
wait_until 30 is_state "$r" published || fail "reply: $(tctl show-post "$r")"
pm=$(tctl --json show-post "$p" | jq -r .media_id)
fake_admin GET "/__admin/posts?username=alice" | jq -e --arg m "$pm" \
    '[.posts[] | select(.text == "child" and .reply_to_id == $m)] | length == 1' \
    >/dev/null || fail "the reply is not to the edited parent"
[ "$(published "parent edited")" -eq 1 ] || fail "edited parent"

# An edit racing the due time: every edit is either taken (and then what
# is published says so) or refused because the publish has begun.
c=$(schedule alice --at +2s --text "race before")
n=0 took=0
while [ "$n" -lt 400 ]; do
	if tctl edit "$c" --text "race after" > "$T/out" 2>&1; then
		took=1
	else
		grep -q "being published\|already published" "$T/out" ||
		    fail "race refusal: $(cat "$T/out")"
		break
	fi
	n=$((n + 1))
done
wait_until 30 is_state "$c" published || fail "race: $(tctl show-post "$c")"
total=$(( $(published "race before") + $(published "race after") ))
[ "$total" -eq 1 ] || fail "race published $total times"
if [ "$took" -eq 1 ]; then
	[ "$(published "race after")" -eq 1 ] || fail "an accepted edit was lost"
fi
echo "ok: race after $n edits (took: $took)"
stop_daemon
