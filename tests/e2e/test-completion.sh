#!/bin/bash
# threadsctl's bash completion, driven as bash would drive it: commands
# and their options from threadsctl's --help, account names and post ids
# from the running daemon over the socket the command line names, and
# nothing (and no noise) when the daemon cannot be reached.
. "$E2E_DIR/lib.sh"
: "${COMPLETION:?}"

BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || { echo "bash-completion is not installed"; exit 77; }

setup
for u in alice bob; do
	fake_admin POST "/__admin/users?username=$u" >/dev/null
	fake_admin POST "/__admin/token?username=$u" | jq -r .access_token |
	    tctl add-account --token-stdin >/dev/null || fail "add $u"
done

# bash-completion is not written for set -eu.
set +eu
. "$BC"
. "$COMPLETION"
complete -p threadsctl >/dev/null || fail "no completion registered"

# offers WORD...: what completing the last WORD offers, one per line,
# sorted; stderr goes to $T/noise.
offers() {
	COMP_WORDS=("$THREADSCTL" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_threadsctl threadsctl "${COMP_WORDS[COMP_CWORD]}" \
	    "${COMP_WORDS[COMP_CWORD - 1]}" 2>>"$T/noise"
	printf '%s\n' "${COMPREPLY[@]}" | sort | grep .
}
# expect "OFFERS" WORD...: completing gives exactly OFFERS (space-separated).
expect() {
	want=$(printf '%s\n' $1 | sort)
	shift
	got=$(offers "$@")
	[ "$got" = "$want" ] ||
	    fail "completing '$*': got '$(echo $got)', want '$(echo $want)'"
}

S=(-s "$SOCK")
# Commands, from threadsctl --help: every one listed there, and prefixes.
all=$("$THREADSCTL" --help | sed -n '/^commands:/,$s/^  \([a-z-]*\) .*/\1/p')
[ -n "$all" ] || fail "no commands in threadsctl --help"
expect "$all" "${S[@]}" ""
expect "$(printf '%s\n' $all | grep '^re')" "${S[@]}" re
expect "--help --json --socket --version" --
# Account names from the daemon, over the socket given with -s.
expect "alice bob" "${S[@]}" show ""
expect "alice" "${S[@]}" remove-account al
expect "alice bob" "--socket=$SOCK" refresh ""
THREADSCTL_SOCKET=$SOCK expect "alice bob" export ""
# One operand only; then options from the command's usage.
expect "" "${S[@]}" show alice ""
expect "--help --yes" "${S[@]}" remove-account alice --
expect "--code --help --print-url --redirect-url --token-stdin" \
    "${S[@]}" add-account --
# No daemon: no names and no error messages.
expect "" -s "$T/nothing.sock" show ""
[ ! -s "$T/noise" ] || fail "completion printed: $(cat "$T/noise")"

# Post ids, once threadsctl can queue posts.
if "$THREADSCTL" queue --help >/dev/null 2>&1 &&
    "$THREADSCTL" cancel --help >/dev/null 2>&1; then
	tctl post alice --at +1h --text "completion test" >/dev/null ||
	    fail "post"
	id=$(tctl --json queue | jq -r '.posts[0].id')
	expect "$id" "${S[@]}" cancel ""
	expect "$id" "${S[@]}" show-post ""
	expect "alice" "${S[@]}" post al
	expect "$id" "${S[@]}" post alice --at +2h --reply-to ""
	expect "scheduled staged staging" "${S[@]}" queue --state s
	# cancel offers only what it can cancel.
	gone=$(tctl --json post alice --at +3h --text "gone" | jq -r .id)
	tctl cancel "$gone" >/dev/null || fail "cancel $gone"
	expect "$id" "${S[@]}" cancel ""
	offers "${S[@]}" show-post "" | grep -qx "$gone" ||
	    fail "show-post does not offer the cancelled post $gone"
	# --tz offers zone names.
	expect "Europe/Paris" "${S[@]}" post alice --at "2031-01-01 09:00" \
	    --tz Europe/Par
	expect "alice bob" "${S[@]}" queue --state failed ""
fi
echo "ok"
