#!/bin/sh
# PRIVACY.md: "No token, code or secret is written to the logs, the
# replies, a command line, the state files or a core dump."  After a
# full run, the app secret, the token key, the pasted token and the
# authorization code, and anything shaped like a token or a code (the
# refreshed tokens the test never sees), are looked for in the daemon's
# log, every reply, the daemon's argv and environment, every file of
# the state directory; then the daemon is crashed with core dumps
# allowed, and no core file may appear (threadsd turns them off, since
# a core would hold the tokens in memory).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/privacy-lib.sh"

mkdir "$T/cwd"
cd "$T/cwd"
ulimit -c unlimited 2>/dev/null || true
setup "[poll]" "interval = 1d"
pv_full_run
tr -d '\n' < "$T/state/token.key" > "$T/key.raw"
xxd -p "$T/state/token.key" | tr -d '\n' > "$T/key.hex"

# leaks FILE...: whether any secret is in the files.
leaks() {
	for _s in "$(cat "$T/app-secret")" "$(cat "$T/bob.token")" \
	    "$(cat "$T/alice.code")" "$(cat "$T/key.hex")"; do
		[ -n "$_s" ] || fail "an empty secret"
		grep -qaF "$_s" "$@" && return 0
	done
	grep -qaE "$TOKEN_RE|$CODE_RE" "$@"
}

tr '\0' '\n' < "/proc/$DAEMON_PID/cmdline" > "$T/argv"
tr '\0' '\n' < "/proc/$DAEMON_PID/environ" > "$T/environ"
leaks "$T/argv" "$T/environ" && fail "a secret in the daemon's argv or environment"
[ -s "$T/replies" ] || fail "no replies recorded"
leaks "$T/replies" && fail "a secret in a reply"
grep -q '"at"' "$T/replies" || fail "the replies are not what was expected"
pid=$DAEMON_PID

# A crash, with cores allowed by the shell: threadsd allows none.
grep -q '^Max core file size *0 *0 ' "/proc/$pid/limits" ||
    fail "core dumps are not off: $(grep core "/proc/$pid/limits")"
kill -SEGV "$pid"
wait "$pid" 2>/dev/null || true
DAEMON_PID=
leaks "$T/daemon.log" && fail "a secret in the log"
grep -q "token of .bob. refreshed; valid until" "$T/daemon.log" || fail "the log is not the full run's"
for f in "$T/state"/*; do
	case $f in
	*/token.key) grep -qaE "$TOKEN_RE|$CODE_RE" "$f" &&
	    fail "a token in token.key" ;;
	*) leaks "$f" && fail "a secret in $(basename "$f")" ;;
	esac
done
[ -z "$(ls -A "$T/cwd")" ] || fail "a core dump was written: $(ls "$T/cwd")"
echo "ok"
