#!/bin/bash
# make check-harness: the harness's own tests, quick and building nothing:
#   parse-console:NAME  the console parser on each fixture
#                       (scripts/tests/parse-console/, test-parse-console.sh)
#   syntax:FILE         bash -n of each script
#   knobs:NAME          each variable a script or the Makefile reads from
#                       the environment is in docs/knobs.md
# One result line each, then "N passed, N failed, N skipped" (HARNESS_SUMMARY=0: none, for
# make check, which counts them itself); exits non-zero on any failure.
# usage: check-harness.sh
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
	"$here/scripts/test-parse-console.sh"
	for f in "$here"/scripts/*.sh "$here"/scripts/distro/*.sh "$here"/.ci/run; do
		if err=$(bash -n "$f" 2>&1); then
			echo "PASS syntax:${f#"$here"/}"
		else
			echo "FAIL syntax:${f#"$here"/}"
			sed 's/^/    /' <<<"$err" | head -n 5
		fi
	done
	# the JSON form of results.txt (results_json) is valid JSON
	. "$here/scripts/lib.sh"
	j=$(mktemp)
	printf 'PASS a:b\nFAIL c:d  (why "q" \\ x)\n    detail\tone\nSKIP e  (no device)\n' >"$j.txt"
	results_json "$j.txt" "$j"
	if python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(not (len(r) == 3 and r[1]["result"] == "fail" and r[1]["detail"] == ["detail\tone"]))' "$j" 2>/dev/null; then
		echo "PASS results-json:valid"
	else
		echo "FAIL results-json:valid  (results_json of $j.txt:)"
		sed 's/^/    /' "$j"
	fi
	rm -f "$j" "$j.txt"
	# ${NAME:-...}, ${NAME-...}, ${NAME:=...} in the scripts and NAME ?= in
	# the Makefile; the scripts' own state (set and read by them) is not a knob
	internal='^(SECONDS|TIMINGS|STEP_NAME|STEP_T|STAMP_ELAPSED|HOME|PATH)$'
	{ grep -hvE '^[[:space:]]*#' "$here"/scripts/*.sh "$here"/scripts/distro/*.sh "$here"/config/suites | grep -oE '\$\{[A-Z][A-Z0-9_]+:?[-=]' | sed -E 's/^\$\{([A-Z0-9_]+).*/\1/'
	  grep -oE '^[A-Z][A-Z0-9_]+ *\?=' "$here/Makefile" | sed -E 's/ *\?=//'
	} | sort -u | grep -vE "$internal" | while read -r k; do
		if grep -q "\`$k\`" "$here/docs/knobs.md"; then
			echo "PASS knobs:$k"
		else
			echo "FAIL knobs:$k  (read by $(grep -lE "\\\$\{$k:?[-=]|^$k *\?=" "$here"/scripts/*.sh "$here"/scripts/distro/*.sh "$here"/config/suites "$here/Makefile" |
				xargs -n1 basename | tr '\n' ' ')but not in docs/knobs.md)"
		fi
	done
} | tee "$out"
[ "${HARNESS_SUMMARY:-1}" = 1 ] || exit 0
summarize "$out"
