#!/bin/bash
# Run checkpatch --strict on every patch of the series; print one result
# line per patch ("PASS|FAIL checkpatch:NAME") and the problems of a failing one.
# usage: checkpatch.sh TREE PATCHDIR
set -uo pipefail
tree=$1 pdir=$(cd "$2" && pwd)
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	out=$(cd "$tree" && scripts/checkpatch.pl --strict --quiet --show-types "$pdir/$p" 2>&1)
	if [ -z "$out" ]; then
		echo "PASS checkpatch:$p"
	else
		echo "FAIL checkpatch:$p"
		echo "$out" | head -n 30 | sed 's/^/    /'
	fi
done <"$pdir/series"
