#!/bin/sh
# threadsctl's command line: global options anywhere, every argument
# error an exit 2 with one line naming the argument and where help is,
# the syntax threadsctl checks itself (ids, states, times, zones,
# durations), the daemon's own refusals of the same, and labels that
# read as words.
. "$E2E_DIR/lib.sh"
: "${SOCKPOKE:?}"

setup
fake_admin POST "/__admin/users?username=alice&name=Alice&followers=1234" \
    >/dev/null
fake_admin POST "/__admin/token?username=alice" | jq -r .access_token \
    > "$T/alice.token"
tctl add-account --token-stdin < "$T/alice.token" >/dev/null ||
    fail "add-account"

# usage_error VERB ARGUMENT-WORDS ARGS...: threadsctl ARGS exits 2 with
# one line naming the argument, then "Try 'threadsctl VERB --help'".
usage_error() {
	_verb=$1 _want=$2
	shift 2
	_rc=0
	tctl "$@" > "$T/out" 2> "$T/err" || _rc=$?
	[ "$_rc" -eq 2 ] || fail "$*: exit $_rc, $(cat "$T/err")"
	[ "$(wc -l < "$T/err")" -eq 2 ] || fail "$*: not two lines: $(cat "$T/err")"
	head -1 "$T/err" | grep -qF -- "$_want" ||
	    fail "$*: wanted '$_want', got: $(cat "$T/err")"
	[ "$(sed -n 2p "$T/err")" = "Try 'threadsctl $_verb --help'" ] ||
	    fail "$*: no pointer to help: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "$*: printed $(cat "$T/out")"
}

usage_error cancel "ID: 'abc' is not a post id" cancel abc
usage_error show-post "ID: '0' is not a post id" show-post 0
usage_error retry "ID: '12x' is not a post id" retry 12x
usage_error queue "--state: 'bogus' is not a state" queue --state bogus
usage_error queue "--limit: 'ten' is not a count" queue --limit ten
usage_error post "--at: 'tomorrow 9am' is not a time" post alice \
    --at 'tomorrow 9am' --text x
usage_error post "--at: '+90' has no unit: say +90s, +90m" post alice \
    --at +90 --text x
usage_error post "--tz: unknown time zone 'Mars/Olympus'" post alice \
    --at +1h --tz Mars/Olympus --text x
usage_error stats "--since: '3x' is neither a duration" stats alice \
    --since 3x
usage_error status "unknown option '-x'" status -x
usage_error accounts "unknown option '--frob'" accounts --frob
usage_error post "option '--at' needs a value" post alice --at
usage_error show "show needs ACCOUNT" show
usage_error show "unexpected argument 'bob'" show alice bob
usage_error cancel "unexpected argument '2'" cancel 1 2
rc=0; tctl -x 2> "$T/err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(cat "$T/err")" = "threadsctl: unknown option '-x'
Try 'threadsctl --help'" ] || fail "-x: exit $rc, $(cat "$T/err")"

# Global options after the verb, as systemctl takes them.  (jq -r and a
# comparison: jq -e passes on no input at all.)
[ "$(tctl accounts --json | jq -r '.accounts[0].username')" = alice ] ||
    fail "accounts --json"
[ "$(tctl show alice -j | jq -r .username)" = alice ] || fail "show alice -j"
"$THREADSCTL" accounts -s "$SOCK" | grep -q '^alice ' || fail "accounts -s"
"$THREADSCTL" status --socket="$SOCK" >/dev/null || fail "status --socket="
[ "$(tctl queue --json --limit 5 | jq -r '.posts | type')" = array ] ||
    fail "queue --json --limit"
[ "$(tctl post alice --json --at +1h --text x | jq -r .text)" = x ] ||
    fail "post --json in the middle"
# A value that looks like an option is still the verb's.
[ "$(tctl --json post alice --at +1h --text --json | jq -r .text)" = \
    --json ] || fail "--text --json"

# show: labels are words, not field names.  The first poll after
# add-account is asynchronous; poll now (it answers when committed) so
# the counts are there.
tctl poll alice >/dev/null || fail "poll"
tctl show alice > "$T/show"
grep -q '^followers: *1234$' "$T/show" || fail "show: $(cat "$T/show")"
grep -q '^following: *-$' "$T/show" || fail "show: $(cat "$T/show")"
grep -q '^media: ' "$T/show" || fail "show: $(cat "$T/show")"
! grep -q '_ ' "$T/show" || fail "show: underscore label: $(cat "$T/show")"

# Per-verb --help: the usage line, each option, an example.
tctl post --help > "$T/help"
head -1 "$T/help" | grep -q '^usage: threadsctl post ACCOUNT --at TIME' ||
    fail "post --help: $(head -1 "$T/help")"
for want in "--tz ZONE" "2026-11-23T09:00:00+01:00" "'2026-11-23 09:00'" \
    "now, +10m, +2h" "--reply-control C" "^examples:" \
    "^  threadsctl post alice --at"; do
	grep -q -- "$want" "$T/help" || fail "post --help lacks '$want'"
done
for v in status reload add-account accounts show remove-account export \
    refresh stats poll metrics post queue show-post cancel retry; do
	tctl "$v" --help | grep -q '^examples\{0,1\}:$' ||
	    fail "$v --help has no example"
done

