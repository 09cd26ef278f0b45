#!/bin/sh
# PRIVACY.md: "Removing an account leaves no byte of it in the store
# files."  After a full run, alice's strings and her sealed token's
# bytes (read with storedump first) are in data.mdb; after
# remove-account neither data.mdb nor lock.mdb holds any of them, and
# bob's account is whole.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/privacy-lib.sh"

setup "[poll]" "interval = 1d" "$ALL_METRICS"
pv_full_run
stop_daemon
pv_dump > "$T/before.jsonl" || fail "storedump"
jq -r --arg id "$alice_id" 'select(.db == "secrets" and .key == $id) |
    .value_hex' "$T/before.jsonl" | xxd -r -p > "$T/alice.sealed"
[ "$(wc -c < "$T/alice.sealed")" -gt 40 ] || fail "no sealed token of alice"
# Binary bytes are looked for in hex: 24 bytes of the sealed token.
sealed_hex=$(head -c 32 "$T/alice.sealed" | tail -c 24 | xxd -p | tr -d '\n')
# holds_sealed FILE: FILE contains those bytes.
holds_sealed() {
	xxd -p "$1" | tr -d '\n' | grep -qF "$sealed_hex"
}

# holds FILE PATTERN-FILE: FILE contains PATTERN-FILE's bytes.
holds() {
	grep -qaF -f "$2" "$1"
}
printf '%s\n' alice "$alice_id" "Alice Private" alice-text-post \
    alice-alt-text alice-carousel alice-parent-tomorrow alice-reply-later \
    > "$T/alice.strings"
holds "$T/state/data.mdb" "$T/alice.strings" ||
    fail "the full run left nothing of alice to find"
holds_sealed "$T/state/data.mdb" ||
    fail "the sealed token is not found in data.mdb before removal"

start_daemon
tctl remove-account alice --yes >/dev/null || fail "remove-account"
stop_daemon
for f in data.mdb lock.mdb; do
	while read -r s; do
		grep -qaF "$s" "$T/state/$f" &&
		    fail "$f still holds '$s' of the removed account"
	done < "$T/alice.strings"
	holds_sealed "$T/state/$f" &&
	    fail "$f still holds the bytes of alice's sealed token"
done
# The name 'alice' is gone; bob, his posts and his token are not.
grep -qaF "Bob Other" "$T/state/data.mdb" || fail "bob's record is gone"
grep -qaF bob-only-words "$T/state/data.mdb" || fail "bob's post is gone"
pv_dump | jq -s -e --arg id "$bob_id" 'any(.[]; .db == "secrets" and
    .key == $id)' >/dev/null || fail "bob's token is gone"
echo "ok"
