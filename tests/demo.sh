#!/bin/sh
# Builds threadsd and runs it in the foreground against the bundled fake
# Graph API on loopback, with a local state directory (./demo-state) and a
# demo account, so it can be seen working without a Meta app.  On the
# first run it seeds three days of history (the daemon run in the past
# with libfaketime, one poll a day, the follower count varying) so that
# `stats` has something to draw.  Ctrl-C stops both.  Installs missing
# Debian packages first.
set -eu
cd "$(dirname "$0")/.."
. tests/deps.sh
# shellcheck disable=SC2086
threadsd_install_deps $THREADSD_DEPS
echo "threadsd demo: building threadsd, threadsctl and the fake Graph API" \
    "(tests/fakegraph) in build/ with meson and ninja..."
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

D=$PWD/demo-state
mkdir -p "$D"
chmod 700 "$D"
printf 'fakegraph-demo-secret\n' > "$D/app-secret"
chmod 600 "$D/app-secret"
rm -f "$D/fake.port"

build/tests/fakegraph/fakegraph --demo -p 0 --port-file "$D/fake.port" \
    --app-secret-file "$D/app-secret" 2>"$D/fakegraph.log" &
fake=$!
trap 'kill "$fake" 2>/dev/null || true' EXIT INT TERM
i=0
while [ ! -s "$D/fake.port" ]; do
	i=$((i + 1))
	[ "$i" -lt 200 ] || { echo "fakegraph did not start:"; \
	    cat "$D/fakegraph.log"; exit 1; }
	sleep 0.05
done
url=http://127.0.0.1:$(cat "$D/fake.port")

cat > "$D/threadsd.conf" <<CONF
# Demo configuration: the fake Graph API on loopback, state in demo-state/.
[api]
base_url = $url
auth_url = $url/oauth/authorize
app_id = 1000000000000001
app_secret_file = $D/app-secret
redirect_uri = https://localhost/threadsd/callback

[store]
path = $D/state

[control]
socket = $D/control.sock

[poll]
interval = 1m
CONF

ctl="build/ctl/threadsctl -s $D/control.sock"

# daemon_up: status answers, running (0) or degraded (4).
daemon_up() {
	$ctl status >/dev/null 2>&1 || [ $? -eq 4 ]
}
wait_up() {
	i=0
	until daemon_up; do
		i=$((i + 1)); [ "$i" -lt 400 ] || return 1; sleep 0.05
	done
}
connect_demo() {
	curl -s -X POST "$url/__admin/token?username=demo" |
	    jq -r .access_token | $ctl add-account --token-stdin
}

# A new store: three days of history, the daemon run 3, 2 and 1 days in
# the past (libfaketime), one poll each, the followers going up and down.
seed_history() {
	lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
	if [ -z "$lib" ]; then
		echo "(no history seeded: install the faketime package for it)"
		return 0
	fi
	echo "Seeding three days of history: threadsd runs 3, 2 and 1 days" \
	    "in the past, one poll each..."
	for f in 3:1190 2:1221 1:1207; do
		day=${f%%:*}
		curl -s -X POST "$url/__admin/users/update?username=demo&followers=${f#*:}" \
		    >/dev/null
		env LD_PRELOAD="$lib" FAKETIME="-${day}d" FAKETIME_DONT_RESET=1 \
		    build/daemon/threadsd -f -c "$D/threadsd.conf" \
		    2>>"$D/seed.log" &
		seed=$!
		wait_up || { echo "threadsd did not start; see $D/seed.log"; exit 1; }
		[ "$day" -ne 3 ] || connect_demo >/dev/null
		$ctl poll demo >/dev/null || true
		kill -TERM "$seed"
		wait "$seed" || true
	done
	curl -s -X POST "$url/__admin/users/update?username=demo&followers=1234" \
	    >/dev/null
}
[ -e "$D/state/data.mdb" ] || seed_history

cat <<MSG
threadsd demo: the fake Graph API listens on $url; state is in $D.
The demo account 'demo' is connected once the daemon is up.
In another terminal, try:

  $ctl status
  $ctl accounts
  $ctl show demo
  $ctl poll demo && $ctl stats demo
  $ctl post demo --at +2m --text 'Hello from threadsd'
  $ctl queue
  $ctl metrics
  $ctl --json status
  $ctl stats demo --since 4d --metric all   (history seeded on the first run)

The browser flow, against the fake (its consent page approves as the user
named by as=, and sends the browser to the redirect URI, which does not
load: that is expected):

  $ctl add-account
    open the URL it prints with &as=demo added, then paste the address
    the browser ends on (https://localhost/threadsd/callback?code=...);
    or, without a browser, in another terminal:
  u=\$($ctl add-account --print-url)
  curl -si "\$u&as=demo" | sed -n 's/^Location: //p' | tr -d '\\r' |
      $ctl add-account --redirect-url -

Ctrl-C stops the daemon and the fake.
MSG

# Connect the demo account once the daemon answers (the token goes
# through a pipe, never argv or the screen).
(
	wait_up || exit 0
	connect_demo
) &

build/daemon/threadsd -f -c "$D/threadsd.conf"
