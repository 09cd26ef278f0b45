#!/bin/sh
# Stopping loses no account (issue 11.2).  Meta kills the old token the
# moment it issues a new one (the fake does too: checked below), so a
# refresh answer the daemon does not read costs a re-authorization.
#  1. SIGTERM at a random moment while refreshes are out (the fake holds
#     their answers): the daemon waits for them, saves them, exits 0,
#     and after a restart every account is active and its token works.
#  2. A poll and a post sent with the old token while the refresh is out
#     get 190: the account is not marked reauth_required; both succeed
#     with the new token.
#  3. A full store (tiny map_size) when the refresh answers come: the
#     tokens are kept in memory, the journal and status say so, no second
#     refresh starts, the map grows for the run and they are saved.
. "$E2E_DIR/lib.sh"

# requests PATH: the fake's log of calls to PATH, one JSON per line.
requests() {
	fake_admin GET "/__admin/requests" |
	    jq -c ".requests[] | select(.path == \"$1\")"
}

# refreshes USER: how many refreshes of USER's token reached the fake.
refreshes() {
	requests /refresh_access_token | jq -r "select(.user == \"$1\") | .seq" |
	    wc -l
}

# refreshed USER N: at least N refreshes of USER reached the fake.
refreshed() {
	[ "$(refreshes "$1")" -ge "$2" ]
}

# is_state ID STATE: post ID is in STATE.
is_state() {
	[ "$(tctl --json show-post "$1" | jq -r .state)" = "$2" ]
}

# connect USER [AGE]: by default a 27-hour-old token, due for a refresh
# at once (refresh_after = 1s; Meta refreshes only tokens older than 24 h).
connect() {
	connect_account "$1" "$1" "${2:-100000}"
}

# active USER: the account is active.
active() {
	tctl --json show "$1" | jq -e '.state == "active"' >/dev/null
}

# works USER: a poll with the stored token succeeds at the fake.
works() {
	tctl poll "$1" >/dev/null 2>&1
}

# hold MS: the fake answers the next refreshes MS ms late, after
# issuing the new token (and killing the old one) on arrival.
hold() {
	fake_admin DELETE "/__admin/faults" >/dev/null
	fake_admin POST "/__admin/fault?path=/refresh_access_token&kind=stall&delay_ms=$1&after=1&count=0" \
	    >/dev/null
}

start_fake
# Held answers must come within the request timeout: a refresh whose
# answer never comes is lost whatever the daemon does.
write_config "[api]" "timeout = 10s" "[tokens]" "refresh_after = 1s"

# 1. SIGTERM during refreshes, three times, at random moments.
round=0
while [ "$round" -lt 3 ]; do
	round=$((round + 1))
	hold $((5000 + $(od -An -N2 -tu2 /dev/urandom) % 2000))
	start_daemon
	users="r${round}a r${round}b r${round}c"
	for u in $users; do
		connect "$u"
	done
	for u in $users; do
		wait_until 10 refreshed "$u" 1 ||
		    fail "round $round: no refresh of $u"
	done
	# The answers are held (5 to 7 s, so that a loaded machine cannot
	# see them all answered before the signal); stop 0 to 1.5 s later.
	ms=$(($(od -An -N2 -tu2 /dev/urandom) % 1500))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
	stop_daemon
	[ "$(grep -c "stopping: waiting for" "$T/daemon.log")" -eq "$round" ] ||
	    fail "round $round: no refresh was out at the signal"
	fake_admin DELETE "/__admin/faults" >/dev/null
	start_daemon
	for u in $users; do
		active "$u" || fail "round $round: $u is not active after the stop"
		works "$u" || fail "round $round: $u's stored token does not work: $(tctl poll "$u" 2>&1)"
		[ "$(refreshes "$u")" -eq 1 ] ||
		    fail "round $round: $u was refreshed again: the answer was lost"
	done
	stop_daemon
done
grep -q "stopping: waiting for [1-9][0-9]* requests\? (at most 10 s" \
    "$T/daemon.log" || fail "no 'waiting for N requests' in the journal"
grep -q "reauth\|re-authorization" "$T/daemon.log" &&
    fail "an account needed re-authorization: $(grep -i reauth "$T/daemon.log")"

# 2. A poll and a post with the old token while the refresh is out.
hold 6000
start_daemon
connect alice
wait_until 10 refreshed alice 1 || fail "no refresh of alice"
# The fake killed alice's old token as soon as it issued the new one.
code=$(curl -sS -H "Authorization: Bearer $(cat "$T/alice.token")" \
    "$FAKE_URL/v1.0/me?fields=id" | jq -r .error.code)
