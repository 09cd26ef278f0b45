#!/bin/sh
# threadsctl colours states on a terminal only: not in a pipe, never with
# NO_COLOR set (to anything but ""), not on TERM=dumb, never in --json;
# and the colour does not shift the table's columns.
. "$E2E_DIR/lib.sh"

command -v script >/dev/null || { echo "script(1) is not installed"; exit 77; }

setup
fake_admin POST "/__admin/users?username=alice" >/dev/null
fake_admin POST "/__admin/token?username=alice" | jq -r .access_token |
    tctl add-account --token-stdin >/dev/null || fail "add-account"
# The first poll changes the row (followers, last poll): wait for it, so
# that the terminal and the pipe see the same account.
polled() {
	[ "$(tctl --json accounts | jq -r '.accounts[0].last_poll_at')" != null ]
}
wait_until 30 polled || fail "alice was never polled"

# on_tty ENV... -- ARGS...: threadsctl ARGS on a pseudo-terminal, with
# the environment ENV.
on_tty() {
	_env=
	while [ "$1" != -- ]; do
		_env="$_env $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	env TERM=xterm $_env script -qec "$THREADSCTL -s $SOCK $*" /dev/null |
	    tr -d '\r'
}
ESC=$(printf '\033')

on_tty -- accounts > "$T/tty"
grep -q "${ESC}\[32mactive *${ESC}\[0m" "$T/tty" ||
    fail "no colour on a terminal: $(od -c "$T/tty" | head)"
on_tty -- show alice | grep -q "^state: *${ESC}\[32mactive${ESC}\[0m$" ||
    fail "show: no colour on a terminal"
# Columns line up with and without colour.
# The last column (LAST POLL, "now" or "1 s ago" a second later) is left
# out: the columns before it are what colour could move.
sed "s/${ESC}\[[0-9;]*m//g" "$T/tty" > "$T/plain"
tctl accounts > "$T/pipe"
col=$(head -1 "$T/pipe" | grep -bo 'LAST POLL' | cut -d: -f1)
cut -c "1-$col" "$T/plain" > "$T/plain.cut"
cut -c "1-$col" "$T/pipe" > "$T/pipe.cut"
cmp -s "$T/plain.cut" "$T/pipe.cut" || fail "colour moved the columns:
$(cat "$T/plain")
$(cat "$T/pipe")"

grep -q "$ESC" "$T/pipe" && fail "colour in a pipe"
on_tty NO_COLOR=1 -- accounts | grep -q "$ESC" && fail "colour with NO_COLOR"
on_tty NO_COLOR= -- accounts | grep -q "$ESC" ||
    fail "an empty NO_COLOR must not turn colour off"
on_tty TERM=dumb -- accounts | grep -q "$ESC" && fail "colour on TERM=dumb"
on_tty -- --json accounts | grep -q "$ESC" && fail "colour in --json"
echo "ok"
