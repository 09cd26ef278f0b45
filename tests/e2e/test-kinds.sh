#!/bin/sh
# The newer post kinds end to end (Meta's Create Posts pages): a ghost
# post, a poll, text and media spoilers, a text attachment with its link,
# a GIF, a repost at a chosen time.  Each is refused at schedule time
# where Meta would refuse it, with a message naming the problem, and the
# fake refuses the same requests sent to it directly.
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 2s" "retry_delay = 1s"

schedule() {
	tctl --json post "$@" > "$T/sched.json" || fail "post $*: $(cat "$T/sched.json")"
	jq -r .id "$T/sched.json"
}
# refused WORDS ARGS...: threadsctl post exits 1 and says WORDS.
refused() {
	_want=$1
	shift
	_rc=0
	tctl post alice --at now "$@" > "$T/out" 2>&1 || _rc=$?
	[ "$_rc" -eq 1 ] || fail "post $* exited $_rc: $(cat "$T/out")"
	grep -q -- "$_want" "$T/out" || fail "post $*: wanted '$_want': $(cat "$T/out")"
}
# fake_post FORM...: POST /me/threads to the fake directly; prints the code.
fake_post() {
	_args=
	for _kv in "$@"; do
		_args="$_args --data-urlencode $_kv"
	done
	# shellcheck disable=SC2086
	curl -s -o "$T/fake.out" -w '%{http_code}' \
	    -H "Authorization: Bearer $(cat "$T/alice.token")" $_args \
	    "$FAKE_URL/v1.0/me/threads"
}
# attach TEXT: the options the fake published with the post of that text.
attach() {
	fake_admin GET "/__admin/posts?username=alice" |
	    jq -c --arg t "$1" '.posts[] | select(.text == $t) | .attach'
}

connect_account alice
connect_account bob
M=$FAKE_URL/media

# Refused at schedule time, one message per problem.
refused "2 to 4 options" --text q --poll a
refused "2 to 4 options" --text q --poll a --poll b --poll c --poll d --poll e
refused "1 to 25" --text q --poll a --poll "$(printf '%026d' 0)"
refused "only on a text post" --text q --poll a --poll b --image "$M/x.jpg"
refused "cannot have a text attachment" --text q --poll a --poll b \
    --attachment-file /dev/null
refused "cannot be a reply" --text g --ghost --reply-to 12345678901
refused "text only" --text g --ghost --image "$M/x.jpg"
refused "nothing else" --text g --ghost --poll a --poll b
refused "ends past the text" --text "short" --spoiler 3:5
refused "at least 1" --text "short" --spoiler 1:0
refused "OFFSET:LENGTH" --text "short" --spoiler 1-2
set -- --text "0123456789abc"
for k in 0 1 2 3 4 5 6 7 8 9 10; do
	set -- "$@" --spoiler "$k:1"
done
refused "at most 10 spoiler" "$@"
refused "has none" --text t --spoiler-media
head -c 10001 /dev/zero | tr '\0' a > "$T/long"
refused "1 to 10000" --text t --attachment-file "$T/long"
printf 'long form\n' > "$T/att"
refused "goes with --attachment-file" --text t --attachment-link https://example.com/x
refused "cannot give its text attachment a link" --text t --link https://example.com/a \
    --attachment-file "$T/att" --attachment-link https://example.com/b
refused "at most 5" --text "https://a.example https://b.example https://c.example https://d.example https://e.example" \
    --attachment-file "$T/att" --attachment-link https://f.example/
refused "only on a text post" --text t --gif abc --image "$M/x.jpg"
refused "GIPHY GIF id" --text t --gif "no spaces"
_rc=0
tctl repost alice "not-digits" --at now > "$T/out" 2>&1 || _rc=$?
[ "$_rc" -eq 1 ] && grep -q "media id" "$T/out" || fail "repost id: $(cat "$T/out")"
[ "$(tctl --json queue | jq '.posts | length')" -eq 0 ] || fail "something was queued"

# The fake refuses what Meta refuses, sent to it directly.
c=$(fake_post media_type=TEXT text=q \
    'poll_attachment={"option_a":"a","option_b":"b","option_c":"c","option_d":"d","option_e":"e"}')
[ "$c" = 400 ] && jq -e '.error.code == 100' "$T/fake.out" >/dev/null ||
    fail "fake took a 5-option poll: $c $(cat "$T/fake.out")"
c=$(fake_post media_type=TEXT text=q 'poll_attachment={"option_a":"a"}')
[ "$c" = 400 ] || fail "fake took a 1-option poll"
seed=$(fake_admin POST "/__admin/posts?username=bob&text=original" | jq -r '.ids[0]')
c=$(fake_post media_type=TEXT text=g is_ghost_post=true "reply_to_id=$seed")
[ "$c" = 400 ] && grep -q "ghost" "$T/fake.out" || fail "fake took a ghost reply: $c"
c=$(fake_post media_type=IMAGE "image_url=$M/x.jpg" is_ghost_post=true)
[ "$c" = 400 ] || fail "fake took a ghost image"
c=$(fake_post media_type=TEXT text=t is_spoiler_media=true)
[ "$c" = 400 ] || fail "fake took a media spoiler on text"
c=$(fake_post media_type=TEXT text=short \
    'text_entities=[{"entity_type":"SPOILER","offset":3,"length":5}]')
