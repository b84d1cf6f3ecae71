#!/bin/bash
# make bench: what the series costs and how fast a device enters low power
# and wakes.  One static benchmark program (guest/bench.c), one QEMU
# machine (config/bench-qemu.args: eight e1000e), four kernels:
#   5.10          the base, without the series   } the same config, no debug
#   5.10+series   the top of the series          } options, one object dir
#   5.10+series-w the series with its two pm get/put wrappers taken out
#                 again (config/bench-no-pm-wrapper.diff): a control, run
#                 only for the overhead loops, that tells what the wrappers
#                 themselves cost
#   6.12          Debian's prebuilt mainline kernel (as make parity boots it)
# The overhead loops, the hot paths and the scale run twice: timed in TCG
# boots (the overhead loops in ROUNDS alternating boots, their trials
# pooled), and once per kernel under QEMU -icount (1 vCPU), where
# guest time counts guest instructions: exact and free of host noise (the
# scale's guest CPU per cycle of record, on the series and on 6.12).
# Everything else runs in one boot each.  The table goes to BUILD/bench.txt,
# with "bench: <goal> <ratio> <met|missed>" lines at the end
# (scripts/bench-report.py).  Exits non-zero only when something did not
# run; a missed goal is a result, not an error.
# usage: bench.sh BUILD TREE CACHE
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
build=$(cd "$1" && pwd) tree=$(cd "$2" && pwd) cache=$3
rounds=${ROUNDS:-3}
out=$build/bench
src=$out/linux obj=$out/obj
mkdir -p "$out"
export QEMU_MACHINE=$here/config/bench-qemu.args KERNEL_FRAGMENTS=kernel.config
start=$SECONDS

# the branch 'series' (patches/, scripts/mktree.sh), not HEAD: make
# check's per-patch builds and make lint move HEAD while they run
series=$(git -C "$tree" rev-parse -q --verify series || git -C "$tree" rev-parse HEAD) || exit 1
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "bench: note: $tree has uncommitted changes; benchmarking its last commit" >&2
fi
# one worktree and one object dir for both kernels: switching commits
# rebuilds only what the series touches
if [ ! -d "$src" ]; then
	git -C "$tree" worktree prune
	git -C "$tree" worktree add -q --detach "$src" base || exit 1
fi
# The control kernel: the series with a diff of config/ applied
declare -A diff=([nowrap]=bench-no-pm-wrapper.diff)
declare -A what=([nowrap]="minus the pm wrappers")
# series last: its tree and headers stay checked out for the program
kernels=
for k in base nowrap series; do
	rev=$series
	[ "$k" = base ] && rev=base
	git -C "$src" checkout -q -f --detach "$rev" || exit 1
	if [ -n "${diff[$k]:-}" ] &&
	   ! git -C "$src" apply "$here/config/${diff[$k]}" 2>"$out/$k-apply.log"; then
		echo "bench: note: config/${diff[$k]} does not apply to the series" \
			"($(head -n 1 "$out/$k-apply.log")); no $k control kernel" >&2
		continue
	fi
	echo "bench: kernel $k = $(git -C "$src" log -1 --format='%h %s' | cut -c1-60)" \
		"${what[$k]:-}"
	"$here/scripts/build-kernel.sh" "$src" "$obj" || exit 1
	cp "$obj/arch/x86/boot/bzImage" "$out/bzImage-$k"
	git -C "$src" checkout -q -f .
	kernels="$kernels $k"
done
run_logged "bench: installing the series' uapi headers" "$obj/headers.log" \
	make -C "$src" O="$obj" headers_install INSTALL_HDR_PATH="$obj/usr" || exit 1
lib=$src/tools/testing/selftests/vfio
run_logged "bench: building the benchmark program" "$out/bench-build.log" \
	gcc -Wall -Wextra -O2 -static -pthread -isystem "$obj/usr/include" -I"$lib" \
	-o "$out/vfio_lowpower_bench" "$here/guest/bench.c" "$lib/vfio_pci_lib.c" || exit 1
