#!/bin/bash
# Boot KERNEL with INITRD in the QEMU machine of config/qemu.args (or of
# the file $QEMU_MACHINE), console to LOG.  A guest that does not power off within TIMEOUT seconds is killed
# and reported.
# usage: run-qemu.sh KERNEL INITRD LOG JOB [TIMEOUT]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kernel=$1 initrd=$2 log=$3 job=$4 timeout=${5:-900}
args=$("$here/scripts/qemu-args.sh")
mapfile -t args <<<"$args"
cmdline="$(cat "$here/config/cmdline") vfio_job=$job ${EXTRA_CMDLINE:-}"
mkdir -p "$(dirname "$log")"
echo "qemu: booting $kernel (job $job, timeout ${timeout}s, console log: $log)"
# the test machine's QEMU (config/qemu.env): fetched now, not inside the timeout
[ -n "${QEMU_BIN:-}" ] || "$here/scripts/fetch-qemu.sh" "${CACHE:-$HOME/.cache/vfio-lowpower}" >/dev/null
start=$SECONDS
set +e
timeout -k 5 "$timeout" "$here/scripts/qemu.sh" "${args[@]}" -kernel "$kernel" -initrd "$initrd" \
	-append "$cmdline" </dev/null >"$log" 2>&1
rc=$?
set -e
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "FAILED: qemu: the guest did not finish within ${timeout}s and was killed. Last console lines:" >&2
	tail -n 25 "$log" | sed 's/^/  | /' >&2
	exit 124
fi
if [ "$rc" != 0 ]; then
	echo "FAILED: qemu exited with $rc. Last lines of $log:" >&2
	tail -n 25 "$log" | sed 's/^/  | /' >&2
	exit "$rc"
fi
echo "qemu: guest finished in $((SECONDS - start)) s"