[ "$c" = 400 ] || fail "fake took a spoiler past the text"
c=$(fake_post media_type=TEXT text=t 'poll_attachment={"option_a":"a","option_b":"b"}' \
    'text_attachment={"plaintext":"x"}')
[ "$c" = 400 ] || fail "fake took a poll with a text attachment"
c=$(fake_post media_type=IMAGE "image_url=$M/x.jpg" 'gif_attachment={"gif_id":"abc","provider":"GIPHY"}')
[ "$c" = 400 ] || fail "fake took a GIF on an image"
c=$(fake_post media_type=TEXT text=t 'gif_attachment={"gif_id":"abc","provider":"TENOR"}')
[ "$c" = 400 ] || fail "fake took a TENOR GIF"
c=$(fake_post media_type=TEXT text=t "text_attachment={\"plaintext\":\"$(cat "$T/long")\"}")
[ "$c" = 400 ] || fail "fake took a text attachment of 10001 characters"

# Each kind published, with what Meta was sent.
g=$(schedule alice --at now --text "a ghost post" --ghost --spoiler 2:5)
p=$(schedule alice --at now --text "which one?" --poll yes --poll no --poll "maybe so")
s=$(schedule alice --at now --text "the butler did it" --spoiler 4:6 --spoiler 15:2)
i=$(schedule alice --at now --text "spoiled image" --image "$M/s.jpg" --spoiler-media)
k=$(schedule alice --at now --text "spoiled carousel" --image "$M/1.jpg" \
    --video "$M/2.mp4" --spoiler-media)
a=$(schedule alice --at now --text "read more" --attachment-file "$T/att" \
    --attachment-link https://example.com/more)
f=$(schedule alice --at now --text "a gif" --gif xT9IgG50Fb7Mi0prBC)
due=$(( $(date +%s) + 3 ))
tctl --json repost alice "$seed" --at "$(utc_time "$due")" \
    > "$T/sched.json" || fail "repost: $(cat "$T/sched.json")"
jq -e '.kind == "repost"' "$T/sched.json" >/dev/null || fail "repost kind: $(cat "$T/sched.json")"
r=$(jq -r .id "$T/sched.json")
for id in "$g" "$p" "$s" "$i" "$k" "$a" "$f" "$r"; do
	wait_until 30 is_state "$id" published || fail "post $id: $(tctl show-post "$id")"
done

[ "$(attach "a ghost post")" = '{"is_ghost_post":true,"text_entities":[{"entity_type":"SPOILER","offset":2,"length":5}]}' ] ||
    fail "ghost: $(attach "a ghost post")"
[ "$(attach "which one?")" = '{"poll_attachment":{"option_a":"yes","option_b":"no","option_c":"maybe so"}}' ] ||
    fail "poll: $(attach "which one?")"
[ "$(attach "the butler did it" | jq -c '.text_entities | map([.offset, .length])')" = '[[4,6],[15,2]]' ] ||
    fail "spoilers: $(attach "the butler did it")"
[ "$(attach "spoiled image")" = '{"is_spoiler_media":true}' ] || fail "media spoiler"
[ "$(attach "spoiled carousel")" = '{"is_spoiler_media":true}' ] || fail "carousel spoiler"
[ "$(attach "read more")" = '{"text_attachment":{"plaintext":"long form","link_attachment_url":"https:\/\/example.com\/more"}}' ] ||
    [ "$(attach "read more")" = '{"text_attachment":{"plaintext":"long form","link_attachment_url":"https://example.com/more"}}' ] ||
    fail "text attachment: $(attach "read more")"
[ "$(attach "a gif")" = '{"gif_attachment":{"gif_id":"xT9IgG50Fb7Mi0prBC","provider":"GIPHY"}}' ] ||
    fail "gif: $(attach "a gif")"

# The repost: once, of the seeded post, not before its time.
fake_admin GET "/__admin/posts?username=alice" |
    jq -c '.posts[] | select(.media_type == "REPOST_FACADE")' > "$T/reposts"
[ "$(wc -l < "$T/reposts")" -eq 1 ] || fail "reposts: $(cat "$T/reposts")"
jq -e --arg s "$seed" --argjson due "$due" '.reposted_post_id == $s and
    .at_ms >= $due * 1000' "$T/reposts" >/dev/null || fail "repost: $(cat "$T/reposts")"
tctl --json show-post "$r" | jq -e --arg m "$(jq -r .id "$T/reposts")" \
    '.media_id == $m' >/dev/null || fail "repost media id: $(tctl --json show-post "$r")"
# A repost is a state on Threads: asked again, Meta refuses the second
# and the post is found reposted; it never doubles.
r2=$(tctl --json repost alice "$seed" --at now | jq -r .id)
wait_until 30 is_state "$r2" published || fail "second repost: $(tctl show-post "$r2")"
[ "$(fake_admin GET "/__admin/posts?username=alice" |
    jq '[.posts[] | select(.media_type == "REPOST_FACADE")] | length')" -eq 1 ] ||
    fail "the repost doubled"
stop_daemon
