#!/bin/sh
# The publishing quota defers, it does not fail: posts and replies are
# counted apart, a post over the quota waits (journal notice with its
# time) and goes out once the quota allows, also when only the publish
# call says so.  A token Meta rejects pauses the account's posts until it
# is reconnected; then they go out.
. "$E2E_DIR/lib.sh"

setup "[scheduler]" "prestage = 5s" "retry_delay = 1s" "quota_retry = 1s"

schedule() {
	tctl --json post "$@" > "$T/sched.json" || fail "post $*"
	jq -r .id "$T/sched.json"
}

is_state() {
	[ "$(tctl --json show-post "$1" | jq -r .state)" = "$2" ]
}

count() {
	fake_admin GET "/__admin/posts?username=$1" | jq '.posts | length'
}

connect_account alice
connect_account bob
fake_admin POST "/__admin/config?post_quota=2" >/dev/null

a=$(schedule alice --at now --text "one")
b=$(schedule alice --at now --text "two")
wait_until 10 is_state "$b" published || fail "two"
wait_until 10 is_state "$a" published || fail "one"
c=$(schedule alice --at now --text "three")
wait_until 10 grep -q "post $c of 'alice' deferred until .*: the account has used its quota of 2 posts per 24 h" \
    "$T/daemon.log" || fail "no deferral notice"
[ "$(tctl --json show-post "$c" | jq -r .state)" = ready ] || fail "not ready"
# Replies have their own quota: this one goes out.
mid=$(tctl --json show-post "$a" | jq -r .media_id)
r=$(schedule alice --at now --text "a reply" --reply-to "$mid")
wait_until 10 is_state "$r" published || fail "the reply was held"
[ "$(count alice)" -eq 3 ] || fail "published over the quota"
# More quota: the deferred post goes out by itself.
fake_admin POST "/__admin/config?post_quota=3" >/dev/null
wait_until 10 is_state "$c" published || fail "deferred post not published"
[ "$(count alice)" -eq 4 ] || fail "count"

# The quota check fails, the publish itself is refused (code 9): deferred.
fake_admin POST "/__admin/fault?path=/me/threads_publishing_limit&kind=http500" \
    >/dev/null
d=$(schedule alice --at now --text "four")
wait_until 10 grep -q "post $d of 'alice' deferred until .*Meta refused the publish" \
    "$T/daemon.log" || fail "no deferral after a refused publish"
fake_admin POST "/__admin/config?post_quota=4" >/dev/null
wait_until 10 is_state "$d" published || fail "four"
[ "$(count alice)" -eq 5 ] || fail "count after four"
[ "$(tctl --json show-post "$d" | jq .attempts)" -eq 2 ] || fail "attempts"

# Meta rejects bob's token: his post waits, the account is marked.
fake_admin POST "/__admin/revoke?username=bob" >/dev/null
e=$(schedule bob --at now --text "bob's post")
wait_until 10 grep -q "Meta rejected the token of 'bob'.*reconnect the account with 'threadsctl add-account'" \
    "$T/daemon.log" || fail "no re-auth message"
tctl --json show bob | jq -e '.state == "reauth_required"' >/dev/null ||
    fail "bob not reauth_required"
is_state "$e" scheduled || fail "bob's post: $(tctl show-post "$e")"
# Reconnected: the post goes on at once, not in an hour.
fake_admin POST "/__admin/token?username=bob&age=3600" |
    jq -r .access_token > "$T/bob.token"
tctl add-account --token-stdin < "$T/bob.token" >/dev/null || fail "reconnect"
wait_until 10 is_state "$e" published || fail "bob's post after reconnecting"
[ "$(count bob)" -eq 1 ] || fail "bob published $(count bob)"
stop_daemon
echo ok
