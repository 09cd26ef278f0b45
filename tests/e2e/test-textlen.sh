#!/bin/sh
# Text length as Meta counts it ("Text posts are limited to 500
# characters. Emojis are counted as the number of UTF-8 bytes"), at
# schedule time and at the fake, which counts the same way: 500 accented
# letters, 500 CJK characters and 125 emoji (500) are published; 126
# emoji (504) and a sixth link, bare www. ones included, are refused
# before anything is queued, with a message that says how Meta counts.
. "$E2E_DIR/lib.sh"

setup
fake_admin POST "/__admin/users?username=alice" >/dev/null
fake_admin POST "/__admin/token?username=alice&age=3600" |
    jq -r .access_token > "$T/alice.token"
tctl add-account --token-stdin < "$T/alice.token" >/dev/null ||
    fail "connect alice"

# repeat N STRING: STRING N times.
repeat() {
	_i=0
	_s=
	while [ "$_i" -lt "$1" ]; do
		_s=$_s$2
		_i=$((_i + 1))
	done
	printf '%s' "$_s"
}

is_published() {
	[ "$(state "$1")" = published ]
}

accented=$(repeat 500 "$(printf '\303\251')")
cjk=$(repeat 500 "$(printf '\346\274\242')")
emoji125=$(repeat 125 "$(printf '\360\237\230\200')")
ids=
for text in "$accented" "$cjk" "$emoji125"; do
	tctl --json post alice --at now --text "$text" > "$T/out" ||
	    fail "refused at schedule time: $(cat "$T/out")"
	ids="$ids $(jq -r .id "$T/out")"
done
for id in $ids; do
	wait_until 20 is_published "$id" ||
	    fail "post $id: $(tctl show-post "$id")"
done
[ "$(fake_admin GET "/__admin/posts?username=alice" |
    jq '[.posts[] | select(.text | length == 500 or length == 125)] | length')" = 3 ] ||
    fail "the fake did not publish all three"

emoji126=$(repeat 126 "$(printf '\360\237\230\200')")
rc=0; tctl post alice --at now --text "$emoji126" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "126 emoji: exit $rc"
grep -q "the text is 504 characters as Meta counts them; Threads allows at most 500 (each emoji counts as its UTF-8 bytes" \
    "$T/err" || fail "126 emoji: $(cat "$T/err")"
rc=0; tctl post alice --at now --text "www.a.example www.b.example \
https://c.example http://d.example www.e.example www.f.example" \
    2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "six links: exit $rc"
grep -q "the post has 6 distinct links; Threads allows at most 5" "$T/err" ||
    fail "six links: $(cat "$T/err")"
[ "$(tctl --json queue | jq '.posts | length')" = 3 ] ||
    fail "a refused post was queued"
stop_daemon
echo "ok"
