#!/bin/sh
# A bad config stops threadsd at start with a message naming the file,
# the line and the key; --version and usage errors behave.
. "$E2E_DIR/lib.sh"

"$THREADSD" --version | grep -q '^threadsd [0-9]' || fail "--version"
rc=0; "$THREADSD" --bogus 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "unknown option: exit $rc"

FAKE_URL=http://127.0.0.1:9
write_config "[poll]" "interval = 15x"
rc=0; "$THREADSD" -f -c "$CONF" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "bad duration: exit $rc"
line=$(grep -n '^interval' "$CONF" | cut -d: -f1)
grep -q "threadsd.conf:$line: \[poll\] interval: '15x'" "$T/err" ||
    fail "bad duration message: $(cat "$T/err")"

write_config "[poll]" "colour = blue"
rc=0; "$THREADSD" -f -c "$CONF" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "unknown key: exit $rc"
grep -q "\[poll\] colour: unknown key" "$T/err" ||
    fail "unknown key message: $(cat "$T/err")"

write_config
sed -i 's|^base_url = .*|base_url = http://graph.example.com|' "$CONF"
rc=0; "$THREADSD" -f -c "$CONF" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "plain http to a remote host: exit $rc"
grep -q "base_url" "$T/err" || fail "base_url message: $(cat "$T/err")"

rc=0; "$THREADSD" -f -c "$T/nonexistent.conf" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "missing config: exit $rc"
grep -q "nonexistent.conf" "$T/err" || fail "missing: $(cat "$T/err")"

# A store the daemon cannot create is a clear error, not a crash.
write_config
sed -i "s|^path = .*|path = $T/no/such/dir/state|" "$CONF"
rc=0; "$THREADSD" -f -c "$CONF" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "bad store path: exit $rc"
grep -q "cannot create" "$T/err" || fail "store: $(cat "$T/err")"
echo "ok"
