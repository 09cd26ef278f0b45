#!/bin/sh
# Bulk import: JSON lines or CSV whose keys are post.schedule's argument
# names; every row validated first, each bad one reported with its line
# number, nothing queued if any is bad (also when the bad row is in a
# later chunk of a large file); --dry-run queues nothing; the rows that
# are queued publish like any post.
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 2s" "retry_delay = 1s"

for u in alice bob; do
	connect_account "$u"
done
M=$FAKE_URL/media
queued() {
	tctl --json queue --limit 0 | jq '.posts | length'
}

# JSON lines: blank lines skipped, line numbers kept.
cat > "$T/ok.jsonl" <<JSONL
{"account":"alice","at":"now","text":"imported one"}

{"account":"bob","at":"+1h","text":"imported two","poll":["yes","no"]}
{"account":"alice","at":"+2h","images":[{"url":"$M/a.jpg","alt":"a"},{"url":"$M/b.jpg"}],"text":"imported carousel"}
{"account":"alice","at":"+3h","repost":"12345678901"}
JSONL
tctl import "$T/ok.jsonl" --dry-run > "$T/out" 2>&1 || fail "dry run: $(cat "$T/out")"
grep -q "4 rows are good; nothing queued" "$T/out" || fail "dry run said: $(cat "$T/out")"
[ "$(queued)" -eq 0 ] || fail "dry run queued"
tctl import "$T/ok.jsonl" > "$T/out" 2>&1 || fail "import: $(cat "$T/out")"
grep -q "queued 4 posts" "$T/out" || fail "import said: $(cat "$T/out")"
[ "$(queued)" -eq 4 ] || fail "queued $(queued)"
tctl --json queue --limit 0 | jq -e '[.posts[].kind] | sort == ["carousel", "repost", "text", "text"]' \
    >/dev/null || fail "kinds: $(tctl --json queue)"
grep -q "4 posts imported (.*) by uid $(id -u)" "$T/daemon.log" || fail "journal"
one=$(tctl --json queue | jq -r '.posts[] | select(.text == "imported one") | .id')
wait_until 20 is_state "$one" published || fail "imported post: $(tctl show-post "$one")"

# Bad rows: each reported with its line, and nothing queued.
cat > "$T/bad.jsonl" <<JSONL
{"account":"alice","at":"+1h","text":"fine"}
{"account":"alice","at":"+1h","text":"$(head -c 501 /dev/zero | tr '\0' a)"}
{"account":"carol","at":"+1h","text":"who"}
{"account":"alice","at":"yesterday","text":"when"}
{"account":"alice","at":"+1h","text":"q","poll":["only"]}
{"account":"alice","at":"+1h","text":"r","reply_to":"12345678901"}
JSONL
before=$(queued)
rc=0
tctl import "$T/bad.jsonl" > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "bad import exited $rc: $(cat "$T/out")"
for want in "line 2: the text is 501" "line 3: unknown account 'carol'" \
    "line 4: 'yesterday' is not a time" "line 5: a poll has 2 to 4" \
    "line 6: reply_to is not taken by import" "5 of 6 rows are bad: nothing was queued"; do
	grep -q "$want" "$T/out" || fail "missing '$want': $(cat "$T/out")"
done
grep -q "line 1:" "$T/out" && fail "a good row reported"
[ "$(queued)" -eq "$before" ] || fail "a bad import queued something"
printf '{"account":"alice","at":"+1h","text":"ok"}\nnot json\n' > "$T/garbled.jsonl"
rc=0
tctl import "$T/garbled.jsonl" > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "line 2: not a JSON object" "$T/out" || fail "garbled: $(cat "$T/out")"
[ "$(queued)" -eq "$before" ] || fail "a garbled import queued something"

# CSV with a header: quoted cells with commas, quotes and newlines; lists
# with '|'; a multi-line cell keeps the line numbers of what follows.
cat > "$T/ok.csv" <<CSV
account,at,text,images,poll,ghost
alice,+1h,"a, b and ""c""",,,
bob,+1h,"two
lines",,yes|no|maybe,
alice,+1h,a carousel,$M/1.jpg|$M/2.jpg,,
alice,+1h,a ghost,,,true
CSV
tctl import "$T/ok.csv" > "$T/out" 2>&1 || fail "csv: $(cat "$T/out")"
grep -q "queued 4 posts" "$T/out" || fail "csv said: $(cat "$T/out")"
tctl --json queue --limit 0 | jq -e '[.posts[] | select(.text == "a, b and \"c\"" or
    .text == "two\nlines" or (.text == "a carousel" and .kind == "carousel") or
    .text == "a ghost")] | length == 4' >/dev/null || fail "csv rows: $(tctl --json queue)"
before=$(queued)
printf 'account,at,text\nalice,+1h,fine\nalice,+1h,"two\nlines"\nalice,+1h,x,extra\n' > "$T/bad.csv"
rc=0
tctl import "$T/bad.csv" > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "line 5: more cells than the header" "$T/out" ||
    fail "bad csv: $(cat "$T/out")"
printf 'account,at,nonsense\nalice,+1h,x\n' > "$T/cols.csv"
rc=0
tctl import "$T/cols.csv" > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "line 2: unknown argument 'nonsense'" "$T/out" ||
    fail "unknown column: $(cat "$T/out")"
[ "$(queued)" -eq "$before" ] || fail "a bad csv queued something"

# A file larger than one request: chunks of one session, one transaction;
# a bad row in the last chunk leaves the first chunks unqueued too.
pad=$(head -c 300 /dev/zero | tr '\0' p)
seq 1 3000 | awk -v pad="$pad" '{ printf "{\"account\":\"alice\",\"at\":\"+1d\",\"text\":\"bulk %d %s\"}\n", $1, pad }' \
    > "$T/big.jsonl"
[ "$(wc -c < "$T/big.jsonl")" -gt 1048576 ] || fail "the big file fits one request"
cp "$T/big.jsonl" "$T/bigbad.jsonl"
echo '{"account":"alice","at":"+1d","text":""}' >> "$T/bigbad.jsonl"
rc=0
tctl import "$T/bigbad.jsonl" > "$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "line 3001: nothing to post" "$T/out" ||
    fail "big bad: $rc $(tail -3 "$T/out")"
[ "$(queued)" -eq "$before" ] || fail "a bad big import queued $(( $(queued) - before ))"
tctl import "$T/big.jsonl" > "$T/out" 2>&1 || fail "big: $(cat "$T/out")"
[ "$(queued)" -eq $((before + 3000)) ] || fail "big queued $(( $(queued) - before ))"
stop_daemon
