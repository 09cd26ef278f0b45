#!/bin/sh
# Schedule-time validation: every refusal names the problem, exits 1, and
# queues nothing; a bad command line exits 2; what is only doubtful (a
# media URL that does not look like media, a day over the quota) is a
# warning on a queued post.
. "$E2E_DIR/lib.sh"

setup
connect_account alice Alice

queued() {
	tctl --json queue --limit 0 | jq '.posts | length'
}

# refused WORDS ARGS...: post ARGS must exit 1 saying WORDS, queue nothing.
refused() {
	_want=$1
	shift
	_before=$(queued)
	_rc=0
	tctl post "$@" > "$T/out" 2> "$T/err" || _rc=$?
	[ "$_rc" -eq 1 ] || fail "post $*: exit $_rc, $(cat "$T/out" "$T/err")"
	grep -qF -- "$_want" "$T/err" ||
	    fail "post $*: wanted '$_want', got: $(cat "$T/err")"
	[ "$(queued)" -eq "$_before" ] || fail "post $*: something was queued"
}

long=$(printf '%0501d' 0)
emoji=$(printf '\360\237\230\200%.0s' $(seq 126))
alt=$(printf 'a%.0s' $(seq 1001))
tag=$(printf 't%.0s' $(seq 51))
I=https://img.example/a.jpg

refused "the text is 501 characters as Meta counts them; Threads allows at most 500" \
    alice --at +1h --text "$long"
refused "the text is 504 characters as Meta counts them; Threads allows at most 500 (each emoji counts as its UTF-8 bytes" \
    alice --at +1h --text "$emoji"
refused "the post has 6 distinct links; Threads allows at most 5" \
    alice --at +1h --text "www.a.example www.b.example https://c.example \
http://d.example www.e.example and www.f.example."
refused "the post has 6 distinct links; Threads allows at most 5" \
    alice --at +1h --text "https://a.example https://b.example \
https://c.example https://d.example https://e.example https://f.example"
refused "the post has 6 distinct links" alice --at +1h --link \
    https://z.example --text "https://a.example https://b.example \
https://c.example https://d.example https://e.example"
refused "a carousel takes 2 to 20 items; 21 were given" alice --at +1h \
    $(for n in $(seq 21); do printf -- '--image %s ' "$I"; done)
refused "--link works only on text posts" alice --at +1h --image "$I" \
    --link https://x.example
refused "the alt text of item 1 is 1001 characters; Threads allows at most 1000" \
    alice --at +1h --image "$I" --alt "$alt"
refused "a topic tag may not contain '.' or '&'" alice --at +1h --text x \
    --topic "a.b"
refused "a topic tag is 1 to 50 characters" alice --at +1h --text x \
    --topic "$tag"
refused "unknown reply control 'friends'" alice --at +1h --text x \
    --reply-control friends
refused "is in the past" alice --at 2020-01-01T00:00:00Z --text x
refused "unknown account 'mallory'" mallory --at +1h --text x
refused "nothing to post" alice --at +1h
refused "is not an http(s) URL" alice --at +1h --video file:///etc/passwd
refused "--quote takes a media id" alice --at +1h --text x --quote abc
refused "--reply-to 42: no such post" alice --at +1h --text x --reply-to 42

# Usage errors are threadsctl's: exit 2.
rc=0; tctl post alice --text x 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "no --at: exit $rc"
rc=0; tctl post alice --at +1h --alt x --image "$I" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "--alt first: exit $rc"
rc=0; tctl post alice --at +1h --text x --text-file /nonexistent 2>/dev/null ||
    rc=$?
[ "$rc" -eq 2 ] || fail "--text and --text-file: exit $rc"
# TIME's syntax is checked by threadsctl: a usage error, nothing queued.
before=$(queued)
rc=0; tctl post alice --at tomorrow --text x 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "is not a time" "$T/err" ||
    fail "--at tomorrow: exit $rc, $(cat "$T/err")"
[ "$(queued)" -eq "$before" ] || fail "--at tomorrow: something was queued"

# --text-file: the file's text, one final newline off.
printf 'from a file\nsecond line\n' > "$T/text"
tctl --json post alice --at +1h --text-file "$T/text" |
    jq -e '.text == "from a file\nsecond line" and .kind == "text"' \
    >/dev/null || fail "--text-file"

# A media URL that is not media: queued, with a warning.
tctl post alice --at +1h --image "$FAKE_URL/nothing-here.jpg" \
    > "$T/out" 2> "$T/err" || fail "warning refused"
grep -q "^post [0-9]* of 'alice' scheduled for " "$T/out" || fail "$(cat "$T/out")"
grep -q "threadsctl: warning: .*nothing-here.jpg answered a HEAD request with HTTP" \
    "$T/err" || fail "no HEAD warning: $(cat "$T/err")"

# Over the quota on a day: a warning, not a refusal.
before=$(queued)
for n in $(seq 248); do
	tctl post alice --at +2h --text "filler $n" >/dev/null || fail "filler"
done
tctl --json post alice --at +2h --text "the 251st" > "$T/out" || fail "251st"
jq -e '.warnings | any(test("has 251 posts due in the 24 h up to .*, over Meta.s quota of 250"))' \
    "$T/out" >/dev/null || fail "no quota warning: $(cat "$T/out")"
[ "$(queued)" -eq $((before + 249)) ] || fail "not queued"

# An account that needs re-authorization takes no posts.  Meta refuses
# the token at the first post's container; then no more are taken.
fake_admin POST "/__admin/revoke?username=alice" >/dev/null
tctl post alice --at now --text "refused by Meta" >/dev/null || fail "post"
reauth() {
	tctl --json show alice | jq -e '.state == "reauth_required"'
}
wait_until 10 reauth || fail "not reauth_required"
refused "account 'alice' needs re-authorization" alice --at +1h --text x
stop_daemon
echo ok
