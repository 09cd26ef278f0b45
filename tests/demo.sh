#!/bin/sh
# Builds threadsd and runs it in the foreground against the bundled fake
# Graph API on loopback, with a local state directory (./demo-state) and a
# demo account, so it can be seen working without a Meta app.  Ctrl-C
# stops both.  Installs missing Debian packages first.
set -eu
cd "$(dirname "$0")/.."
. tests/deps.sh
# shellcheck disable=SC2086
threadsd_install_deps $THREADSD_DEPS
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

Ctrl-C stops the daemon and the fake.
MSG

# Connect the demo account once the daemon answers, when this build
# knows how (the token goes through a pipe, never argv or the screen).
(
	i=0
	# status exits 4 when degraded: the daemon is up all the same.
	until $ctl status >/dev/null 2>&1 || [ $? -eq 4 ]; do
		i=$((i + 1)); [ "$i" -lt 200 ] || exit 0; sleep 0.05
	done
	if $ctl add-account --help >/dev/null 2>&1; then
		curl -s -X POST "$url/__admin/token?username=demo" |
		    jq -r .access_token | $ctl add-account --token-stdin
	fi
) &

build/daemon/threadsd -f -c "$D/threadsd.conf"