[ "$code" = 190 ] || fail "the fake still takes a refreshed-away token ($code)"
before=$(requests /me | wc -l)
rc=0; tctl poll alice > "$T/poll.out" 2>&1 || rc=$?
id=$(tctl --json post alice --at now --text "during a refresh" | jq -r .id)
[ -n "$id" ] && [ "$id" != null ] || fail "post during refresh"
wait_until 20 is_state "$id" published ||
    fail "post during refresh: $(tctl show-post "$id")"
[ "$(requests /me | wc -l)" -gt "$before" ] || fail "no poll went out"
active alice || fail "alice is $(tctl --json show alice | jq -r .state) after 190s during a refresh"
wait_until 15 works alice || fail "alice's new token does not work"
grep -q "was refreshed during" "$T/poll.out" ||
    fail "the poll did not meet the refresh: $(cat "$T/poll.out")"
grep -q "a refresh has just replaced" "$T/daemon.log" ||
    fail "the post did not meet the refresh (the test did not test)"
stop_daemon
fake_admin DELETE "/__admin/faults" >/dev/null

# 3. A full store: 1 MiB, filled with posts while the tokens are young.
rm -rf "$T/state"
write_config "[tokens]" "refresh_after = 1s" "[store]" "map_size = 1M"
start_daemon
for u in carol dave erin frank; do
	connect "$u" 0
done
# A reader that keeps every page freed from now on from being reused:
# the posts fill the map to its end for certain.
mkfifo "$T/pin.in"
"$STORE_PIN" "$T/state" < "$T/pin.in" > "$T/pin.out" &
PIN_PID=$!
exec 9> "$T/pin.in"
wait_until 10 grep -q pinned "$T/pin.out" || fail "store-pin did not pin"
text=$(printf '%0500d' 0)
fails=0 n=0
while [ "$fails" -lt 5 ] && [ "$n" -lt 5000 ]; do
	n=$((n + 1))
	if tctl post dave --at +30d --text "$text" >/dev/null 2>"$T/err"; then
		fails=0
	else
		grep -qi "space\|full" "$T/err" || fail "post $n: $(cat "$T/err")"
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 5 ] || fail "the store did not fill up in $n posts"
stop_daemon
# Two days on, the four tokens are due: the answers come, the store is
# full: some at least cannot be saved.
fake_admin POST "/__admin/clock?advance=172800" >/dev/null
THREADSD_WRAPPER=$(faketime_wrapper +2d) start_daemon
# kept: the accounts whose refreshed token the store refused.
has_kept() {
	[ -n "$(kept)" ]
}
kept() {
	sed -n "s/.*token of '\([a-z]*\)' was refreshed but cannot be saved.*/\1/p" \
	    "$T/daemon.log" | sort -u
}
wait_until 15 has_kept || fail "no refreshed token was kept unsaved"
unsaved() {
	[ "$(tctl --json status | jq -r .unsaved_tokens)" -ge "$1" ]
}
# The map grows for this run at the first retry, SAVE_RETRY (5 s) on;
# until then status shows the kept tokens and no second refresh starts.
first=$(kept | head -1)
unsaved 1 || fail "status shows no unsaved token: $(tctl --json status)"
# ... and says it needs a person: degraded, exit 4, in one reply.
rc=0; tctl --json status > "$T/st" || rc=$?
[ "$rc" -eq 4 ] && jq -e '.unsaved_tokens >= 1 and .degraded and
    any(.attention[]; .kind == "token_unsaved" and
    (.message | test("held only in memory")))' "$T/st" >/dev/null ||
    fail "unsaved tokens not flagged (exit $rc): $(cat "$T/st")"
tctl status | grep -q "^tokens: *[1-4] refreshed tokens\? not saved" ||
    fail "status: $(tctl status)"
rc=0; tctl refresh "$first" >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "a second refresh of $first was accepted"
for u in $(kept); do
	wait_until 20 grep -q "token of '$u' saved" "$T/daemon.log" ||
	    fail "$u's token was never saved"
done
[ "$(tctl --json status | jq -r .unsaved_tokens)" -eq 0 ] ||
    fail "unsaved after saving: $(tctl --json status)"
grep -q "the store is full: its map grows" "$T/daemon.log" ||
    fail "no note of the map growing"
stop_daemon
exec 9>&-
wait "$PIN_PID" || fail "store-pin failed"
THREADSD_WRAPPER=$(faketime_wrapper +2d) start_daemon
for u in carol dave erin frank; do
	active "$u" || fail "$u is not active after the full store"
	works "$u" || fail "$u's saved token does not work: $(tctl poll "$u" 2>&1)"
	[ "$(refreshes "$u")" -eq 1 ] || fail "$u was refreshed twice"
done
stop_daemon

echo "ok"