# queue: due times relative, replies show their parent, 80 columns, and
# --limit N is the next N due (then the latest before them).
long=$(printf 'word %.0s' $(seq 60))
p1=$(tctl --json post alice --at +10m --text "$long" | jq -r .id)
p2=$(tctl --json post alice --at +20m --text "reply" --reply-to "$p1" |
    jq -r .id)
p3=$(tctl --json post alice --at +30d --text "far" | jq -r .id)
COLUMNS=80 tctl queue > "$T/queue"
[ "$(LC_ALL=C.UTF-8 wc -L < "$T/queue")" -le 80 ] ||
    fail "queue is wider than 80 columns: $(cat "$T/queue")"
grep -Eq "^$p1 +alice +[a-z]+ +in [0-9]+ min +text +0 +word word .*\.\.\.$" \
    "$T/queue" || fail "queue row of $p1: $(cat "$T/queue")"
grep -Eq "^$p2 .* in [0-9]+ min .* re $p1: reply$" "$T/queue" ||
    fail "queue: the reply's parent: $(cat "$T/queue")"
tctl show-post "$p2" | grep -q "^reply to: *post $p1$" ||
    fail "show-post: no parent: $(tctl show-post "$p2")"
tctl --json queue --limit 2 > "$T/limit"
[ "$(jq -r '[.posts[].id] | join(",")' "$T/limit")" = "$p1,$p2" ] ||
    fail "--limit 2 is not the next two: $(cat "$T/limit")"
jq -e '.later == 3 and (.more // 0) == 0' "$T/limit" >/dev/null ||
    fail "--limit 2: what is not shown: $(cat "$T/limit")"
tctl queue --limit 2 | grep -q '^(0 earlier and 3 later posts not shown' ||
    fail "--limit 2: no note of the rest"
tctl cancel "$p3" >/dev/null || fail "cancel $p3"

# --json: one time format in every reply (ISO 8601 UTC strings, null for
# never), the export included; and errors are one line of JSON on stderr.
tctl poll alice >/dev/null || fail "poll"
times_iso() {
	jq -e '[paths(scalars) as $p | select(($p[-1] | type) == "string" and
	    ($p[-1] == "at" or $p[-1] == "next_due" or $p[-1] == "since" or
	    ($p[-1] | endswith("_at")))) | getpath($p)] |
	    length > 0 and all(. == null or (type == "string" and
	    test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")))'
}
for c in status accounts "show alice" queue "show-post $p1" "stats alice" \
    "export alice"; do
	# shellcheck disable=SC2086
	tctl --json $c > "$T/reply.json" || [ "$c" = status ] ||
	    fail "--json $c"
	times_iso < "$T/reply.json" >/dev/null ||
	    fail "--json $c: a time that is not ISO 8601: $(cat "$T/reply.json")"
done
rc=0; tctl --json cancel abc 2> "$T/err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
    jq -e '.error.code == "usage" and (.error.message |
    startswith("ID: '"'abc'"' is not a post id")) and
    .error.hint == "Try '"'threadsctl cancel --help'"'"' "$T/err" >/dev/null ||
    fail "--json usage error: exit $rc, $(cat "$T/err")"
rc=0; tctl show mallory --json 2> "$T/err" || rc=$?
[ "$rc" -eq 1 ] && jq -e '.error.code == "not_found" and
    (.error.message | contains("mallory"))' "$T/err" >/dev/null ||
    fail "--json refusal: exit $rc, $(cat "$T/err")"
rc=0; "$THREADSCTL" -s "$T/none.sock" status --json 2> "$T/err" || rc=$?
[ "$rc" -eq 3 ] && jq -e '.error.code == "no_daemon" and
    (.error.hint | contains("systemctl status threadsd"))' "$T/err" \
    >/dev/null || fail "--json, no daemon: exit $rc, $(cat "$T/err")"

# The daemon refuses the same on its own (other clients than threadsctl).
schedule() {
	printf '{"v":1,"id":1,"cmd":"post.schedule","args":{"account":"alice","text":"x",%s}}\n' \
	    "$1" | "$SOCKPOKE" "$SOCK" send | jq -r '.error.message // "ok"'
}
schedule '"at":"+1h","tz":"Mars/Olympus"' |
    grep -q "unknown time zone 'Mars/Olympus'" || fail "daemon: zone"
schedule '"at":"2031-01-01T09:00:00Z","tz":"Mars/Olympus"' |
    grep -q "unknown time zone 'Mars/Olympus'" || fail "daemon: zone, UTC"
schedule '"at":"+90"' | grep -q "'+90' has no unit" || fail "daemon: +90"
now=$(date -u +%Y-%m-%dT%H:%M)
schedule '"at":"2020-01-01T00:00:00Z"' > "$T/past"
grep -q "^2020-01-01T00:00:00Z is in the past (it is now $now" "$T/past" ||
    grep -q "is in the past (it is now $(date -u +%Y-%m-%dT%H:%M)" "$T/past" ||
    fail "past: $(cat "$T/past")"

# threadsd's default config is the one every document names.
"$THREADSD" --help | grep -qF '(default /etc/threadsd/threadsd.conf)' ||
    fail "threadsd --help: $("$THREADSD" --help)"
grep -q '/etc/threadsd/threadsd.conf' "$E2E_DIR/../../daemon/threadsd.8.scd" ||
    fail "threadsd(8) names another default"
echo ok
