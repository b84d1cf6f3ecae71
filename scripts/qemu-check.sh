#!/bin/bash
# The QEMU series' own checks: QEMU's scripts/checkpatch.pl on each patch
# of the tree's commits since "base", and each commit built in turn
# (qemu-system-x86_64 in OBJDIR, incremental with ccache; the tree is
# checked out at each commit, then back at its branch: run make qemu
# after it).  One PASS/FAIL line per check; exits non-zero on a failure.
# QEMU_CHECK_BUILD=0 skips the builds.
# usage: qemu-check.sh TREE OBJDIR CACHE
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
tree=$(cd "$1" && pwd) obj=$2 cache=$3
fail=0
i=0
for c in $(git -C "$tree" rev-list --reverse refs/tags/base..HEAD); do
	i=$((i + 1))
	s=$(git -C "$tree" log -1 --format=%s "$c")
	out=$(git -C "$tree" format-patch --stdout -1 "$c" | (cd "$tree" && perl scripts/checkpatch.pl -q -) 2>&1)
	# the only accepted warning: MAINTAINERS for new files the VFIO entry's hw/vfio/* covers
	bad=$(grep -E '^(ERROR|WARNING)' <<<"$out" | grep -v 'does MAINTAINERS need updating' || true)
	if [ -z "$bad" ]; then echo "PASS qemu:checkpatch:$i  ($s)"; else
		echo "FAIL qemu:checkpatch:$i  ($s)"; echo "$out" | sed 's/^/  | /'; fail=1; fi
done
if [ "${QEMU_CHECK_BUILD:-1}" = 1 ]; then
	[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
		{ echo "FAIL qemu:build  ($tree has uncommitted changes)"; exit 1; }
	head=$(git -C "$tree" symbolic-ref -q --short HEAD || git -C "$tree" rev-parse HEAD)
	i=0
	for c in $(git -C "$tree" rev-list --reverse refs/tags/base..HEAD); do
		i=$((i + 1))
		git -C "$tree" checkout -q "$c"
		if "$here/scripts/build-qemu.sh" "$tree" "$obj" "$cache" >"$obj-patch-$i.log" 2>&1; then
			echo "PASS qemu:build:$i  ($(git -C "$tree" log -1 --format=%s "$c"))"
		else
			echo "FAIL qemu:build:$i  (log: $obj-patch-$i.log)"; tail -n 20 "$obj-patch-$i.log" | sed 's/^/  | /'; fail=1
		fi
	done
	git -C "$tree" checkout -q "$head"
fi
exit $fail
