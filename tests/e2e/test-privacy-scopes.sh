#!/bin/sh
# PRIVACY.md: "threadsd asks for exactly four scopes".  The scopes in
# the authorization URL are exactly the ones PRIVACY.md names, each
# once, and a token obtained through that URL holds those and no other.
. "$E2E_DIR/lib.sh"
PRIVACY_MD=$E2E_DIR/../../PRIVACY.md

setup
tr '\n' ' ' < "$PRIVACY_MD" |
    sed -n 's/.*\*\*threadsd asks for exactly four scopes\*\*: \(.*\) (test `privacy-scopes`).*/\1/p' |
    grep -o 'threads_[a-z_]*' | sort > "$T/documented"
[ "$(wc -l < "$T/documented")" -eq 4 ] ||
    fail "PRIVACY.md names $(wc -l < "$T/documented") scopes, not four"

url=$(tctl add-account --print-url)
echo "$url" | sed -n 's/.*[?&]scope=\([^&]*\).*/\1/p' | sed 's/%2C/\n/g; s/,/\n/g' \
    > "$T/asked"
sort "$T/asked" > "$T/asked.sorted"
[ "$(wc -l < "$T/asked")" -eq 4 ] || fail "the URL asks $(wc -l < "$T/asked") scopes: $url"
cmp -s "$T/documented" "$T/asked.sorted" ||
    fail "asked for $(tr '\n' ' ' < "$T/asked.sorted"), PRIVACY.md says $(tr '\n' ' ' < "$T/documented")"
[ "$(echo "$url" | grep -o '[?&]scope=' | wc -l)" -eq 1 ] ||
    fail "more than one scope parameter: $url"

# What Meta grants through that URL is what the token holds.
fake_admin POST "/__admin/users?username=alice" >/dev/null
redirect=$(curl -s -o /dev/null -D - "$url&as=alice" | tr -d '\r' |
    sed -n 's/^[Ll]ocation: //p')
echo "$redirect" | tctl add-account --redirect-url - >/dev/null ||
    fail "connect through the URL"
fake_admin GET "/__admin/users" | jq -r '.users[] | select(.username ==
    "alice") | .tokens[] | select(.kind == "long") | .scopes[]' | sort \
    > "$T/granted"
cmp -s "$T/documented" "$T/granted" ||
    fail "the token holds $(tr '\n' ' ' < "$T/granted")"
echo "ok"
