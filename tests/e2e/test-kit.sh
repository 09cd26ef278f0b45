#!/bin/sh
# The Grafana/Prometheus kit for real: promtool checks and unit-tests the
# alert rules (contrib/prometheus, tests/e2e/kit-rules.test.yml); Debian's
# prometheus scrapes the real daemon's metrics twice, through
# node_exporter's textfile collector fed as threadsd-metrics.service feeds
# it (the Prometheus text format, whose counters must stay counters), and
# as OpenMetrics text served over HTTP (om-serve), so that Prometheus's
# own OpenMetrics parser reads it; every query of the dashboard
# (contrib/grafana) then returns series, and every metric name the
# dashboard and the rules use is one the daemon writes.  The counters
# and the lateness histogram are checked for what happened: a throttled
# poll, a failed refresh, a throttled publish and a published post.
# Skipped (77) only where prometheus is not installed.
command -v prometheus >/dev/null && command -v promtool >/dev/null ||
    { echo "prometheus is not installed: skipped"; exit 77; }
. "$E2E_DIR/lib.sh"
: "${OM_SERVE:?}" "${CONTRIB:?}" "${SOCKPOKE:?}"
command -v prometheus-node-exporter >/dev/null ||
    fail "prometheus-node-exporter is not installed (tests/deps.sh)"
DASH=$CONTRIB/grafana/threadsd.json
RULES=$CONTRIB/prometheus/threadsd.rules.yml

# The rules: syntax, then the alerts on made-up series.
promtool check rules "$RULES" > "$T/check.out" 2>&1 ||
    fail "promtool check rules: $(cat "$T/check.out")"
grep -q "SUCCESS: 4 rules found" "$T/check.out" ||
    fail "rules: $(cat "$T/check.out")"
promtool test rules "$E2E_DIR/kit-rules.test.yml" > "$T/unit.out" 2>&1 ||
    fail "promtool test rules: $(cat "$T/unit.out")"
jq -e '.panels | length >= 5' "$DASH" >/dev/null || fail "dashboard JSON"

# The processes this test starts besides lib.sh's, stopped on exit.
KIT_PIDS=
kit_cleanup() {
	_kit_rc=$?
	for _p in $KIT_PIDS; do
		kill -TERM "$_p" 2>/dev/null || true
		wait "$_p" 2>/dev/null || true
	done
	if [ "$_kit_rc" -ne 0 ]; then
		for _l in node-exporter prometheus; do
			echo "--- $_l log"; tail -20 "$T/$_l.log" 2>/dev/null || true
		done
	fi
	# lib.sh's cleanup reads the exit status from $? (set -e: no
	# bare "(exit 1)" here).
	if [ "$_kit_rc" -eq 0 ]; then
		cleanup
	else
		(exit "$_kit_rc") || cleanup
	fi
}
trap kit_cleanup EXIT

# listening LOG: the port a Prometheus program bound (it was given :0).
listening() {
	sed -n 's/.*msg="Listening on" address=127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' \
	    "$1" | head -1
}
has_port() {
	[ -n "$(listening "$1")" ]
}

# user NAME PARAMS: a fake user.  connect USER: its token through stdin.
user() {
	fake_admin POST "/__admin/users?username=$1&$2" | jq -r .user_id
}
connect() {
	fake_admin POST "/__admin/token?username=$1" |
	    jq -r .access_token > "$T/$1.token"
	tctl add-account --token-stdin < "$T/$1.token" >/dev/null ||
	    fail "connect $1"
}

# sample NAME{LABELS}: its value in `threadsctl metrics`, or nothing.
sample() {
	tctl metrics | awk -v n="$1" '$1 == n { print $2 }'
}
# at_least NAME{LABELS} N: the sample is there and >= N.
at_least() {
	_v=$(sample "$1")
	[ -n "$_v" ] && awk -v v="$_v" -v n="$2" 'BEGIN { exit !(v >= n) }'
}

setup "[poll]" "interval = 1h"
user alice "followers=321" >/dev/null
bob_id=$(user bob "followers=150")
connect alice
connect bob
wait_until 20 sh -c "tctl --json accounts | jq -e '[.accounts[] |
    select(.last_poll_at)] | length == 2'" || fail "first polls"
stop_daemon
# The counters count from the start, so what they count happens in one
# run: eight days on (the tokens are due for refresh, the polls due), a
# refresh fails (a 500 from Meta is transient) and bob's poll is
# throttled.
fake_admin POST "/__admin/clock?advance=691200" >/dev/null
fake_admin POST "/__admin/fault?path=/refresh_access_token&kind=http500&count=1" \
    >/dev/null
