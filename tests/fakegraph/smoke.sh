#!/bin/bash
# Smoke test of the fake Graph API: starts fakegraph, drives every endpoint
# family with curl, checks the answers, stops it with SIGTERM.
#
# usage: smoke.sh FAKEGRAPH [WRAPPER...]
#   e.g. smoke.sh build/tests/fakegraph/fakegraph valgrind -q --leak-check=full
#
# Needs bash, curl, grep and sed.  Tokens never reach the output: failure
# lines have them masked.
set -u

fg=$1
shift
tmp=$(mktemp -d)
pid=
pass=0
fail=0

cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

mask() {
	sed -E 's/TH[A-Za-z0-9_-]{48}/TH<token>/g; s/AQ[A-Za-z0-9_-]{40}/AQ<code>/g'
}

check() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		printf 'FAIL %s\n  want /%s/\n  got  %s\n' "$1" "$2" \
		    "$(printf '%s' "$3" | mask | head -c 600)" >&2
	fi
}

check_none() {
	if [ -z "$2" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		printf 'FAIL %s\n  want nothing\n  got  %s\n' "$1" \
		    "$(printf '%s' "$2" | mask | head -c 600)" >&2
	fi
}

# curl with the HTTP status appended as " HTTP<code>".
req() {
	curl -s -w ' HTTP%{http_code}' "$@"
}

field() {
	sed -nE "s/.*\"$1\":\"?([^\",}]*)\"?.*/\1/p"
}

"$@" "$fg" --demo --port-file "$tmp/port" 2>"$tmp/stderr" &
pid=$!
for _ in $(seq 100); do
	[ -s "$tmp/port" ] && break
	sleep 0.1
done
if [ ! -s "$tmp/port" ]; then
	echo "fakegraph did not start" >&2
	cat "$tmp/stderr" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
B=http://127.0.0.1:$(cat "$tmp/port")
APP=1000000000000001
SECRET=fakegraph-demo-secret
REDIR=https%3A%2F%2Flocalhost%2Fthreadsd%2Fcallback
AUTHQ="client_id=$APP&redirect_uri=$REDIR&response_type=code"

check "listening line" '^fakegraph: listening on 127\.0\.0\.1:[0-9]+$' \
    "$(grep '^fakegraph: listening' "$tmp/stderr")"
check "refuses non-loopback" 'not a loopback' \
    "$("$fg" -a 192.0.2.1 2>&1)"

# --- OAuth
loc=$(curl -si "$B/oauth/authorize?$AUTHQ&scope=threads_basic,threads_manage_insights&state=s%201&as=demo" |
    tr -d '\r' | sed -n 's/^Location: //ip')
check "authorize redirect" \
    '^https://localhost/threadsd/callback\?code=AQ[A-Za-z0-9_-]{40}&state=s%201#_$' "$loc"
code=$(printf '%s' "$loc" | sed -E 's/.*code=([^&#]*).*/\1/')
check "authorize deny" 'error=access_denied&error_reason=user_denied.*&state=x' \
    "$(curl -si "$B/oauth/authorize?$AUTHQ&scope=threads_basic&state=x&deny=1" | tr -d '\r')"
check "authorize bad scope" '"code":100.*HTTP400' \
    "$(req "$B/oauth/authorize?$AUTHQ&scope=threads_foo&as=demo")"
check "authorize needs as" 'HTTP400' \
    "$(req "$B/oauth/authorize?$AUTHQ&scope=threads_basic")"
check "authorize, a Meta app id" '"error_message":"No app ID was provided in the request.","error_code":4476002\} HTTP400' \
    "$(req "$B/oauth/authorize?client_id=2000000000000002&redirect_uri=https%3A%2F%2Flocalhost%2Fthreadsd%2Fcallback&response_type=code&scope=threads_basic&as=demo")"
check "authorize, another redirect URI" '"error_code":1349026\} HTTP400' \
    "$(req "$B/oauth/authorize?client_id=$APP&redirect_uri=https%3A%2F%2Flocalhost%2Fthreadsd%2Fcallback%2F&response_type=code&scope=threads_basic&as=demo")"
req -X POST "$B/__admin/config?live=0" >/dev/null
check "authorize, app not live" '"error_message":"Insufficient developer role.*HTTP400' \
    "$(req "$B/oauth/authorize?$AUTHQ&scope=threads_basic&as=demo")"
req -X POST "$B/__admin/users/update?username=demo&tester=1" >/dev/null
check "authorize, not live, a tester" 'HTTP302' \
    "$(req "$B/oauth/authorize?$AUTHQ&scope=threads_basic&as=demo")"
req -X POST "$B/__admin/config?live=1" >/dev/null
check "code exchange bad secret" '"message":"Error validating client secret.".*"code":1,.*HTTP400' \
    "$(req -X POST -d "client_id=$APP&client_secret=nope&grant_type=authorization_code&redirect_uri=$REDIR&code=$code" "$B/oauth/access_token")"
check "code exchange bad redirect" '^\{"error_type":"OAuthException","code":400,"error_message":"Error validating verification code' \
    "$(req -X POST -d "client_id=$APP&client_secret=$SECRET&grant_type=authorization_code&redirect_uri=https://x/&code=$code" "$B/oauth/access_token")"
out=$(req -X POST -F client_id=$APP -F client_secret=$SECRET \
    -F grant_type=authorization_code \
    -F redirect_uri=https://localhost/threadsd/callback -F "code=$code" \
    "$B/v1.0/oauth/access_token")
check "code exchange (multipart)" '^\{"access_token":"TH[A-Za-z0-9_-]{48}","user_id":17841400000000001\} HTTP200$' "$out"
short=$(printf '%s' "$out" | field access_token)
check "code is one-use" '"error_message":"Matching code was not found or was already used"' \
    "$(req -X POST "$B/oauth/access_token?client_id=$APP&client_secret=$SECRET&grant_type=authorization_code&redirect_uri=$REDIR&code=$code")"
out=$(req "$B/access_token?grant_type=th_exchange_token&client_secret=$SECRET&access_token=$short")
check "th_exchange_token" '"token_type":"bearer","expires_in":5183944\} HTTP200' "$out"
long=$(printf '%s' "$out" | field access_token)
check "exchange wants short-lived" '"code":190' \
    "$(req "$B/access_token?grant_type=th_exchange_token&client_secret=$SECRET&access_token=$long")"
H="Authorization: Bearer $long"

# --- /me and token errors
check "/me default" '^\{"id":"17841400000000001"\} HTTP200' "$(req -H "$H" "$B/v1.0/me")"
check "/me fields" '"username":"demo","name":"Demo Account"' \
    "$(req "$B/me?fields=id,username,name&access_token=$long")"
check "GET body ignored" '"code":190.*HTTP400' \
    "$(req -X GET -H 'Content-Type: application/x-www-form-urlencoded' -d "access_token=$long" "$B/me")"
check "/me unknown field" '"message":"Tried accessing nonexisting field \(followers_count\)","type":"THApiException","code":100' \
    "$(req -H "$H" "$B/me?fields=id,followers_count")"
check "other user id" '"code":100,"error_subcode":33' \
    "$(req -H "$H" "$B/17841400000000099")"
check "missing token" '"message":"An active access token must be used.*"code":190.*HTTP400' \
    "$(req "$B/me")"
check "scope missing" '"code":10,' \
    "$(req -H "$H" "$B/me/threads?media_type=TEXT&text=x" -X POST)"
check "POST debug_token" '"message":"Unsupported post request.*"code":100,"error_subcode":33.*HTTP400' \
    "$(req -X POST -d "access_token=$long&input_token=$long" "$B/debug_token")"
check "POST access_token" '"code":100,"error_subcode":33.*HTTP400' \
    "$(req -X POST -d "grant_type=th_exchange_token&client_secret=$SECRET&access_token=$short" "$B/access_token")"
check "debug_token Bearer only" '"code":100.*HTTP400' \
    "$(req -H "$H" "$B/debug_token?input_token=$long")"
check "refresh too new" '"message":"Token is too new to be refreshed.*"code":100.*HTTP400' \
    "$(req "$B/refresh_access_token?grant_type=th_refresh_token&access_token=$long")"
check "debug_token" '"application":"threadsd fake".*"is_valid":true.*"scopes":\["threads_basic","threads_manage_insights"\],"user_id":"17841400000000001"' \
    "$(req "$B/debug_token?input_token=$long&access_token=$long")"
check "debug_token invalid input" '"is_valid":false' \
    "$(req "$B/debug_token?input_token=THnope&access_token=$long")"

# --- the clock: short-lived expiry, refresh, generations
check "clock advance" '"now":[0-9]+' "$(req -X POST "$B/__admin/clock?advance=90000")"
check "short-lived expired" '"code":190,"error_subcode":463' \
    "$(req "$B/access_token?grant_type=th_exchange_token&client_secret=$SECRET&access_token=$short")"
since=$(req "$B/__admin/requests?limit=1" | field next)
check "refresh (POST)" '"code":100,"error_subcode":33.*HTTP400' \
    "$(req -X POST -d "grant_type=th_refresh_token&access_token=$long" "$B/refresh_access_token")"
check "refresh (Bearer)" '"code":100.*HTTP400' \
    "$(req -H "$H" "$B/refresh_access_token?grant_type=th_refresh_token")"
out=$(req "$B/refresh_access_token?grant_type=th_refresh_token&access_token=$long")
check "refresh" '"token_type":"bearer","expires_in":5183944\} HTTP200' "$out"
new=$(printf '%s' "$out" | field access_token)
check "old token dead" '"code":190,"error_subcode":463.*HTTP400' \
    "$(req -H "$H" "$B/me")"
check "new token works" 'HTTP200' "$(req -H "Authorization: Bearer $new" "$B/me")"
out=$(req "$B/__admin/requests?since=$since&path=/me")
check "request log generations" '"user":"demo","token_gen":0,"status":400.*"user":"demo","token_gen":1,"status":200' "$out"
check "request log method and auth" '"method":"GET","path":"/refresh_access_token","auth":"query","user":"demo","token_gen":0,"status":200' \
    "$(req "$B/__admin/requests?since=$since")"
check_none "request log has no token" \
    "$(printf '%s' "$out" | grep -o 'TH[A-Za-z0-9_-]\{48\}')"
H="Authorization: Bearer $new"

# --- admin users and tokens
check "add user" '^\{"user_id":"[0-9]{17}"\} HTTP200' \
    "$(req -X POST "$B/__admin/users?username=alice&name=Alice%20A&followers=120&insights=0&likes=4")"
check "duplicate user" 'HTTP409' "$(req -X POST "$B/__admin/users?username=alice")"
check "explicit id" '"user_id":"17841405793187218"' \
    "$(req -X POST "$B/__admin/users?username=bob&user_id=17841405793187218&followers=50&views=9&clicks=10")"
check "users list has no tokens" '"username":"alice"' "$(req "$B/__admin/users" | mask)"
check_none "users list token-free" \
    "$(req "$B/__admin/users" | grep -o 'TH[A-Za-z0-9_-]\{48\}')"
out=$(req -X POST "$B/__admin/token?username=bob&age=3600")
check "mint token" '"expires_in":5180344,"token_gen":0' "$out"
bob=$(printf '%s' "$out" | field access_token)
alice=$(req -X POST "$B/__admin/token?username=alice" | field access_token)
thin=$(req -X POST "$B/__admin/token?username=alice&scopes=threads_basic" | field access_token)
check "update user" '"name":"Bobby".*"followers":150' \
    "$(req -X POST "$B/__admin/users/update?username=bob&name=Bobby&followers=150")"

# --- insights and profile_lookup
out=$(req -H "Authorization: Bearer $bob" "$B/me/threads_insights?metric=views,likes,clicks,followers_count")
check "insights views series" '"name":"views","period":"day","values":\[\{"value":9,"end_time":"[0-9-]+T07:00:00\+0000"\}' "$out"
check "insights total_value" '"name":"followers_count".*"total_value":\{"value":150\}' "$out"
check "insights clicks" '"link_total_values":\[\{"value":7,"link_url":"https://example.com/"\},\{"value":3' "$out"
check "insights need scope" '"code":10,' \
    "$(req -H "Authorization: Bearer $thin" "$B/me/threads_insights?metric=likes")"
check "insights not available" 'THREADS_API__FEATURE_NOT_AVAILABLE.*"code":10' \
    "$(req -H "Authorization: Bearer $alice" "$B/me/threads_insights?metric=followers_count")"
out=$(req -H "Authorization: Bearer $bob" "$B/profile_lookup?username=alice")
check "profile_lookup" '^\{"username":"alice","name":"Alice A",.*"follower_count":120,"likes_count":4' "$out"
check_none "profile_lookup no id" "$(printf '%s' "$out" | grep -o '"id"')"

# --- /me/threads paging
req -X POST "$B/__admin/posts?username=alice&count=30" >/dev/null
out=$(req -H "Authorization: Bearer $alice" "$B/me/threads?fields=id,text")
check "threads page 1" '^\{"data":\[\{"id":"[0-9]+","text":"Post 30"\}.*"paging":\{"cursors":\{"before":"[^"]+","after":"[^"]+"\}\}\} HTTP200' "$out"
check "threads page 1 size" '^25$' "$(printf '%s' "$out" | grep -o '"text"' | wc -l)"
after=$(printf '%s' "$out" | field after)
out=$(req -H "Authorization: Bearer $alice" "$B/me/threads?fields=id,text&after=$after")
check "threads page 2" '"text":"Post 5".*"text":"Post 1"\}\]' "$out"
after=$(printf '%s' "$out" | field after)
check "threads end" '^\{"data":\[\]\} HTTP200' \
    "$(req -H "Authorization: Bearer $alice" "$B/me/threads?after=$after")"

# --- containers and publishing
HB="Authorization: Bearer $bob"
c=$(req -X POST -H "$HB" "$B/me/threads?media_type=TEXT&text=Hello" | field id)
check "container finished" '"status":"FINISHED","id":"'"$c"'"' \
    "$(req -H "$HB" "$B/$c?fields=id,status")"
check "publish" '^\{"id":"[0-9]{17}"\} HTTP200' \
    "$(req -X POST -H "$HB" -d "creation_id=$c" "$B/me/threads_publish")"
check "published status" '"status":"PUBLISHED"' "$(req -H "$HB" "$B/$c?fields=status")"
v=$(req -X POST -H "$HB" "$B/me/threads?media_type=VIDEO&video_url=https://example.com/v.mp4" | field id)
check "early publish" '"code":24,"error_subcode":4279009.*HTTP400' \
    "$(req -X POST -H "$HB" "$B/me/threads_publish?creation_id=$v")"
req -X POST "$B/__admin/clock?advance=10" >/dev/null
check "video finished" '"status":"FINISHED"' "$(req -H "$HB" "$B/$v")"
check "text too long" '"code":100' "$(req -X POST -H "$HB" "$B/me/threads?media_type=TEXT&text=$(printf 'a%.0s' $(seq 501))")"
# Meta counts characters, an emoji by its UTF-8 bytes.
check "500 accented letters" '^\{"id":"[0-9]+"\} HTTP200' "$(req -X POST -H "$HB" "$B/me/threads?media_type=TEXT&text=$(printf '%%C3%%A9%.0s' $(seq 500))")"
check "500 CJK characters" '^\{"id":"[0-9]+"\} HTTP200' "$(req -X POST -H "$HB" "$B/me/threads?media_type=TEXT&text=$(printf '%%E6%%BC%%A2%.0s' $(seq 500))")"
check "126 emoji (504)" '"message":"\(#100\) Param text must be at most 500 characters.*HTTP400' "$(req -X POST -H "$HB" "$B/me/threads?media_type=TEXT&text=$(printf '%%F0%%9F%%98%%80%.0s' $(seq 126))")"
check "125 emoji (500)" 'HTTP200' "$(req -X POST -H "$HB" "$B/me/threads?media_type=TEXT&text=$(printf '%%F0%%9F%%98%%80%.0s' $(seq 125))")"
check "six links, bare www. ones too" 'THREADS_API__LINK_LIMIT_EXCEEDED.*HTTP400' "$(req -X POST -H "$HB" --data-urlencode "text=www.a.example www.b.example https://c.example http://d.example www.e.example www.f.example" "$B/me/threads?media_type=TEXT")"
check "five links" 'HTTP200' "$(req -X POST -H "$HB" --data-urlencode "text=www.a.example www.b.example https://c.example http://d.example www.e.example www.a.example." "$B/me/threads?media_type=TEXT")"
check "quota" '"data":\[\{"quota_usage":1\}\]' "$(req -H "$HB" "$B/me/threads_publishing_limit")"
check "admin posts" '"media_type":"TEXT_POST","text":"Hello"' "$(req "$B/__admin/posts?username=bob")"

# --- faults
add_fault() {
	req -X POST "$B/__admin/fault?$1" >/dev/null
}
add_fault "path=/me&kind=http500&count=1"
check "fault http500" '"code":1,"is_transient":true.*HTTP500' "$(req -H "$HB" "$B/v1.0/me")"
check "fault count used up" 'HTTP200' "$(req -H "$HB" "$B/me")"
add_fault "path=/me&kind=throttle&method=GET"
check "fault throttle" '"code":4,.*HTTP400' "$(req -H "$HB" "$B/me")"
add_fault "path=/me&kind=error&code=190&subcode=460&status=401"
check "fault error" '"code":190,"error_subcode":460.*HTTP401' "$(req -H "$HB" "$B/me")"
add_fault "path=/me&kind=malformed"
check "fault malformed" '^<!DOCTYPE html>' "$(req -H "$HB" "$B/me")"
add_fault "path=/me&kind=truncated"
check "fault truncated" '^\{"id":"178414 HTTP200$' "$(req -H "$HB" "$B/me")"
add_fault "path=/me&kind=reset"
curl -s -H "$HB" "$B/me" >/dev/null
check "fault reset" '^(52|56)$' "$?"
add_fault "path=/me&kind=stall&delay_ms=300"
check "fault stall" 'HTTP200' "$(req -H "$HB" "$B/me")"
add_fault "path=/me&kind=stall&delay_ms=0"
curl -s --max-time 0.5 -H "$HB" "$B/me" >/dev/null
check "fault stall forever" '^28$' "$?"
add_fault "path=/me&kind=http500&count=0"
check "faults list" '"kind":"http500","count":0' "$(req "$B/__admin/faults")"
check "faults clear" '"ok":true' "$(req -X DELETE "$B/__admin/faults")"
check "after clear" 'HTTP200' "$(req -H "$HB" "$B/me")"
check "log shows faults" '"fault":"reset".*"fault":"stall"' "$(req "$B/__admin/requests?path=/me")"

# --- revoke, reset
req -X POST "$B/__admin/revoke?username=bob" >/dev/null
check "revoked" '"code":190,"error_subcode":463' "$(req -H "$HB" "$B/me")"
check "reset" '"ok":true' "$(req -X POST "$B/__admin/reset")"
check "reset keeps demo only" '^\{"users":\[\{"user_id":"17841400000000001","username":"demo"[^]]*"tokens":\[\]\}\]\} HTTP200$' \
    "$(req "$B/__admin/users")"

kill -TERM "$pid"
wait "$pid"
check "clean exit on SIGTERM" '^0$' "$?"
pid=
check_none "no sanitizer or valgrind reports" \
    "$(grep -E 'runtime error|Sanitizer|definitely lost|Invalid (read|write)' "$tmp/stderr")"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
