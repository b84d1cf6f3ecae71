#!/bin/bash
# Run the test machine's QEMU (config/qemu.env, fetched into the cache by
# scripts/fetch-qemu.sh on first use) with the given arguments: its own
# firmware (-L) and its own modules (QEMU_MODULE_DIR; the system's QEMU 7.2
# modules would not load into it).  QEMU_BIN=/path/qemu-system-x86_64 runs
# that one instead, as it is.
# usage: qemu.sh QEMU-ARGS...
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${QEMU_BIN:-}" ]; then
	exec "$QEMU_BIN" "$@"
fi
root=$("$here/scripts/fetch-qemu.sh" "${CACHE:-$HOME/.cache/vfio-lowpower}" | tail -n 1)
export QEMU_MODULE_DIR=$root/usr/lib/x86_64-linux-gnu/qemu
exec "$root/usr/bin/qemu-system-x86_64" -L "$root/usr/share/qemu" -L "$root/usr/share/seabios" "$@"
