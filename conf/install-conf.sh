#!/bin/sh
# meson install hook: install the sample config without overwriting one
# the operator already has.  $1: the sample, $2: the directory.
set -eu
dir=${DESTDIR:-}$2
case $2 in /*) ;; *) dir=${DESTDIR:-}${MESON_INSTALL_PREFIX}/$2 ;; esac
mkdir -p "$dir"
if [ -e "$dir/threadsd.conf" ]; then
	echo "keeping the existing $dir/threadsd.conf"
else
	install -m 0644 "$1" "$dir/threadsd.conf"
fi