fake_admin POST "/__admin/fault?path=/$bob_id/threads_insights&kind=throttle&count=1" \
    >/dev/null
THREADSD_WRAPPER=$(faketime_wrapper +8d) start_daemon
wait_until 20 at_least 'threadsd_poll_failures_total{reason="throttled"}' 1 ||
    fail "no throttled poll counted: $(tctl metrics | grep poll_failures)"
wait_until 20 at_least 'threadsd_refresh_failures_total{reason="transient"}' 1 ||
    fail "no failed refresh counted: $(tctl metrics | grep refresh_failures)"
# A post published on time: one observation of its lateness.
id=$(tctl --json post alice --at now --text "kit" | jq -r .id)
wait_until 30 at_least 'threadsd_publish_lateness_seconds_count' 1 ||
    fail "no lateness observed: $(tctl show-post "$id")"
[ "$(tctl --json show-post "$id" | jq -r .state)" = published ] ||
    fail "post $id: $(tctl show-post "$id")"
at_least 'threadsd_publish_lateness_seconds_bucket{le="+Inf"}' 1 ||
    fail "lateness buckets: $(tctl metrics | grep lateness)"
# A publish Meta throttles: counted, and the post waits for its retry.
# (POST only: the quota check reads /me/threads_publishing_limit.)
fake_admin POST "/__admin/fault?path=/me/threads_publish&method=POST&kind=throttle&count=1" \
    >/dev/null
tctl post alice --at now --text "kit, throttled" >/dev/null
wait_until 30 at_least 'threadsd_publish_failures_total{reason="throttled"}' 1 ||
    fail "no throttled publish counted: $(tctl metrics | grep publish_failures)"
[ "$(sample 'threadsd_poll_failures_total{reason="permanent"}')" = 0 ] ||
    fail "a permanent poll failure out of nothing"

# The textfile, written as threadsd-metrics.service writes it.
mkdir "$T/textfile" "$T/om" "$T/prom"
write_textfile() {
	tctl metrics --format prometheus > "$T/textfile/threadsd.prom.tmp" &&
	    mv -f "$T/textfile/threadsd.prom.tmp" "$T/textfile/threadsd.prom"
}
write_textfile || fail "metrics --format prometheus"
# promtool's linter reads the Prometheus text format: no complaint.
promtool check metrics < "$T/textfile/threadsd.prom" > "$T/lint" 2>&1 ||
    fail "promtool check metrics: $(cat "$T/lint")"
rc=0; tctl metrics --format json 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "^threadsctl: --format: 'json' is neither openmetrics nor prometheus" \
    "$T/err" || fail "bad --format: exit $rc, $(cat "$T/err")"
# The daemon refuses it too (threadsctl never sends it).
printf '%s\n' '{"v":1,"id":1,"cmd":"metrics","args":{"format":"json"}}' |
    "$SOCKPOKE" "$SOCK" send | jq -e '.error.code == "invalid_argument" and
    (.error.message | test("^format: .json. is neither"))' >/dev/null ||
    fail "the daemon took an unknown format"
tctl --json metrics --format prometheus | jq -e '.content_type |
    startswith("text/plain; version=0.0.4")' >/dev/null ||
    fail "metrics --format prometheus --json"
tctl metrics > "$T/om/metrics" || fail "metrics"
tail -1 "$T/om/metrics" | grep -qx "# EOF" || fail "no # EOF"

prometheus-node-exporter --web.listen-address=127.0.0.1:0 \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$T/textfile" \
    > "$T/node-exporter.log" 2>&1 &
KIT_PIDS="$KIT_PIDS $!"
"$OM_SERVE" "$T/om.port" "$T/om/metrics" \
    "$(tctl --json metrics | jq -r .content_type)" 2>"$T/om.log" &
KIT_PIDS="$KIT_PIDS $!"
wait_until 20 has_port "$T/node-exporter.log" ||
    fail "node-exporter did not start"
NE_PORT=$(listening "$T/node-exporter.log")
wait_until 10 test -s "$T/om.port" || fail "om-serve did not start"
OM_PORT=$(cat "$T/om.port")
cat > "$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$NE_PORT']
  - job_name: openmetrics
    static_configs:
      - targets: ['127.0.0.1:$OM_PORT']
EOF
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/prom" \
    --web.listen-address=127.0.0.1:0 > "$T/prometheus.log" 2>&1 &
KIT_PIDS="$KIT_PIDS $!"
wait_until 60 has_port "$T/prometheus.log" ||
    fail "prometheus did not start"
PROM=http://127.0.0.1:$(listening "$T/prometheus.log")

