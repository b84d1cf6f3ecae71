#!/bin/bash
# make power-lost: an experiment, not a test (no verdict): what the series
# does with a device that does not come back from D3cold
# (guest/power-lost/zz_power_lost_test says how the test machine makes
# one).  Boots the debug kernel with that script and its VMM-like client,
# then prints the script's lines and the kernel's reports.
# POWER_LOST_KERNEL=mainline boots Debian's 6.12 (make parity's) instead
# of the series' debug kernel.
# usage: power-lost.sh BUILD OBJ
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
build=$1 obj=$2
out=$build/power-lost
mkdir -p "$out"
gcc -static -O2 -Wall -isystem "$obj/usr/include" -o "$out/vfio_open" "$here/guest/power-lost/vfio_open.c"
kernel=$obj/arch/x86/boot/bzImage log=$out/console.log
case ${POWER_LOST_KERNEL:-series} in series|mainline) ;;
*) echo "power-lost: POWER_LOST_KERNEL is series or mainline, not '$POWER_LOST_KERNEL'" >&2; exit 2 ;;
esac
if [ "${POWER_LOST_KERNEL:-series}" = mainline ]; then
	"$here/scripts/fetch-mainline.sh" "$build/mainline" "${CACHE:-$HOME/.cache/vfio-lowpower}" || exit 1
	kernel=$build/mainline/vmlinuz log=$out/console-mainline.log
	export MODULES="$(ls "$build"/mainline/modules/*.ko)"
fi
"$here/scripts/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$here/guest/power-lost/zz_power_lost_test" "$out/vfio_open"
rc=0
"$here/scripts/run-qemu.sh" "$kernel" "$out/initramfs.cpio.gz" "$log" check "${QEMU_TIMEOUT:-900}" || rc=$?
# what make docs shows (docs/measured/power-lost.md): one file per kernel
txt=$build/power-lost-${POWER_LOST_KERNEL:-series}.txt
{ grep -a -E '^exp: |INFO: task .* blocked|WARNING:|BUG:' "$log" || true; } | tr -d '\r' | tee "$txt"
stamp_output "$txt" "make power-lost"
echo "power-lost: console $log, lines $txt"
exit $rc
