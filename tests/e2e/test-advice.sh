#!/bin/sh
# The setup errors people hit while connecting an account, produced by
# the fake as Meta would, and turned by threadsd into advice that names
# the setting to change: a Meta (Facebook) app id where the Threads App
# ID belongs (4476002 on the authorization page, 101 at the code
# exchange), a redirect URI the app has not registered (1349026 on the
# page, the redirect_uri refusal at the exchange), an app not in Live
# mode, the Meta app's secret.  All through threadsctl add-account.
. "$E2E_DIR/lib.sh"

setup
fake_admin POST "/__admin/users?username=alice" >/dev/null
APP=1000000000000001
REG=https%3A%2F%2Flocalhost%2Fthreadsd%2Fcallback

# restart KEY VALUE: the daemon again, with [api] KEY = VALUE.
restart() {
	stop_daemon
	sed -i "s|^$1 = .*|$1 = $2|" "$CONF"
	start_daemon
}

# page: what Meta's authorization window shows for a fresh URL, as alice.
page() {
	curl -s "$(tctl add-account --print-url)&as=alice"
}

# fresh_code: a code from the registered app id and redirect URI.
fresh_code() {
	curl -s -o /dev/null -D - "$FAKE_URL/oauth/authorize?client_id=$APP&redirect_uri=$REG&scope=threads_basic&response_type=code&as=alice" |
	    tr -d '\r' | sed -n 's/^[Ll]ocation: .*[?&]code=\([^&#]*\).*/\1/p'
}

# refused WANT ARGS...: add-account refuses, saying WANT.
refused() {
	_want=$1
	shift
	_rc=0
	tctl add-account "$@" 2>"$T/err" >/dev/null || _rc=$?
	[ "$_rc" -eq 1 ] || fail "add-account $1: exit $_rc, $(cat "$T/err")"
	grep -qF -- "$_want" "$T/err" ||
	    fail "wanted '$_want', got: $(cat "$T/err")"
}
SETTINGS="App Dashboard -> Use cases -> Access the Threads API -> Settings"

# A Meta (Facebook) app id.
restart app_id 2000000000000002
page > "$T/page"
grep -q '"error_code":4476002' "$T/page" || fail "page: $(cat "$T/page")"
refused "No app ID was provided in the request. (error 4476002); [api] app_id must be the Threads App ID, not the Meta (Facebook) app ID: copy it from $SETTINGS" \
    --redirect-url "$(cat "$T/page")"
code=$(fresh_code)
refused "code exchange failed: Error validating application. Invalid application ID. (Meta code 101); [api] app_id must be the Threads App ID" \
    --code "$code"

# A redirect URI the app has not registered (the dashboard's slash).
restart app_id $APP
restart redirect_uri https://localhost/threadsd/callback/
page > "$T/page"
grep -q '"error_code":1349026' "$T/page" || fail "page: $(cat "$T/page")"
refused "(error 1349026); [api] redirect_uri must be exactly one of the Redirect Callback URLs in $SETTINGS" \
    --redirect-url "$(cat "$T/page")"
code=$(fresh_code)
refused "Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request (Meta code 400); [api] redirect_uri must be exactly one of the Redirect Callback URLs" \
    --code "$code"

# An app in Development mode: testers only.
restart redirect_uri https://localhost/threadsd/callback
fake_admin POST "/__admin/config?live=0" >/dev/null
page > "$T/page"
refused "Insufficient developer role: this app is not live and the user is not one of its Threads testers; the app is not in Live mode: switch it to Live in the App Dashboard, or add this Threads account as a Threads tester" \
    --redirect-url "$(cat "$T/page")"
fake_admin POST "/__admin/users/update?username=alice&tester=1" >/dev/null
url=$(tctl add-account --print-url)
curl -s -o /dev/null -D - "$url&as=alice" | tr -d '\r' |
    sed -n 's/^[Ll]ocation: //p' > "$T/redirect"
tctl add-account --redirect-url - < "$T/redirect" >/dev/null ||
    fail "a tester could not connect"
fake_admin POST "/__admin/config?live=1" >/dev/null

# The Meta app's secret where the Threads one belongs.
printf 'the-meta-app-secret\n' > "$T/meta-secret"
chmod 600 "$T/meta-secret"
restart app_secret_file "$T/meta-secret"
code=$(fresh_code)
refused "Error validating client secret. (Meta code 1); the app secret (the app-secret credential or [api] app_secret_file) must be the Threads app secret that goes with the Threads App ID: copy it from $SETTINGS" \
    --code "$code"
grep -q "code exchange refused by Meta (transient): Error validating client secret.; the app secret" \
    "$T/daemon.log" || fail "no advice in the log"
stop_daemon
echo "ok"
