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

# --check-config [-c FILE] (like sshd -t): every error in the file, with
# "did you mean" for near misses; exit 1.  A good file: "FILE: OK", 0.
write_config "[pol]" "interval = 5m" "[poll]" "intervall = 5m" \
    "history_retention = 3x" "[tokens]" "warn_before = 7d" "refresh_afer = 2d" \
    "not a key line" "[colours]" "fg = red"
rc=0; "$THREADSD" --check-config -c "$CONF" > "$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "--check-config of a bad file: exit $rc"
n() { grep -n -x "$1" "$CONF" | head -1 | cut -d: -f1; }
for want in \
    "threadsd.conf:$(n '\[pol\]'): \[pol\]: unknown section; did you mean \[poll\]?" \
    "threadsd.conf:$(n 'intervall = 5m'): \[poll\] intervall: unknown key; did you mean 'interval'?" \
    "threadsd.conf:$(n 'history_retention = 3x'): \[poll\] history_retention: '3x' is not a duration" \
    "threadsd.conf:$(n 'refresh_afer = 2d'): \[tokens\] refresh_afer: unknown key; did you mean 'refresh_after'?" \
    "threadsd.conf:$(n 'not a key line'): syntax error" \
    "threadsd.conf:$(n '\[colours\]'): \[colours\]: unknown section$"; do
	grep -q "$want" "$T/err" || fail "--check-config: no '$want' in: $(cat "$T/err")"
done
[ "$(wc -l < "$T/err")" -eq 6 ] || fail "--check-config: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "--check-config printed $(cat "$T/out")"
write_config
"$THREADSD" -t -c "$CONF" > "$T/out" || fail "--check-config of a good file"
[ "$(cat "$T/out")" = "$CONF: OK" ] || fail "--check-config: $(cat "$T/out")"
"$THREADSD" --help | grep -q -- '--check-config' || fail "--help: no --check-config"

# A store the daemon cannot create is a clear error, not a crash.
write_config
sed -i "s|^path = .*|path = $T/no/such/dir/state|" "$CONF"
rc=0; "$THREADSD" -f -c "$CONF" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "bad store path: exit $rc"
grep -q "cannot create" "$T/err" || fail "store: $(cat "$T/err")"
echo "ok"
