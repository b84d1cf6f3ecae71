#!/bin/bash
# What a build robot reports on drivers/vfio, at the base and at the top
# of the series: clang (LLVM=1) with W=1, and coccicheck (MODE=report).
# The series may add nothing to either.  Counted as the robot counts:
# every warning line of the compile, those of the kernel headers a file
# includes too (a new object compiles them once more), and every
# coccicheck report; without line numbers, each occurrence counted.
# Prints one result line per check; leaves the tree on its branch.
# usage: lint.sh TREE OBJDIR
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
tree=$(cd "$1" && pwd)
mkdir -p "$2" && obj=$(cd "$2" && pwd)
export CCACHE_BASEDIR=$(dirname "$tree") CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
make=(make -C "$tree" O="$obj" -j"$(nproc)" LLVM=1 CC="ccache clang" HOSTCC="ccache clang")
logs=$obj/lint
mkdir -p "$logs"
for tool in clang ld.lld spatch; do
	command -v "$tool" >/dev/null || { echo "FAIL lint:tools  ($tool not found: make deps)"; exit 0; }
done
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "FAIL lint:tree-is-clean  ($tree has uncommitted changes: commit them first)"
	exit 0
fi
branch=$(git -C "$tree" symbolic-ref -q --short HEAD || git -C "$tree" rev-parse HEAD)

# the test kernel's configuration, built with clang
configure() {
	local frags=()
	for f in kernel.config debug.config tests.config; do frags+=("$here/config/$f"); done
	kconfig_merge "$tree" "$obj" tinyconfig "${frags[@]}" >"$logs/config.log" 2>&1
}

# one line per warning of a fresh compile of drivers/vfio, sorted
clang_warnings() {
	configure || return 1
	rm -rf "$obj/drivers/vfio"
	"${make[@]}" W=1 drivers/vfio/ >"$1.log" 2>&1 || return 1
	grep -E '(warning|error):' "$1.log" |
		sed -E 's|^(\.\./)?([^ :]*/)?((drivers\|include\|arch\|lib\|kernel)/[^:]*):[0-9]+(:[0-9]+)?:|\3:|' |
		sort >"$1.warn"
}

# one line per coccicheck report, without line numbers, sorted
# (M= is absolute: with O=, coccicheck runs in the object directory)
cocci_reports() {
	"${make[@]}" J="$(nproc)" coccicheck MODE=report M="$tree/drivers/vfio" >"$1.log" 2>&1 ||
		return 1
	grep -E "^$tree/drivers/vfio/" "$1.log" |
		sed -E "s|^$tree/||; s|:[0-9]+:[0-9]+-[0-9]+:|:|; s|line [0-9]+|line N|g" |
		sort >"$1.warn"
}

# compare: NAME BASE-FILE TOP-FILE LOG
compare() {
	local new
	new=$(comm -13 "$2" "$3")
	if [ -n "$new" ]; then
		echo "FAIL lint:$1  (reports the base does not have; log: $4)"
		echo "$new" | head -n 10 | sed 's/^/    /'
	else
		echo "PASS lint:$1  ($(wc -l <"$3") report(s), none the base does not have (it has $(wc -l <"$2")))"
	fi
}

# back to the branch it was on, also when interrupted
trap 'git -C "$tree" checkout -q "$branch"' EXIT
git -C "$tree" checkout -q base
run_logged "lint: clang W=1 of drivers/vfio at the base (first run: the kernel's prepare)" \
	"$logs/base-clang.run" clang_warnings "$logs/base-clang"
b_clang=$?
run_logged "lint: coccicheck of drivers/vfio at the base" "$logs/base-cocci.run" \
	cocci_reports "$logs/base-cocci"
b_cocci=$?
git -C "$tree" checkout -q "$branch"
run_logged "lint: clang W=1 of drivers/vfio at the top of the series" "$logs/top-clang.run" \
	clang_warnings "$logs/top-clang"
t_clang=$?
run_logged "lint: coccicheck of drivers/vfio at the top of the series" "$logs/top-cocci.run" \
	cocci_reports "$logs/top-cocci"
t_cocci=$?

if [ "$b_clang" != 0 ] || [ "$t_clang" != 0 ]; then
	echo "FAIL lint:clang-W=1  (drivers/vfio does not build with clang; see $logs/*-clang.log)"
	grep -hE 'error' "$logs"/*-clang.log 2>/dev/null | head -n 10 | sed 's/^/    /'
else
	compare clang-W=1 "$logs/base-clang.warn" "$logs/top-clang.warn" "$logs/top-clang.log"
fi
if [ "$b_cocci" != 0 ] || [ "$t_cocci" != 0 ]; then
	echo "FAIL lint:coccicheck  (coccicheck did not run; see $logs/*-cocci.log)"
	tail -n 5 "$logs/top-cocci.log" 2>/dev/null | sed 's/^/    /'
else
	compare coccicheck "$logs/base-cocci.warn" "$logs/top-cocci.warn" "$logs/top-cocci.log"
fi
