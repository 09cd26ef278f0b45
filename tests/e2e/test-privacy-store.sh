#!/bin/sh
# PRIVACY.md: "The store holds only the fields listed below."  After a
# full run (connect through both paths, polls with every metric, posts
# of each kind, a refresh) every key and value of every database is
# read back with storedump, and each field must be in PRIVACY.md's list
# (the same table people read).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/privacy-lib.sh"

setup "[poll]" "interval = 1d" "$ALL_METRICS"
pv_full_run
stop_daemon

pv_store_fields | sort -u > "$T/documented"
[ "$(wc -l < "$T/documented")" -gt 50 ] ||
    fail "PRIVACY.md's field list did not parse ($(wc -l < "$T/documented") rows)"
pv_dump > "$T/dump.jsonl" || fail "storedump"
[ -s "$T/dump.jsonl" ] || fail "the store is empty"
jq -r '.db as $db | .fields[] | "\($db) \(.)"' "$T/dump.jsonl" | sort -u \
    > "$T/found"

# Each found field is documented; "posts.*" stands for any posts.NAME.
undocumented=
while read -r db field; do
	grep -qxF "$db $field" "$T/documented" && continue
	case $db/$field in
	meta/posts.*) grep -qxF "meta posts.*" "$T/documented" && continue ;;
	esac
	undocumented="$undocumented $db:$field"
done < "$T/found"
[ -z "$undocumented" ] ||
    fail "stored but not listed in PRIVACY.md:$undocumented"

# The run really reached what the list promises to describe: the
# sealed token, the history with every metric, posts with media.
for need in "secrets (value)" "metrics views" "metrics clicks" \
    "posts media[].alt" "posts permalink" "names (value)" \
    "accounts profile_picture_url" "due (key)" "account_posts (key)"; do
	grep -qxF "$need" "$T/found" || fail "the full run stored no '$need'"
done
# The token is sealed: no stored value holds it in the clear.
grep -qF "$(cat "$T/bob.token")" "$T/dump.jsonl" && fail "a token in the clear"
grep -Eq "$TOKEN_RE" "$T/dump.jsonl" && fail "a token-shaped string in the store"
echo "ok"
