#!/bin/sh
# Installs the Debian packages threadsd needs to build and test, when any
# is missing.  Sourced or run by tests/demo.sh and tests/run-all.sh; the
# list is the one place that names them.
set -eu

THREADSD_DEPS="gcc meson ninja-build pkg-config libevent-dev
libcurl4-openssl-dev libjson-c-dev liblmdb-dev libsystemd-dev libsodium-dev
libinih-dev libutf8proc-dev scdoc curl jq"
THREADSD_TEST_DEPS="valgrind clang faketime systemd systemd-container
debootstrap bash-completion man-db redis-server redis-tools strace
prometheus prometheus-node-exporter"

threadsd_install_deps() {
	_missing=
	for _p in "$@"; do
		dpkg-query -W -f='${Status}' "$_p" 2>/dev/null |
		    grep -q 'install ok installed' || _missing="$_missing $_p"
	done
	[ -z "$_missing" ] && return 0
	echo "Installing:$_missing"
	_sudo=
	[ "$(id -u)" -eq 0 ] || _sudo=sudo
	# shellcheck disable=SC2086
	$_sudo apt-get update -qq &&
	    DEBIAN_FRONTEND=noninteractive $_sudo apt-get install -y -qq \
	    --no-install-recommends $_missing >/dev/null
}

if [ "${0##*/}" = deps.sh ]; then
	# shellcheck disable=SC2086
	threadsd_install_deps $THREADSD_DEPS ${1:+$THREADSD_TEST_DEPS}
fi
