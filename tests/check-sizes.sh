#!/bin/sh
# Files stay small (issue #15, STYLE.md "small files with one job each"):
# no .c file of daemon/, ctl/ or common/ over 25 KB, and the median .c
# file at most 8 KB.  Prints each file over the limit and the median.
#
# Usage: check-sizes.sh [SOURCE_ROOT]; exit 0 when the tree keeps both,
# 1 when it does not.  tests/meson.build runs it as the test "sizes".

root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2

max=$((25 * 1024))
median_max=$((8 * 1024))

find daemon ctl common -type f -name '*.c' -exec wc -c {} + |
    awk -v max="$max" -v mmax="$median_max" '
	$2 == "total" { next }
	{ size[n++] = $1 }
	$1 > max { printf "%s: %d bytes, over %d\n", $2, $1, max; bad = 1 }
	END {
		if (n == 0) { print "check-sizes: no .c file found"; exit 1 }
		# insertion sort: some dozens of numbers
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && size[j - 1] > size[j]; j--) {
				t = size[j]; size[j] = size[j - 1]; size[j - 1] = t
			}
		m = n % 2 ? size[(n - 1) / 2] : (size[n / 2 - 1] + size[n / 2]) / 2
		printf "check-sizes: %d files, median %d bytes (at most %d)\n",
		    n, m, mmax
		if (m > mmax) bad = 1
		exit bad
	}'
