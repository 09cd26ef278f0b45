#!/bin/sh
# The layers stay layers: no cycle of calls or includes between the files
# of daemon/, ctl/ and common/, and common/ uses neither daemon/ nor ctl/
# (STYLE.md, "Arrows point down only").
#
# A module is a file without its ending: daemon/store/store.c and
# daemon/store/store.h are one module, daemon/store/store.  Module A uses
# module B when A includes one of B's headers ("..." includes only) or
# names a function that B defines; a definition is a name at column 0
# followed by '(' (STYLE's rule, so `git grep '^name('` finds it), and a
# static one is B's own.
# Names inside comments and strings do not count.
#
# Usage: check-cycles.sh [SOURCE_ROOT]; exit 0 when the tree is clean,
# 1 when it is not (each cycle is printed with the uses that close it).
# tests/meson.build runs it as the test "cycles".

root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2

# Known cycles, being removed (issue #15).  A line "A -> B" leaves out the
# one use of B by A that closes a known cycle.  Any other line names the
# modules of one knot, separated by blanks: the uses among them are left
# out (and their cycles printed).  Every cycle through the other uses
# fails.  Strike a line when its cycle is gone (the check says so when
# one is stale).  The list must end empty.
known='
'

files=$(find daemon ctl common -type f \( -name '*.c' -o -name '*.h' \) |
    LC_ALL=C sort)
[ -n "$files" ] || { echo "check-cycles: no sources under $root" >&2; exit 2; }

