#!/bin/bash
# The console parser's own tests: each scripts/tests/parse-console/NAME.log
# parsed by scripts/parse-console.awk must print NAME.expected exactly.
# One result line per case, "PASS|FAIL parse-console:NAME", the
# difference under a failure.
# usage: test-parse-console.sh
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$here/scripts/tests/parse-console
for log in "$dir"/*.log; do
	name=$(basename "$log" .log)
	if out=$(diff -u "$dir/$name.expected" <(awk -f "$here/scripts/parse-console.awk" "$log")); then
		echo "PASS parse-console:$name"
	else
		echo "FAIL parse-console:$name  (expected - / printed +)"
		sed -n '3,$s/^/    /p' <<<"$out" | head -n 20
	fi
done