"$here/scripts/fetch-mainline.sh" "$build/mainline" "$cache" || exit 1
"$here/scripts/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$out/vfio_lowpower_bench" || exit 1
MODULES="$(ls "$build"/mainline/modules/*.ko)" \
	"$here/scripts/mkinitramfs.sh" "$out/initramfs-ml.cpio.gz" "$out/vfio_lowpower_bench" || exit 1

# The machine of the -icount boots: bench-qemu.args with 1 vCPU (icount
# runs one vCPU thread; the AP bring-up of a second one hangs under it),
# and guest time advancing 1 ns per guest instruction (shift=0).
icount_machine=$out/bench-icount-qemu.args
awk 'prev == "-smp" { $0 = 1 } { print; prev = $0 }' "$QEMU_MACHINE" >"$icount_machine"
printf -- '-icount\nshift=0,sleep=off\n' >>"$icount_machine"

boot() {	# name kernel initrd [sections]
	local log=$out/console-$1.log
	EXTRA_CMDLINE=${4:+vfio_bench=$4} \
		"$here/scripts/run-qemu.sh" "$2" "$3" "$log" bench 600 || return 1
	if ! grep -q '^bench: info done' "$log"; then
		echo "FAILED: bench: the benchmark did not finish on $1. Last lines of $log:" >&2
		tail -n 20 "$log" | sed 's/^/  | /' >&2
		return 1
	fi
	grep '^bench: skip' "$log" | sed "s/^/  $1: /"
	return 0
}
# BENCH_BOOTS=icount: only the -icount boots again (the timed boots'
# consoles of the last run are kept and reported with them)
boots=${BENCH_BOOTS:-all}
case $boots in
all) rm -f "$out"/console-*.log ;;
icount) rm -f "$out"/console-icount-*.log ;;
*) echo "bench: BENCH_BOOTS is all or icount, not $boots" >&2; exit 1 ;;
esac
rc=0
has() { [[ " $kernels " == *" $1 "* ]]; }
for k in base series nowrap; do
	has $k || continue
	sec=overhead,hotpath
	[ "$k" = series ] && sec=$sec,scale,cfgscale
	QEMU_MACHINE=$icount_machine boot "icount-$k" "$out/bzImage-$k" "$out/initramfs.cpio.gz" \
		$sec || rc=1
done
# 6.12's scale in guest instructions too, to set against the series'
QEMU_MACHINE=$icount_machine boot icount-mainline "$build/mainline/vmlinuz" \
	"$out/initramfs-ml.cpio.gz" scale,cfgscale || rc=1
[ "$boots" = icount ] && rounds_run=0 || rounds_run=$rounds
for r in $(seq 1 "$rounds_run"); do
	for k in base series nowrap; do
		has $k || continue
		sec=overhead
		# the series' scale in every round: one TCG run is not a figure
		[ "$k" = series ] && sec=overhead,scale,cfgscale
		[ "$r" = 1 ] && [ "$k" != nowrap ] && sec=
		boot "$k-$r" "$out/bzImage-$k" "$out/initramfs.cpio.gz" $sec || rc=1
	done
done
if [ "$boots" = all ]; then
	boot mainline "$build/mainline/vmlinuz" "$out/initramfs-ml.cpio.gz" || rc=1
	# 6.12's scale a second time, as the series' is
	boot mainline-2 "$build/mainline/vmlinuz" "$out/initramfs-ml.cpio.gz" scale,cfgscale || rc=1
fi
[ "$rc" = 0 ] || exit 1

python3 "$here/scripts/bench-report.py" "$out" "$rounds" | tee "$build/bench.txt"
stamp_output "$build/bench.txt" "make bench"	# for make docs
echo "bench: table in $build/bench.txt, console logs in $out/console-*.log ($((SECONDS - start)) s)"
