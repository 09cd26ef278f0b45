#!/bin/sh
# Exactly once through crashes: 120 posts over three accounts (text,
# images, carousels, videos, replies to queued parents, ghost posts,
# polls, spoilers, text attachments, GIFs, reposts) due within a few
# seconds, while threadsd is killed with SIGKILL at random moments and
# restarted.  Every publish answer is held 150 ms after the fake has
# published, so kills land between "published at Meta" and "recorded
# here" too.  Afterwards the fake must hold each post exactly once, the
# daemon must know each one's media id, and the per-state tallies must be
# exact.  CRASH_POSTS, CRASH_ACCOUNTS, CRASH_KILLS and CRASH_SPREAD (the
# seconds the due times span) change the size.
. "$E2E_DIR/lib.sh"

N=${CRASH_POSTS:-120}
KILLS=${CRASH_KILLS:-25}
SPREAD=${CRASH_SPREAD:-6}
users="ann ben cat"
if [ -n "${CRASH_ACCOUNTS:-}" ]; then
	users=$(seq -f 'crash%g' "$CRASH_ACCOUNTS" | tr '\n' ' ')
fi
nusers=$(echo $users | wc -w)

setup "[scheduler]" "prestage = 2s" "retry_delay = 1s" "[api]" \
    "max_connections = 32"
fake_admin POST "/__admin/config?video_delay=1&image_delay=1" >/dev/null

for u in $users; do
	connect_account "$u"
done

# The posts to repost, one per repost, on an account of their own.
fake_admin POST "/__admin/users?username=src&name=src" >/dev/null
printf 'the long form of a crash post\n' > "$T/att"

# The posts: due 2 to 8 s after queued, every kind, some replies.
M=$FAKE_URL/media
i=0
parent=
while [ "$i" -lt "$N" ]; do
	u=$(echo $users | cut -d' ' -f$((i % nusers + 1)))
	# Relative, so that a slow build (ASan) queues none in the past.
	set -- "$u" --at "+$((2 + i * SPREAD / N))s" --text "crash post $i"
	verb=post
	case $((i % 10)) in
	0)	set -- "$@" --ghost ;;
	2)	set -- "$@" --poll yes --poll no ;;
	3)	set -- "$@" --image "$M/$i.jpg" --spoiler-media ;;
	4)	set -- "$@" --spoiler 0:5 --spoiler 6:4 ;;
	5)	set -- "$@" --image "$M/$i-a.jpg" --video "$M/$i-b.mp4" ;;
	6)	set -- "$@" --attachment-file "$T/att" ;;
	7)	set -- "$@" --video "$M/$i.mp4" ;;
	8)	[ -n "$parent" ] && set -- "$@" --reply-to "$parent" ;;
	9)	if [ $((i % 20)) -eq 19 ]; then
			seed=$(fake_admin POST "/__admin/posts?username=src&text=source%20$i" |
			    jq -r '.ids[0]')
			# Its answers are held too, like the publishes'.
			fake_admin POST "/__admin/fault?path=/$seed/repost&kind=stall&delay_ms=150&after=1&count=0" \
			    >/dev/null
			set -- "$u" "$seed" --at "+$((2 + i * SPREAD / N))s"
			verb=repost
		else
			set -- "$@" --gif "crash$i"
		fi ;;
	esac
	id=$(tctl --json $verb "$@" | jq -r .id) || fail "post $i"
	[ $((i % 10)) -eq 1 ] && parent=$id
	i=$((i + 1))
done

# Publish answers come 150 ms after the publish is done.
fake_admin POST "/__admin/fault?path=/me/threads_publish&kind=stall&delay_ms=150&after=1&count=0" \
    >/dev/null

rand_ms() {
	od -An -N2 -tu2 /dev/urandom | awk -v max="$1" '{ print $1 % max }'
}

k=0
while [ "$k" -lt "$KILLS" ]; do
	ms=$(rand_ms 400)
	sleep "$(printf '0.%03d' "$ms")"
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
	echo "--- killed after ${ms} ms" >> "$T/daemon.log"
	start_daemon
	k=$((k + 1))
done

published() {
	[ "$(tctl --json queue --state published --limit 0 |
	    jq '.posts | length')" -eq "$N" ]
}
wait_until $((40 + SPREAD)) published || fail "not all published: $(tctl queue | grep -v published)"

# Each post exactly once on the fake, and its media id known here.  A
# repost has no text: the post it reposts tells it apart.
for u in $users; do
	fake_admin GET "/__admin/posts?username=$u" |
	    jq -c '.posts[] | {id, text, of: .reposted_post_id}'
done > "$T/fake.all"
jq -c '{id, text}' "$T/fake.all" > "$T/fake"
[ "$(wc -l < "$T/fake")" -eq "$N" ] ||
    fail "the fake has $(wc -l < "$T/fake") posts for $N: $(jq -r '.text // .of' "$T/fake.all" | sort | uniq -d)"
[ "$(jq -r '.text // .of' "$T/fake.all" | sort -u | wc -l)" -eq "$N" ] ||
    fail "duplicates: $(jq -r '.text // .of' "$T/fake.all" | sort | uniq -d)"
tctl --json queue --limit 0 | jq -c '.posts[] | {id: .media_id, text}' |
    sort > "$T/ours"
sort "$T/fake" | cmp -s - "$T/ours" ||
    fail "media ids differ: $(sort "$T/fake" | diff - "$T/ours")"
tctl --json status | jq -e --argjson n "$N" '.posts.published == $n and
    ([.posts[]] | add) == $n' >/dev/null ||
    fail "tallies: $(tctl --json status | jq -c .posts)"
grep -c "^--- killed" "$T/daemon.log" | grep -qx "$KILLS" || fail "kills"
# What the kills hit, for the record.
hits() {
	grep -c "$1" "$T/daemon.log" || true
}
inflight=$(hits 'in flight when threadsd stopped')
staging=$(hits 'was staging when')
found=$(hits 'found in /me/threads')
again=$(hits 'container was not published')
echo "ok: $N posts, $KILLS kills; recovered $inflight publishes in flight" \
    "($found found published, $again published again), $staging stagings"
stop_daemon
