#!/bin/bash
# Build every commit of the series in turn (each patch builds, so the
# series can be bisected).  A commit that changes the kernel: drivers/vfio
# with W=1 and sparse (C=2), whose warnings must not grow over the base's,
# then the whole kernel (vmlinux, linked: the bzImage's compression and
# packing cannot fail on a patch of the series; make check's kernel step
# builds the bzImage at the top).  A commit that changes only Documentation/ or
# MAINTAINERS: nothing to build.  One that changes only those and tools/:
# the vfio selftests, against the uapi headers of the last kernel commit,
# when it changes them; else bash -n of its shell scripts.  The W=1 objects live in OBJDIR-w1, so that neither build
# makes the other's objects stale; each step is incremental.  Prints one
# result line per commit; leaves the tree on the branch it was on, also
# when interrupted.
# usage: per-patch-build.sh TREE OBJDIR
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
tree=$(cd "$1" && pwd) obj=$(cd "$2" && pwd)
export CCACHE_BASEDIR=$(dirname "$tree") CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
make=(make -C "$tree" O="$obj" -j"$(nproc)" CC="ccache gcc" HOSTCC="ccache gcc")
w1=$obj-w1
mkdir -p "$w1"
make_w1=(make -C "$tree" O="$w1" -j"$(nproc)" CC="ccache gcc" HOSTCC="ccache gcc")
logs=$obj/per-patch
mkdir -p "$logs"
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "FAIL per-patch:tree-is-clean  ($tree has uncommitted changes: commit them first)"
	exit 0
fi
branch=$(git -C "$tree" symbolic-ref -q --short HEAD || git -C "$tree" rev-parse HEAD)

# Every Kconfig symbol of tests.config that this commit has is enabled, so
# that each patch's new code (KUnit tests included) is compiled: building an
# earlier commit drops the symbols it does not know from .config.
enable_test_symbols() {
	cat "$here/config/tests.config" >>"$obj/.config"
	"${make[@]}" olddefconfig >/dev/null 2>&1
	cmp -s "$obj/.config" "$w1/.config" && return
	cp "$obj/.config" "$w1/.config"
	"${make_w1[@]}" olddefconfig >/dev/null 2>&1
}

# warnings in the series' files (drivers/vfio, the vfio headers), without
# line numbers, sorted: one per line.  Warnings of other kernel headers
# that a file includes are the base kernel's, whichever file includes them.
vfio_warnings() {
	enable_test_symbols
	# every file compiled again, so that each one's warnings are seen
	find "$w1/drivers/vfio" -name '*.o' -delete 2>/dev/null
	"${make_w1[@]}" W=1 C=2 drivers/vfio/ >"$1.log" 2>&1 || return 1
	grep -E '(warning|error):' "$1.log" |
		sed -nE 's|^(\.\./)?[^ ]*/(drivers/vfio/[^:]*\|include/(uapi/)?linux/vfio\.h):[0-9]+(:[0-9]+)?:|\2:|p' |
		sort >"$1.warn"
}

trap 'git -C "$tree" checkout -q "$branch"' EXIT
git -C "$tree" checkout -q base
echo "per-patch: W=1 and sparse warnings of drivers/vfio at the base (logs: $logs)"
run_logged "per-patch: drivers/vfio at the base (W=1, sparse; the first run prepares $w1)" "$logs/base.run.log" \
	vfio_warnings "$logs/base" || { echo "FAIL per-patch:base  (see $logs/base.log)"; exit 0; }
i=0 kc=base hdr=
for c in $(git -C "$tree" rev-list --reverse "base..$branch"); do
	i=$((i + 1))
	subj=$(git -C "$tree" log -1 --format=%s "$c")
	name=$(printf '%04d %s' "$i" "$subj")
	git -C "$tree" checkout -q "$c"
	files=$(git -C "$tree" diff-tree --no-commit-id --name-only -r "$c")
	if [ -z "$(grep -vE '^(Documentation/|MAINTAINERS$)' <<<"$files")" ]; then
		echo "PASS per-patch:$name  (Documentation/ and MAINTAINERS only: nothing to build)"
		continue
	fi
	if [ -z "$(grep -vE '^(tools/|Documentation/|MAINTAINERS$)' <<<"$files")" ] &&
	   ! grep -q '^tools/testing/selftests/vfio/' <<<"$files"; then
		# another tool (a shell script): its syntax
		bad=
		for f in $(grep -E '^tools/.*\.sh$' <<<"$files"); do
			[ ! -f "$tree/$f" ] || bash -n "$tree/$f" 2>>"$logs/$i.sh.log" || bad="$bad $f"
		done
		if [ -n "$bad" ]; then
			echo "FAIL per-patch:$name  (bash -n:$bad, see $logs/$i.sh.log)"
		else
			echo "PASS per-patch:$name  (tools/ outside the selftests: shell syntax checked)"
		fi
		continue
	fi
	if [ -z "$(grep -vE '^(tools/|Documentation/|MAINTAINERS$)' <<<"$files")" ]; then
		# only tools/: the selftests, against the last kernel commit's uapi
		if [ "$hdr" != "$kc" ]; then
			"${make[@]}" headers_install INSTALL_HDR_PATH="$logs/usr" >"$logs/$i.headers.log" 2>&1 &&
				hdr=$kc
		fi
		mkdir -p "$logs/selftests"
		if [ "$hdr" = "$kc" ] && make -j"$(nproc)" -C "$tree/tools/testing/selftests/vfio" OUTPUT="$logs/selftests" \
			KHDR_INCLUDES="-isystem $logs/usr/include" >"$logs/$i.selftests.log" 2>&1; then
			echo "PASS per-patch:$name"
		else
			echo "FAIL per-patch:$name  (the selftests do not build, see $logs/$i.selftests.log)"
			grep -E 'error|warning' "$logs/$i.selftests.log" | head -n 10 | sed 's/^/    /'
		fi
		continue
	fi
	kc=$c
	if ! vfio_warnings "$logs/$i"; then
		echo "FAIL per-patch:$name  (drivers/vfio does not build)"
		grep -E 'error' "$logs/$i.log" | head -n 10 | sed 's/^/    /'
		continue
	fi
	lost=
	for opt in $(grep -hE '^CONFIG_' "$here/config/tests.config"); do
		sym=${opt%%=*}
		git -C "$tree" grep -q -e "^config ${sym#CONFIG_}$" -- 'drivers/*Kconfig*' 'lib/*Kconfig*' || continue
		grep -qxF "$opt" "$obj/.config" || lost="$lost $opt"
	done
	if [ -n "$lost" ]; then
		echo "FAIL per-patch:$name  (not compiled:$lost is in Kconfig but not set)"
		continue
	fi
	new_warnings "per-patch:$name" "$logs/base.warn" "$logs/$i.warn" "W=1/sparse warnings" || continue
	if ! run_logged "per-patch: building the kernel at patch $i" "$logs/$i.kernel.log" \
		"${make[@]}" vmlinux >/dev/null; then
		echo "FAIL per-patch:$name  (kernel does not build, see $logs/$i.kernel.log)"
		grep -E 'error|undefined' "$logs/$i.kernel.log" | head -n 10 | sed 's/^/    /'
		continue
	fi
	echo "PASS per-patch:$name"
done
