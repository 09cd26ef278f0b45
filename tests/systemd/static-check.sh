#!/bin/sh
# Static checks of what threadsd installs for systemd, one per meson test
# in the suite 'systemd'.  Each fails on any complaint, not only on a
# non-zero status: systemd-analyze verify exits 0 after "Unknown key".
#
#   static-check.sh verify SERVICE SOCKET THREADSD
#   static-check.sh security SERVICE THRESHOLD
#   static-check.sh sysusers SYSUSERS
#   static-check.sh catalog CATALOG LOG_H
#   static-check.sh man SCD...
set -eu

T=$(mktemp -d "${TMPDIR:-/tmp}/threadsd-sd.XXXXXX")
trap 'rm -rf "$T"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

mode=$1
shift
case $mode in
verify)
	# The service as configured, but starting the binary just built:
	# verify wants ExecStart= to exist.
	sed "s|^ExecStart=[^ ]*|ExecStart=$3|" "$1" > "$T/threadsd.service"
	cp "$2" "$T/threadsd.socket"
	rc=0
	systemd-analyze verify --man=no "$T/threadsd.service" \
	    "$T/threadsd.socket" > "$T/out" 2>&1 || rc=$?
	cat "$T/out"
	[ "$rc" -eq 0 ] || fail "systemd-analyze verify: status $rc"
	[ ! -s "$T/out" ] || fail "systemd-analyze verify complained"
	# What verify accepts but systemd 252 would not do as meant.
	grep -q '^Type=notify$' "$1" || fail "not Type=notify"
	grep -q '^WatchdogSec=' "$1" || fail "no WatchdogSec="
	grep -q '^RuntimeDirectory=' "$1" &&
	    ! grep -q '^RuntimeDirectoryPreserve=yes' "$1" &&
	    fail "RuntimeDirectory= would delete the socket unit's socket"
	grep -q '^SocketMode=0660$' "$2" || fail "socket not 0660"
	grep -q '^SocketGroup=threadsd$' "$2" || fail "socket group"
	;;
security)
	cp "$1" "$T/threadsd.service"
	rc=0
	systemd-analyze security --offline=true --threshold="$2" \
	    "$T/threadsd.service" > "$T/out" 2>&1 || rc=$?
	grep -v '✓' "$T/out" || true
	[ "$rc" -eq 0 ] || fail "exposure above $2 (on systemd-analyze's 0-100 scale)"
	grep -q 'Overall exposure level' "$T/out" || fail "no exposure level"
	;;
sysusers)
	mkdir -p "$T/etc" "$T/usr/lib/sysusers.d"
	cp "$1" "$T/usr/lib/sysusers.d/threadsd.conf"
	systemd-sysusers --root="$T" > "$T/out" 2>&1 ||
	    fail "systemd-sysusers: $(cat "$T/out")"
	grep -q '^threadsd:x:[0-9]*:[0-9]*:.*:/var/lib/threadsd:/usr/sbin/nologin$' \
	    "$T/etc/passwd" || fail "no system user threadsd"
	grep -q '^threadsd:x:[0-9]*:' "$T/etc/group" || fail "no group"
	;;
catalog)
	# Compiled as journalctl --update-catalog does, then every MESSAGE_ID
	# of daemon/log.h must have an entry with a subject and a text.
	mkdir -p "$T/usr/lib/systemd/catalog"
	cp "$1" "$T/usr/lib/systemd/catalog/threadsd.catalog"
	journalctl --root="$T" --update-catalog > "$T/out" 2>&1 ||
	    fail "journalctl --update-catalog: $(cat "$T/out")"
	[ ! -s "$T/out" ] || fail "catalog: $(cat "$T/out")"
	ids=$(sed -n 's/^#define MSGID_[A-Z_]*[[:space:]]*"\([0-9a-f]\{32\}\)".*/\1/p' "$2")
	[ -n "$ids" ] || fail "no MESSAGE_IDs in $2"
	for id in $ids; do
		journalctl --root="$T" --dump-catalog "$id" > "$T/entry" \
		    2>/dev/null || fail "no catalog entry for $id"
		grep -q '^Subject: .' "$T/entry" || fail "$id: no subject"
		# Defined-By, Support and Documentation lines, a blank line,
		# then at least two lines of text.
		[ "$(sed '1,/^$/d' "$T/entry" | grep -c .)" -ge 2 ] ||
		    fail "$id: no text"
	done
	# journalctl -x shows a field the entry lacks as its bare name:
	# the optional fields must not be substituted.
	if grep -n '@THREADSD_\(META_[A-Z]*\|FBTRACE_ID\)@' "$1"; then
		fail "the catalog substitutes a field entries may lack"
	fi
	n=$(grep -c '^-- [0-9a-f]\{32\}$' "$1")
	[ "$n" -eq "$(echo "$ids" | wc -l)" ] ||
	    fail "$n catalog entries for $(echo "$ids" | wc -l) MESSAGE_IDs"
	;;
man)
	for src in "$@"; do
		scdoc < "$src" > "$T/page" || fail "scdoc: $src"
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$T/page" \
		    > "$T/text" 2> "$T/err" || fail "man: $src"
		[ ! -s "$T/err" ] || fail "$src: $(cat "$T/err")"
		[ -s "$T/text" ] || fail "$src: empty page"
	done
	;;
*)
	fail "unknown check '$mode'"
	;;
esac
echo ok
