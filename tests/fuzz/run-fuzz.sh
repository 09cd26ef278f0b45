#!/bin/sh
# One fuzz target as a test: TARGET SEEDS DICT SECONDS.  New inputs go
# to a scratch corpus (the first directory, which libFuzzer writes to);
# the shipped seeds are only read.  Fails on any finding, whose
# reproducer libFuzzer leaves in the working directory (crash-*).
set -eu
[ $# -eq 4 ] || { echo "usage: run-fuzz.sh TARGET SEEDS DICT SECONDS" >&2; exit 2; }
target=$1 seeds=$2 dict=$3 secs=$4
corpus=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
"$target" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$dict" "$corpus" "$seeds"
