#!/bin/bash
# Run checkpatch --strict on every patch of the series; print one result
# line per patch ("PASS|FAIL checkpatch:NAME") and the problems of a failing
# one.  checkpatch of 5.10 asks about MAINTAINERS for every added file; that
# question is answered here instead: every added file must be covered by a
# MAINTAINERS entry at the top of the series.
# The tree has no upstream history, so the ids of Fixes: tags and of a
# backport's "commit <id> upstream." line cannot be looked up there
# (UNKNOWN_COMMIT_ID and GIT_COMMIT_ID, which fails on an id it cannot
# resolve, are not checked).
# usage: checkpatch.sh TREE PATCHDIR
set -uo pipefail
tree=$1 pdir=$(cd "$2" && pwd)
# Debian's python (python-is-python3, with ply and git) for scripts/spdxcheck.py
export PATH=/usr/bin:$PATH
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	out=$(cd "$tree" && scripts/checkpatch.pl --strict --quiet --show-types \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID,GIT_COMMIT_ID "$pdir/$p" 2>&1)
	for f in $(awk '/^diff --git / { f = substr($4, 3) } /^new file mode/ { print f }' "$pdir/$p"); do
		(cd "$tree" && scripts/get_maintainer.pl --no-git --no-rolestats -f "$f" 2>/dev/null) |
			grep -qv 'linux-kernel@vger.kernel.org' ||
			out="$out${out:+$'\n'}MAINTAINERS: no entry covers the added file $f"
	done
	if [ -z "$out" ]; then
		echo "PASS checkpatch:$p"
	else
		echo "FAIL checkpatch:$p"
		echo "$out" | head -n 30 | sed 's/^/    /'
	fi
done <"$pdir/series"
