# Shared by the privacy tests (test-privacy-*.sh), after lib.sh: a full
# run that puts every kind of record in the store, and what the tests
# compare it with.  Tokens and codes are kept in files, never printed.

: "${STOREDUMP:?}"
PRIVACY_MD=$E2E_DIR/../../PRIVACY.md

ALL_METRICS="metrics = followers_count views likes replies reposts quotes clicks"

# The fake's token and code formats: every token the daemon ever held
# (refreshed ones included, which the test never sees) matches one.
TOKEN_RE='TH[A-Za-z0-9_-]{48}'
CODE_RE='AQ[A-Za-z0-9_-]{40}'

# pv_store_fields: the documented "database field" pairs, from the list
# in PRIVACY.md (the table between the privacy-store-fields markers).
pv_store_fields() {
	sed -n '/<!-- privacy-store-fields: begin -->/,/<!-- privacy-store-fields: end -->/p' \
	    "$PRIVACY_MD" |
	    sed -n 's/^| `\([a-z_]*\)` | `\([^`]*\)` |.*/\1 \2/p'
}

# pv_dump: every key and value in the store, one JSON object a line
# (the daemon must be stopped).
pv_dump() {
	"$STOREDUMP" "$T/state"
}

# approve URL USER: where Meta's consent page sends the browser.
pv_approve() {
	curl -s -o /dev/null -D - "$1&as=$2" | tr -d '\r' |
	    sed -n 's/^[Ll]ocation: //p'
}

pv_is_state() {
	[ "$(tctl --json show-post "$1" | jq -r .state)" = "$2" ]
}

# pv_full_run: alice connects through the consent page and bob with a
# pasted token; both are polled; alice publishes a text post with a
# link and a topic, an image with alt text, a carousel and a reply to a
# queued post, and keeps one scheduled for tomorrow; bob publishes one
# post and his token is refreshed.  Replies go to $T/replies.
pv_full_run() {
	fake_admin POST "/__admin/users?username=alice&name=Alice%20Private&followers=150&views=87&likes=42&replies=7&reposts=3&quotes=1&clicks=12" \
	    > "$T/alice.json"
	alice_id=$(jq -r .user_id "$T/alice.json")
	fake_admin POST "/__admin/users?username=bob&name=Bob%20Other&followers=300" \
	    > "$T/bob.json"
	bob_id=$(jq -r .user_id "$T/bob.json")
	fake_admin POST "/__admin/posts?username=alice&count=3" >/dev/null

	_url=$(tctl add-account --print-url)
	pv_approve "$_url" alice > "$T/alice.redirect"
	sed -n 's/.*[?&]code=\([^&#]*\).*/\1/p' "$T/alice.redirect" \
	    > "$T/alice.code"
	tctl --json add-account --redirect-url - < "$T/alice.redirect" \
	    >> "$T/replies" || fail "connect alice"
	fake_admin POST "/__admin/token?username=bob&age=100000" |
	    jq -r .access_token > "$T/bob.token"
	tctl --json add-account --token-stdin < "$T/bob.token" \
	    >> "$T/replies" || fail "connect bob"
	tctl --json poll alice >> "$T/replies" || fail "poll alice"
	tctl --json poll bob >> "$T/replies" || fail "poll bob"

	_m=$FAKE_URL/media
	for _args in \
	    "--text alice-text-post --link https://example.com/a --topic privacy" \
	    "--image $_m/cat.jpg --alt alice-alt-text --text alice-image" \
	    "--text alice-carousel --image $_m/1.jpg --image $_m/2.jpg"; do
		# shellcheck disable=SC2086
		tctl --json post alice --at now $_args > "$T/sched.json" ||
		    fail "post $_args"
		cat "$T/sched.json" >> "$T/replies"
		echo "$(jq -r .id "$T/sched.json")" >> "$T/alice.posts"
	done
	tctl --json post alice --at +1d --text alice-parent-tomorrow \
	    > "$T/sched.json" || fail "post tomorrow"
	_parent=$(jq -r .id "$T/sched.json")
	tctl --json post alice --at +2d --reply-to "$_parent" \
	    --text alice-reply-later >> "$T/replies" || fail "reply"
	tctl --json post bob --at now --text bob-only-words \
	    > "$T/sched.json" || fail "post bob"
	echo "$(jq -r .id "$T/sched.json")" >> "$T/bob.posts"
	for _id in $(cat "$T/alice.posts" "$T/bob.posts"); do
		wait_until 30 pv_is_state "$_id" published ||
		    fail "post $_id: $(tctl show-post "$_id")"
	done
	tctl --json refresh bob >> "$T/replies" || fail "refresh bob"
	tctl --json poll bob >> "$T/replies" || fail "poll bob again"
	tctl --json accounts >> "$T/replies"
	tctl --json queue >> "$T/replies"
	tctl --json stats alice >> "$T/replies"
	tctl --json export alice >> "$T/replies"
	tctl --json status >> "$T/replies"
}
