#!/bin/bash
# make vmm-check: a real VMM inside the test machine (the series' debug
# kernel, config/qemu.args) passes an e1000e bound to vfio-pci through to a
# nested VM, with the device's runtime PM state checked on the test
# machine's side at every step (guest/vfio_vmm_test, docs/vmm.md).
# VMMs: the harness's QEMU 10 (q10) and Debian 11's QEMU 5.2 (q52), each
# with its own libraries (scripts/mkvmm-root.sh); devices 04:00.0 (ACPI
# power control: D3cold) and 01:00.0 (D3hot).
#   short run: every VMM x device, VFIO_VMM_LIFECYCLES (default 1) SeaBIOS +
#              iPXE lifecycles each, one boot of the test machine
#   long runs (VMM_CHECK=long, the default): then one boot per VMM x
#              device with the nested Linux lifecycle (probe, MSI-X, link,
#              D3hot and back, reboot, SIGTERM; a second VM, SIGKILL)
# VMM_CHECK=short runs the short run only, VMM_SHORT=0 the long ones only.  VMM_VMMS / VMM_DEVICES narrow
# the lists (q10+q52, 04:00.0+01:00.0).  CPU_LOCK=FILE runs each boot of
# the test machine under flock FILE (machines shared with timing-sensitive
# work).  Builds no kernel: it needs make check's or make demo's kernel and
# tests.  Ends with "N passed, N failed, N skipped".
# usage: vmm-check.sh BUILD CACHE
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$1 cache=$2
kernel=$build/obj/arch/x86/boot/bzImage
what=${VMM_CHECK:-long}
vmms=${VMM_VMMS:-q10+q52} devs=${VMM_DEVICES:-04:00.0+01:00.0}
out=$build/vmm
results=$out/results.txt
start=$SECONDS
if [ ! -f "$kernel" ] || [ ! -d "$build/tests" ]; then
	echo "vmm-check: no $kernel or $build/tests/: run make check or make demo first" >&2
	exit 1
fi
mkdir -p "$out"
: >"$results"
echo "== vmm-check: the VMMs and the nested guest (scripts/mkvmm-root.sh)"
if ! "$here/scripts/mkvmm-root.sh" "$build" "$cache" "$out/root"; then
	echo "FAIL vmm:root" | tee -a "$results"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
initrd=$build/initramfs-vmm.cpio.gz
EXTRA_ROOT=$out/root "$here/scripts/mkinitramfs.sh" "$initrd" "$here/guest/vfio_vmm_test" \
	$(ls "$build/tests/vfio-pm-status" 2>/dev/null) || exit 1

lock() { if [ -n "${CPU_LOCK:-}" ]; then flock "$CPU_LOCK" "$@"; else "$@"; fi; }
# boot NAME TIMEOUT ENV: one boot of the test machine running vfio_vmm_test
boot() {
	local name=$1 timeout=$2 env=$3 log=$out/console-$1.log t=$SECONDS rc
	echo "== vmm-check: $name ($env), console: $log"
	lock "$here/scripts/run-qemu.sh" "$kernel" "$initrd" "$log" check "$timeout" \
		< /dev/null 2>&1 | sed 's/^/  /' &
	# progress: the last TAP line every 60 s
	local pid=$!
	local i=0
	while kill -0 $pid 2>/dev/null; do
		sleep 5
		i=$((i + 1))
		[ $((i % 12)) = 0 ] && kill -0 $pid 2>/dev/null &&
			echo "  ... $name: $((SECONDS - t)) s, last: $(grep -aE '^(not )?ok ' "$log" 2>/dev/null | tail -n 1 | cut -c1-90)"
	done
	wait $pid
	# the boot's KUnit suites are make check's to count
	{ awk -f "$here/scripts/parse-console.awk" "$log" | grep -v '^[A-Z]* kunit:' |
		sed "s/ console:/ console[$name]:/"
	  [ -s "$log" ] || echo "FAIL console[$name]:booted  (no console log)"
	} | tee -a "$results"
	grep -aE '^# vfio_vmm_test: [0-9]+ of' "$log" | sed 's/\r$//; s/^# /  /'
	echo "  $name: $((SECONDS - t)) s"
}
export EXTRA_CMDLINE
EXTRA_CMDLINE="vfio_env=VFIO_VMM_MODE=short,VFIO_VMM_VMMS=$vmms,VFIO_VMM_DEVICES=$devs,VFIO_VMM_LIFECYCLES=${VFIO_VMM_LIFECYCLES:-1}"
[ "${VMM_SHORT:-1}" = 0 ] || boot short "${VMM_SHORT_TIMEOUT:-1200}" "${EXTRA_CMDLINE#vfio_env=}"
if [ "$what" = long ]; then
	for q in ${vmms//+/ }; do
		for b in ${devs//+/ }; do
			EXTRA_CMDLINE="vfio_env=VFIO_VMM_MODE=long,VFIO_VMM_VMMS=$q,VFIO_VMM_DEVICES=$b,VFIO_VMM_LIFECYCLES=0"
			boot "long-$q-${b//:/-}" "${VMM_LONG_TIMEOUT:-1440}" "${EXTRA_CMDLINE#vfio_env=}"
		done
	done
fi
. "$here/scripts/lib.sh"
stamp_output "$results" "make vmm-check"
pass=$(grep -c '^PASS ' "$results") fail=$(grep -c '^FAIL ' "$results") skip=$(grep -c '^SKIP ' "$results")
echo "vmm-check: $((SECONDS - start)) s; results: $results, console logs: $out/console-*.log"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
