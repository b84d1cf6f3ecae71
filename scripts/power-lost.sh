#!/bin/bash
# make power-lost: an experiment, not a test (no verdict): what the series
# does with a device that does not come back from D3cold
# (guest/power-lost/zz_power_lost_test says how the test machine makes
# one).  Boots the debug kernel with that script and its VMM-like client,
# then prints the script's lines and the kernel's reports.
# usage: power-lost.sh BUILD OBJ
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$1 obj=$2
out=$build/power-lost
mkdir -p "$out"
gcc -static -O2 -Wall -isystem "$obj/usr/include" -o "$out/vfio_open" "$here/guest/power-lost/vfio_open.c"
"$here/scripts/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$here/guest/power-lost/zz_power_lost_test" "$out/vfio_open"
log=$out/console.log
rc=0
"$here/scripts/run-qemu.sh" "$obj/arch/x86/boot/bzImage" "$out/initramfs.cpio.gz" "$log" check "${QEMU_TIMEOUT:-900}" || rc=$?
grep -a -E '^exp: |INFO: task .* blocked|WARNING:|BUG:' "$log" | tr -d '\r'
echo "power-lost: console $log"
exit $rc
