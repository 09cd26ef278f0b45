#!/bin/sh
# PRIVACY.md: "threadsctl export ACCOUNT returns every field held about
# the account, and nothing of another account."  Everything storedump
# finds of alice's (her record, name, token's presence, snapshots,
# posts) must be in her export, and nothing of bob's may be.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/privacy-lib.sh"

setup "[poll]" "interval = 1d" "$ALL_METRICS"
pv_full_run
tctl export alice > "$T/alice.export" || fail "export alice"
stop_daemon
pv_dump > "$T/dump.jsonl" || fail "storedump"

# An export gives every time as ISO 8601 UTC (null for 0, never), as
# every reply does; the store keeps Unix seconds.  iso maps the stored
# values to what the export must say, field for field.
iso='def iso: with_entries(if (.key == "at" or (.key | endswith("_at"))) and
    (.value | type) == "number" then .value |= (if . > 0 then todate else
    null end) else . end); iso'

# The record, as stored, field for field.
jq -c --arg id "$alice_id" 'select(.db == "accounts" and .key == $id) |
    .value' "$T/dump.jsonl" | jq -c "$iso" > "$T/stored.record"
[ -s "$T/stored.record" ] || fail "no record of alice in the store"
jq -c .record "$T/alice.export" > "$T/exported.record"
[ "$(jq -S . "$T/stored.record")" = "$(jq -S . "$T/exported.record")" ] ||
    fail "the export's record differs from the stored one:
$(diff "$T/stored.record" "$T/exported.record")"
# The name index and the token's presence.
jq -s -e --arg id "$alice_id" 'any(.[]; .db == "names" and
    .key == "alice" and .value_hex == ($id | explode |
    map(. as $c | "0123456789"[$c - 48:$c - 47] | "3" + .) | add))' \
    "$T/dump.jsonl" >/dev/null || fail "no name index for alice"
jq -e '.account.username == "alice" and .token.stored == true and
    .token.expires_at != null' "$T/alice.export" >/dev/null ||
    fail "export: $(jq -c '.account, .token' "$T/alice.export")"
jq -s -e --arg id "$alice_id" 'any(.[]; .db == "secrets" and
    .key == $id)' "$T/dump.jsonl" >/dev/null || fail "alice has no sealed token"

# Every snapshot and every post, as stored.
jq -c --arg p "$alice_id\\x00" 'select(.db == "metrics" and
    (.key | startswith($p))) | .value' "$T/dump.jsonl" | jq -c "$iso" |
    jq -S -c . | sort > "$T/stored.metrics"
jq -c '.metrics[]' "$T/alice.export" | jq -S -c . | sort \
    > "$T/exported.metrics"
[ -s "$T/stored.metrics" ] || fail "no snapshot of alice"
cmp -s "$T/stored.metrics" "$T/exported.metrics" ||
    fail "snapshots differ: $(diff "$T/stored.metrics" "$T/exported.metrics")"
jq -c --arg id "$alice_id" 'select(.db == "posts" and
    .value.user_id == $id) | .value' "$T/dump.jsonl" | jq -c "$iso" |
    jq -S -c . | sort > "$T/stored.posts"
jq -c '.posts[]' "$T/alice.export" | jq -S -c . | sort > "$T/exported.posts"
[ "$(wc -l < "$T/stored.posts")" -eq 5 ] ||
    fail "alice has $(wc -l < "$T/stored.posts") posts stored, not 5"
cmp -s "$T/stored.posts" "$T/exported.posts" ||
    fail "posts differ: $(diff "$T/stored.posts" "$T/exported.posts")"

# Nothing of bob's.
for s in bob "$bob_id" "Bob Other" bob-only-words; do
	grep -qF "$s" "$T/alice.export" && fail "alice's export holds '$s'"
done
grep -qF "$(cat "$T/bob.token")" "$T/alice.export" && fail "a token"
grep -Eq "$TOKEN_RE" "$T/alice.export" && fail "a token in the export"
echo "ok"
