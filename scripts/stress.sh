#!/bin/bash
# make stress: the long stress on the KASAN kernel (config/kasan.config on
# top of the test kernel's fragments): the seeded random sequence with
# STRESS_OPS operations (default 50000) and STRESS_LIFECYCLES VM lifecycles
# (default 1000), plus the four-thread PMCSR race, and every scenario of
# the fail-nth program (make check leaves its slowest out).  SEED=S replays a run;
# without it a random seed is drawn and printed.  Ends with the tests'
# "stress:" and "lifecycles:" lines and "N passed, N failed, N skipped"
# (the guest's own boot and power-off counted as one result).
# usage: stress.sh BUILD TREE
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
build=$1 tree=$2
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
ops=${STRESS_OPS:-50000} cycles=${STRESS_LIFECYCLES:-1000}
kobj=$build/obj-kasan
# STRESS_TESTS: which of the programs of config/suites' stress suite
# (default all, in one guest); e.g. STRESS_TESTS=fail_nth and
# STRESS_TESTS="random stress" in two guests side by side, each with a
# console of its own
tests=${STRESS_TESTS:-$(suite_field stress programs | tr ',' ' ')}
tag=$(tr ' ' '-' <<<"$tests")
log=$build/console-stress.log
[ -z "${STRESS_TESTS:-}" ] || log=$build/console-stress-$tag.log
echo "stress: seed $seed, $ops random operations, $cycles VM lifecycles (SEED=$seed replays it)"
KERNEL_FRAGMENTS="kernel.config debug.config tests.config kasan.config" \
	"$here/scripts/build-kernel.sh" "$tree" "$kobj" || exit 1
initrd=$build/initramfs-stress.cpio.gz
[ -z "${STRESS_TESTS:-}" ] || initrd=$build/initramfs-stress-$tag.cpio.gz
"$here/scripts/mkinitramfs.sh" "$initrd" \
	$(for t in $tests; do ls "$build/tests/vfio_pci_${t}_test"; done) || exit 1
start=$SECONDS
EXTRA_CMDLINE=$(suite_field stress cmdline) \
	"$here/scripts/run-qemu.sh" "$kobj/arch/x86/boot/bzImage" "$initrd" \
	"$log" check "${STRESS_TIMEOUT:-$(suite_field stress timeout)}"
rc=$?
results=${log%.log}-results.txt
{ if [ "$rc" = 0 ]; then echo "PASS qemu:boot-and-power-off"
  else echo "FAIL qemu:boot-and-power-off  (see $log)"; fi
  console_results "$log" "$(suite_field stress prefix)"; } >"$results"
cat "$results"
grep -aE '^# (stress|lifecycles|[0-9]+ threads x|[a-z_]+: [0-9]+ allocations failed)' "$log" | sed 's/\r$//'
echo "stress: guest ran $((SECONDS - start)) s (console: $log, results: $results)"
summarize "$results"
