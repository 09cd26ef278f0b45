#!/bin/sh
# Whole threads in one command: the root and its chain queued in one
# transaction, each reply waiting for the one before, published in order
# as replies to each other; --thread FILE takes one post per paragraph;
# a thread with one bad post queues nothing; cancelling the root takes
# the chain along, asked first.
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 2s" "retry_delay = 1s"

connect_account alice

queued() {
	tctl --json queue --limit 0 | jq '.posts | length'
}
# media TEXT: the fake's post of that text, as {id, reply_to_id}.
media() {
	fake_admin GET "/__admin/posts?username=alice" |
	    jq -c --arg t "$1" '.posts[] | select(.text == $t) | {id, reply_to_id}'
}

# A thread whose second post is invalid queues nothing, and says which.
long=$(head -c 501 /dev/zero | tr '\0' a)
rc=0
tctl post alice --at now --text "root" --then-text "$long" --then-text "three" \
    > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "post 2 of the thread: the text is 501 characters" "$T/out" ||
    fail "bad thread: $rc $(cat "$T/out")"
[ "$(queued)" -eq 0 ] || fail "a bad thread queued $(queued) posts"
rc=0
tctl post alice --at now --text "root" --then-text "two" --then-text "" \
    > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "post 3 of the thread" "$T/out" || fail "empty third: $(cat "$T/out")"
[ "$(queued)" -eq 0 ] || fail "an empty third queued something"
rc=0
tctl post alice --at now --text "root" --thread /dev/null > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "--thread with --text: $rc"

# --then-text: three posts, each a reply to the one before.
tctl --json post alice --at +1s --text "one" --then-text "two" --then-text "three" \
    > "$T/sched.json" || fail "thread: $(cat "$T/sched.json")"
root=$(jq -r .id "$T/sched.json")
jq -e '.thread | length == 2' "$T/sched.json" >/dev/null || fail "ids: $(cat "$T/sched.json")"
last=$(jq -r '.thread[1]' "$T/sched.json")
wait_until 30 is_state "$last" published || fail "thread: $(tctl queue)"
one=$(media one) two=$(media two) three=$(media three)
[ "$(echo "$one" | jq -r .reply_to_id)" = null ] || fail "root: $one"
[ "$(echo "$two" | jq -r .reply_to_id)" = "$(echo "$one" | jq -r .id)" ] || fail "two: $two"
[ "$(echo "$three" | jq -r .reply_to_id)" = "$(echo "$two" | jq -r .id)" ] || fail "three: $three"
grep -q "scheduled as the thread under post $root by uid $(id -u)" "$T/daemon.log" ||
    fail "journal"

# --thread FILE: paragraphs, blank lines between, CRLF and spaces allowed.
printf 'first para\nstill first\n\n  \r\nsecond para\r\n\n\nthird para\n' > "$T/thread.txt"
tctl --json post alice --at +1s --thread "$T/thread.txt" > "$T/sched.json" ||
    fail "thread file: $(cat "$T/sched.json")"
jq -e '.text == "first para\nstill first" and (.thread | length) == 2' \
    "$T/sched.json" >/dev/null || fail "paragraphs: $(cat "$T/sched.json")"
last=$(jq -r '.thread[1]' "$T/sched.json")
wait_until 30 is_state "$last" published || fail "thread file: $(tctl queue)"
[ "$(media "second para" | jq -r .reply_to_id)" = "$(media "first para
still first" | jq -r .id)" ] || fail "file chain"
[ "$(media "third para" | jq -r .reply_to_id)" = "$(media "second para" | jq -r .id)" ] ||
    fail "file chain 3"

# Cancelling the root: refused without --yes off a terminal, then all.
tctl --json post alice --at +1h --text "later" --then-text "later 2" \
    --then-text "later 3" > "$T/sched.json" || fail "later"
root=$(jq -r .id "$T/sched.json")
rc=0
tctl cancel "$root" < /dev/null > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "2 queued replies" "$T/out" || fail "cancel: $(cat "$T/out")"
tctl --json cancel "$root" --yes | jq -e '.cancelled | length == 3' >/dev/null ||
    fail "cancel --yes"
for id in $(jq -r '.thread[]' "$T/sched.json"); do
	is_state "$id" cancelled || fail "reply $id not cancelled"
done
stop_daemon
