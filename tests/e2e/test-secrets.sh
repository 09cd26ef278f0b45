#!/bin/sh
# Meta's token calls are GETs with the token, and for th_exchange_token
# the app secret, in the query.  After each of them, answered or failed
# (a Graph error, a 500, a connection reset), neither the app secret nor
# any token or code the fake issued appears in the daemon's log, in a
# reply or in the state files, and the log holds no URL query.  The fake
# refuses POST on these endpoints, so each call must arrive as a GET with
# its token in the query.
. "$E2E_DIR/lib.sh"

setup
for u in alice bob carol dave; do
	fake_admin POST "/__admin/users?username=$u" >/dev/null
done
: > "$T/replies"

# tctl_log ARGS...: threadsctl, its output and errors kept as replies.
tctl_log() {
	_rc=0
	tctl "$@" >>"$T/replies" 2>&1 || _rc=$?
	return $_rc
}

# clean WHAT: nothing secret anywhere local.
clean() {
	for f in "$T/daemon.log" "$T/replies" "$T"/state/*.mdb; do
		[ -f "$f" ] || continue
		grep -qaF "e2e-app-secret" "$f" &&
		    fail "$1: the app secret is in ${f##*/}"
		grep -qaE 'TH[A-Za-z0-9_-]{48}' "$f" &&
		    fail "$1: a token is in ${f##*/}"
		grep -qaE 'AQ[A-Za-z0-9_-]{40}' "$f" &&
		    fail "$1: a code is in ${f##*/}"
	done
	grep -qaE 'access_token=|input_token=|client_secret=|grant_type=' \
	    "$T/daemon.log" "$T/replies" && fail "$1: a URL query was logged"
	return 0
}

# last PATH: the fake's last request to PATH as "METHOD AUTH STATUS".
last() {
	fake_admin GET "/__admin/requests?path=$1" |
	    jq -r '.requests[-1] | "\(.method) \(.auth) \(.status)"'
}

approve() {
	curl -s -o /dev/null -D - "$1&as=$2" | tr -d '\r' |
	    sed -n 's/^[Ll]ocation: //p'
}

# The code exchange (POST, form body), then th_exchange_token.
url=$(tctl add-account --print-url)
approve "$url" alice > "$T/redirect"
tctl_log add-account --redirect-url - < "$T/redirect" ||
    fail "connect alice: $(cat "$T/replies")"
[ "$(last /oauth/access_token)" = "POST none 200" ] ||
    fail "code exchange: $(last /oauth/access_token)"
[ "$(last /access_token)" = "GET query 200" ] ||
    fail "th_exchange_token: $(last /access_token)"
clean "th_exchange_token"

# th_exchange_token refused by Meta, then with no answer at all.
for fault in "kind=error&code=190&message=Invalid%20OAuth%20access%20token" \
    "kind=http500" "kind=reset&count=5"; do
	# curl retries a GET once on a reused connection that was closed.
	fake_admin DELETE /__admin/faults >/dev/null
	fake_admin POST "/__admin/fault?path=/access_token&$fault" >/dev/null
	url=$(tctl add-account --print-url)
	approve "$url" alice > "$T/redirect"
	tctl_log add-account --redirect-url - < "$T/redirect" &&
	    fail "th_exchange_token with $fault succeeded"
	clean "failed th_exchange_token ($fault)"
done
grep -q "long-lived token exchange failed" "$T/replies" ||
    fail "no exchange failure reply: $(cat "$T/replies")"

# debug_token for a pasted token, answered, then failing (a nicety: the
# account is still added).
fake_admin POST "/__admin/token?username=bob&age=100000" |
    jq -r .access_token > "$T/bob.token"
tctl_log add-account --token-stdin < "$T/bob.token" || fail "connect bob"
[ "$(last /debug_token)" = "GET query 200" ] ||
    fail "debug_token: $(last /debug_token)"
clean "debug_token"
fake_admin POST "/__admin/token?username=carol&age=100000" |
    jq -r .access_token > "$T/carol.token"
fake_admin POST "/__admin/fault?path=/debug_token&kind=http500" >/dev/null
tctl_log add-account --token-stdin < "$T/carol.token" || fail "connect carol"
[ "$(last /debug_token)" = "GET query 500" ] ||
    fail "failed debug_token: $(last /debug_token)"
clean "failed debug_token"

# th_refresh_token, answered, refused and unanswered.
tctl_log refresh bob || fail "refresh bob: $(cat "$T/replies")"
[ "$(last /refresh_access_token)" = "GET query 200" ] ||
    fail "th_refresh_token: $(last /refresh_access_token)"
clean "th_refresh_token"
fake_admin POST "/__admin/fault?path=/refresh_access_token&kind=error&code=190&subcode=463&message=Error%20validating%20access%20token" \
    >/dev/null
tctl_log refresh carol && fail "a refused refresh succeeded"
clean "refused th_refresh_token"
fake_admin POST "/__admin/token?username=dave&age=100000" |
    jq -r .access_token > "$T/dave.token"
tctl_log add-account --token-stdin < "$T/dave.token" || fail "connect dave"
fake_admin DELETE /__admin/faults >/dev/null
fake_admin POST "/__admin/fault?path=/refresh_access_token&kind=reset&count=5" \
    >/dev/null
tctl_log refresh dave && fail "an unanswered refresh succeeded"
clean "unanswered th_refresh_token"

# Not one POST reached the GET-only token endpoints.
fake_admin GET /__admin/requests | jq -e '[.requests[] |
    select(.path == "/access_token" or .path == "/refresh_access_token"
    or .path == "/debug_token") | select(.method != "GET")] | length == 0' \
    >/dev/null || fail "a token call was not a GET"
stop_daemon
clean "after stop"
echo "ok"