# api PATH: a GET of Prometheus's HTTP API; prints the JSON.
api() {
	curl -sS -f -G "$PROM/api/v1/$1" "$@" 2>/dev/null
}
# query EXPR: the instant query's result vector.
query() {
	curl -sS -f -G "$PROM/api/v1/query" --data-urlencode "query=$1" |
	    jq -c '.data.result'
}
# has_series EXPR: the query returns at least one series.
has_series() {
	query "$1" | jq -e 'length > 0' >/dev/null
}
targets_up() {
	api targets | jq -e '[.data.activeTargets[] | select(.health == "up")]
	    | length == 2' >/dev/null
}
wait_until 60 targets_up ||
    fail "targets: $(api targets | jq -c '[.data.activeTargets[] | {job: .labels.job, health, lastError}]')"

# The textfile path keeps the types: the counters are counters, the
# lateness a histogram (OpenMetrics text through the collector would
# make the counters untyped).
node_type() {
	curl -sS -f -G "$PROM/api/v1/targets/metadata" \
	    --data-urlencode 'match_target={job="node"}' \
	    --data-urlencode "metric=$1" | jq -r '.data[0].type'
}
for m in threadsd_poll_failures_total threadsd_publish_failures_total \
    threadsd_refresh_failures_total; do
	wait_until 20 sh -c "[ \"\$(curl -sS -f -G '$PROM/api/v1/targets/metadata' \
	    --data-urlencode 'match_target={job=\"node\"}' \
	    --data-urlencode 'metric=$m' | jq -r '.data[0].type')\" = counter ]" ||
	    fail "$m through the textfile collector is $(node_type "$m")"
done
[ "$(node_type threadsd_publish_lateness_seconds)" = histogram ] ||
    fail "the lateness is $(node_type threadsd_publish_lateness_seconds)"

# What the daemon counted, as Prometheus has it from both paths.
for job in node openmetrics; do
	wait_until 60 has_series "threadsd_account_followers{job=\"$job\",account=\"alice\"} == 321" ||
	    fail "$job: alice's followers: $(query "threadsd_account_followers{job=\"$job\"}")"
	has_series "threadsd_poll_failures_total{job=\"$job\",reason=\"throttled\"} >= 1" ||
	    fail "$job: poll failures: $(query threadsd_poll_failures_total)"
	has_series "threadsd_publish_lateness_seconds_count{job=\"$job\"} >= 1" ||
	    fail "$job: lateness: $(query threadsd_publish_lateness_seconds_count)"
	[ "$(query "count(threadsd_refresh_failures_total{job=\"$job\"})" |
	    jq -r '.[0].value[1]')" = 5 ] ||
	    fail "$job: not one refresh series per reason: $(query "threadsd_refresh_failures_total{job=\"$job\"}")"
done

# Every query of the dashboard returns series; rate() over 10 s needs a
# few scrapes, and the textfile is rewritten meanwhile, as the timer does.
jq -r '.. | objects | .expr? // empty' "$DASH" > "$T/exprs"
[ "$(wc -l < "$T/exprs")" -ge 8 ] || fail "dashboard queries: $(cat "$T/exprs")"
while IFS= read -r expr; do
	q=$(printf '%s' "$expr" | sed 's/\$__rate_interval/10s/g; s/\$account/.*/g')
	# shellcheck disable=SC2317
	fresh() {
		write_textfile && tctl metrics > "$T/om/metrics.tmp" &&
		    mv -f "$T/om/metrics.tmp" "$T/om/metrics" && has_series "$q"
	}
	wait_until 30 fresh || fail "no series for the dashboard's $expr"
done < "$T/exprs"

# The rules loaded and evaluate without error.
rules_ok() {
	api rules | jq -e '[.data.groups[].rules[] | select(.health == "ok")]
	    | length == 4' >/dev/null
}
wait_until 30 rules_ok || fail "rules: $(api rules | jq -c '.data.groups[].rules[] | {name, health, lastError}')"

# Every metric name the dashboard and the rules use is one the daemon
# writes (as a sample name: _total, _bucket and the rest included).
tctl metrics | sed -n 's/^\(threadsd_[a-z0-9_]*\)[{ ].*/\1/p' | sort -u \
    > "$T/names"
{
	cat "$T/exprs"
	jq -r '.templating.list[] | .query | if type == "object" then .query
	    else . end' "$DASH"
	api rules | jq -r '.data.groups[].rules[].query'
} | grep -o 'threadsd_[a-z0-9_]*' | sort -u > "$T/used"
[ "$(wc -l < "$T/used")" -ge 8 ] || fail "names used: $(cat "$T/used")"
missing=$(comm -23 "$T/used" "$T/names")
[ -z "$missing" ] || fail "the kit uses names threadsd does not write: $missing"
stop_daemon
echo "ok"