# shellcheck disable=SC2086
LC_ALL=C awk -v known="$known" '
function modof(path) {
	sub(/\.[ch]$/, "", path)
	return path
}
function norm(path,	n, i, parts, out, k, stack) {
	n = split(path, parts, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "." || parts[i] == "")
			continue
		if (parts[i] == ".." && k > 0) {
			k--
			continue
		}
		stack[++k] = parts[i]
	}
	out = ""
	for (i = 1; i <= k; i++)
		out = out (i > 1 ? "/" : "") stack[i]
	return out
}
# Strips comments, string and character literals from one line; keeps
# the state of a block comment across lines in incomment.
function strip(s,	out, i, c, n, q) {
	out = ""
	n = length(s)
	i = 1
	while (i <= n) {
		c = substr(s, i, 1)
		if (incomment) {
			if (c == "*" && substr(s, i + 1, 1) == "/") {
				incomment = 0
				i += 2
				out = out " "
				continue
			}
			i++
			continue
		}
		if (c == "/" && substr(s, i + 1, 1) == "*") {
			incomment = 1
			i += 2
			continue
		}
		if (c == "/" && substr(s, i + 1, 1) == "/")
			break
		if (c == "\"" || c == "\047") {
			q = c
			i++
			while (i <= n) {
				c = substr(s, i, 1)
				if (c == "\\") {
					i += 2
					continue
				}
				i++
				if (c == q)
					break
			}
			out = out " "
			continue
		}
		out = out c
		i++
	}
	return out
}
# One edge a -> b, with the first include and the first use that make it.
function addedge(a, b, why,	kind) {
	if (a == b)
		return
	kind = why ~ / includes / ? "inc" : "use"
	if (!((a, b, kind) in why_of))
		why_of[a, b, kind] = why
	if ((a, b) in edge)
		return
	edge[a, b] = 1
	adjn[a]++
	adjv[a, adjn[a]] = b
}
function reasons(a, b,	s) {
	s = ""
	if ((a, b, "use") in why_of)
		s = why_of[a, b, "use"]
	if ((a, b, "inc") in why_of)
		s = s (s != "" ? "; " : "") why_of[a, b, "inc"]
	return s
}
# Whether the edge v -> w counts: with only > 0, the edges inside known
# set `only`; with only < 0, every edge; else every edge but the known
# ones and those inside one known set.
function counts(v, w,	k) {
	if (only < 0)
		return 1
	if (only)
		return (only, v) in knownmod && (only, w) in knownmod
	if ((v, w) in knownedge)
		return 0
	for (k = 1; k <= nknown; k++)
		if ((k, v) in knownmod && (k, w) in knownmod)
			return 0
	return 1
}
# Tarjan: the strongly connected components of the graph of counted edges.
function visit(v,	i, w, n) {
	idx[v] = low[v] = ++counter
	stack[++sp] = v
	onstack[v] = 1
	for (i = 1; i <= adjn[v]; i++) {
		w = adjv[v, i]
		if (!counts(v, w))
			continue
		if (!(w in idx)) {
			visit(w)
			if (low[w] < low[v])
				low[v] = low[w]
		} else if (onstack[w] && idx[w] < low[v])
			low[v] = idx[w]
	}
	if (low[v] == idx[v]) {
		ncomp++
		n = 0
		do {
			w = stack[sp--]
			onstack[w] = 0
			compof[w] = ncomp
			n++
		} while (w != v)
		compsize[ncomp] = n
	}
}
# The components alone, in compof.
function cycles_quiet(	m) {
	delete idx
	delete low
	delete onstack
	delete compof
	delete compsize
	counter = sp = ncomp = 0
	for (m in mods)
		if (!(m in idx))
			visit(m)
}
# Prints each cycle among the modules that pass the filter (all when
# only is 0, else those of known set only); returns how many.
function cycles(label,	m, c, i, j, v, nm, list, found, members) {
	delete idx
	delete low
	delete onstack
	delete compof
	delete compsize
	counter = sp = ncomp = 0
	for (m in mods)
		if (!(m in idx) && (!only || (only, m) in knownmod))
			visit(m)
	found = 0
	for (c = 1; c <= ncomp; c++) {
		if (compsize[c] < 2)
			continue
		found++
		nm = 0
		for (m in compof)
			if (compof[m] == c)
				members[++nm] = m
		# Sorted, so the output reads the same on every run.
		for (i = 2; i <= nm; i++) {
			v = members[i]
			for (j = i - 1; j >= 1 && members[j] > v; j--)
				members[j + 1] = members[j]
			members[j + 1] = v
		}
		list = ""
		for (i = 1; i <= nm; i++)
			list = list (i > 1 ? " " : "") members[i]
		print "check-cycles: " label ": " list
		for (i = 1; i <= nm; i++)
			for (j = 1; j <= nm; j++)
				if ((members[i], members[j]) in edge &&
				    counts(members[i], members[j]))
					print "    " members[i] " -> " \
					    members[j] ": " \
					    reasons(members[i], members[j])
	}
	return found
}
BEGIN {
	nknown = split(known, klines, "\n")
	k = 0
	for (i = 1; i <= nknown; i++) {
		line = klines[i]
		sub(/#.*/, "", line)
		if (line !~ /[^ \t]/)
			continue
		m = split(line, kmods, /[ \t]+/)
		n = 0
		for (j = 1; j <= m; j++)
			if (kmods[j] != "")
				kmods[++n] = kmods[j]
		if (n == 3 && kmods[2] == "->") {
			e++
			edgetext[e] = kmods[1] " -> " kmods[3]
			edgefrom[e] = kmods[1]
			edgeto[e] = kmods[3]
			knownedge[kmods[1], kmods[3]] = 1
			continue
		}
		k++
		knowntext[k] = line
		for (j = 1; j <= n; j++)
			knownmod[k, kmods[j]] = 1
	}
	nknown = k
	nedges = e
}
FNR == 1 {
	file = FILENAME
	seen_file[file] = 1
	mod = modof(file)
	mods[mod] = 1
	dir = file
	sub(/\/[^\/]*$/, "", dir)
	incomment = instruct = depth = hdepth = indefine = 0
	ishdr = file ~ /\.h$/
	prev = ""
	nfile++
	order[nfile] = file
}
{
	raw = $0
	if (!incomment && raw ~ /^#[ \t]*include[ \t]*"/) {
		h = raw
		sub(/^#[ \t]*include[ \t]*"/, "", h)
		sub(/".*/, "", h)
		incl[file, ++ninc[file]] = h
		incline[file, ninc[file]] = FNR
		prev = raw
		next
	}
	s = strip(raw)
	# A definition: a name at column 0 followed by (.  Static when the
	# line before (the return type, style(9)) says so.
	if (s ~ /^[a-z_][a-z0-9_]*\(/ && s !~ /;[ \t]*$/) {
		name = s
		sub(/\(.*/, "", name)
		if (prev ~ /^static[ \t]/ || prev ~ /^static$/)
			local[mod, name] = 1
		else if (!((name, mod) in defhere)) {
			defhere[name, mod] = 1
			defs[name] = defs[name] " " mod
			defat[name, mod] = file ":" FNR
		}
	}
	# Struct members: a name that is a member and a function too is
	# taken for the function only where it is called.
	if (instruct) {
		if (match(s, /\(\*[a-z_][a-z0-9_]*\)/))
			field[substr(s, RSTART + 2, RLENGTH - 3)] = 1
		else if (match(s, /[a-z_][a-z0-9_]*[ \t]*(\[[^]]*\])*[ \t]*(:[ \t]*[0-9]+[ \t]*)?;/)) {
			w = substr(s, RSTART, RLENGTH)
			sub(/[^a-z0-9_].*/, "", w)
			field[w] = 1
		}
	}
	if (s ~ /(^|[^A-Za-z0-9_])(struct|union)[ \t]+[A-Za-z0-9_]*[ \t]*\{/)
		instruct = 1
	if (instruct) {
		t = s
		depth += gsub(/\{/, "", t)
		depth -= gsub(/\}/, "", t)
		if (depth <= 0)
			instruct = depth = 0
	}
	# A header is the surface of a module: prototypes use nothing; only
	# the bodies of its inline functions and its macros do.
	isdef = s ~ /^#[ \t]*define/ || indefine
	indefine = isdef && raw ~ /\\$/
	hbody = hdepth > 0
	if (ishdr) {
		t = s
		hdepth += gsub(/\{/, "", t)
		hdepth -= gsub(/\}/, "", t)
		if (!isdef && !hbody && hdepth <= 0) {
			hdepth = 0
			if (s ~ /[^ \t]/)
				prev = s
			next
		}
	}
	# Every identifier of the line but members reached through . or ->
	# and struct, union and enum tags, remembered per file with its first
	# line; a call is marked so.
	t = s
	lastw = ""
	while (match(t, /[A-Za-z_][A-Za-z0-9_]*/)) {
		w = substr(t, RSTART, RLENGTH)
		before = substr(t, RSTART - 2, 2)
		t = substr(t, RSTART + RLENGTH)
		tag = lastw ~ /^(struct|union|enum)$/
		lastw = w
		if (tag || (before ~ /(\.|->)$/ && before !~ /\.\.$/))
			continue
		key = w
		if (t ~ /^[ \t]*\(/)
			key = w "("
		if (!((file, key) in used)) {
			used[file, key] = FNR
			nuse[file]++
			usev[file, nuse[file]] = key
		}
	}
	if (s ~ /[^ \t]/)
		prev = s
}
END {
	# Includes.
	for (f = 1; f <= nfile; f++) {
		file = order[f]
		mod = modof(file)
		dir = file
		sub(/\/[^\/]*$/, "", dir)
		for (i = 1; i <= ninc[file]; i++) {
			h = incl[file, i]
			p = norm(dir "/" h)
			if (!(p in seen_file))
				p = norm(h)
			if (!(p in seen_file))
				continue
			addedge(mod, modof(p), file ":" incline[file, i] \
			    " includes \"" h "\"")
		}
	}
	# Uses of functions another module defines.  A name several modules
	# define (each binary has its main) goes to the one in the same top
	# folder, else to common/.
	for (f = 1; f <= nfile; f++) {
		file = order[f]
		mod = modof(file)
		top = mod
		sub(/\/.*/, "", top)
		for (i = 1; i <= nuse[file]; i++) {
			key = usev[file, i]
			w = key
			sub(/\($/, "", w)
			if (!(w in defs))
				continue
			if (w == key && w in field)
				continue
			if ((mod, w) in local || (w, mod) in defhere)
				continue
			n = split(defs[w], cand, " ")
			target = ""
			for (j = 1; j <= n; j++) {
				c = cand[j]
				if (c == "")
					continue
				ctop = c
				sub(/\/.*/, "", ctop)
				if (ctop == top) {
					target = c
					break
				}
				if (ctop == "common" && target == "")
					target = c
			}
			if (target == "")
				continue
			addedge(mod, target, file ":" used[file, key] " uses " w \
			    "() of " defat[w, target])
		}
	}

	bad = 0
	# common/ is the bottom layer.
	for (e in edge) {
		split(e, ab, SUBSEP)
		if (ab[1] ~ /^common\// && ab[2] !~ /^common\//) {
			print "check-cycles: common/ uses " ab[2] ": " \
			    reasons(ab[1], ab[2])
			bad = 1
		}
	}

	if (nknown + nedges > 0)
		print "check-cycles: known cycles, being removed (issue #15):"
	# A known use that closes no cycle (its ends in two components of
	# the whole graph) is stale.
	only = -1
	cycles_quiet()
	for (e = 1; e <= nedges; e++) {
		if ((edgefrom[e], edgeto[e]) in edge &&
		    compof[edgefrom[e]] == compof[edgeto[e]])
			print "    " edgetext[e] ": " \
			    reasons(edgefrom[e], edgeto[e])
		else
			print "check-cycles: stale, closes no cycle (strike " \
			    "it): " edgetext[e]
	}
	for (k = 1; k <= nknown; k++) {
		print "    " knowntext[k]
		only = k
		if (!cycles("  known cycle"))
			print "check-cycles: stale, no cycle left (strike it): " \
			    knowntext[k]
	}
	only = 0
	if (cycles("cycle"))
		bad = 1
	if (!bad)
		print "check-cycles: no other cycle in " nfile " files"
	exit bad
}
' $files
