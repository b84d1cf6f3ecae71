#!/bin/bash
# Boot KERNEL with INITRD in the QEMU machine of config/qemu.args (or of
# the file $QEMU_MACHINE), console to LOG.  A guest that does not power off within TIMEOUT seconds is killed
# and reported.  SECURE_BOOT=1: UEFI firmware with Secure Boot on
# (config/secureboot.env; KERNEL must be signed by its db key), a fresh
# copy of its variable store beside LOG.  VMM_AGENT=1: the test machine's
# second serial port (ttyS1) talks to scripts/vmm-agent.py, which carries
# out its requests (set_link) on this QEMU's QMP socket (log beside LOG).
# usage: run-qemu.sh KERNEL INITRD LOG JOB [TIMEOUT]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kernel=$1 initrd=$2 log=$3 job=$4 timeout=${5:-900}
args=$("$here/scripts/qemu-args.sh")
mapfile -t args <<<"$args"
if [ "${SECURE_BOOT:-0}" = 1 ]; then
	. "$here/config/secureboot.env"
	for f in "$OVMF_CODE" "$OVMF_VARS"; do
		[ -r "$f" ] || { echo "FAILED: qemu: no $f (Debian package ovmf)" >&2; exit 1; }
	done
	vars=${3%.log}.vars.fd
	mkdir -p "$(dirname "$vars")" && cp "$OVMF_VARS" "$vars"
	# the firmware's variables are written only from SMM: q35 with SMM on
	args=("${args[@]/#q35/q35,smm=on}" -global driver=cfi.pflash01,property=secure,value=on
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
		-drive "if=pflash,format=raw,unit=1,file=$vars")
fi
cmdline="$(cat "$here/config/cmdline") vfio_job=$job ${EXTRA_CMDLINE:-}"
mkdir -p "$(dirname "$log")"
agent_pid=
if [ "${VMM_AGENT:-0}" = 1 ]; then
	sock=${log%.log}.agent
	rm -f "$sock.serial" "$sock.qmp"
	# both serial ports named: a -device isa-serial would take COM1 (the
	# console) from -nographic's default mon:stdio
	args+=(-serial mon:stdio -serial "unix:$sock.serial,server=on,wait=off"
	       -qmp "unix:$sock.qmp,server=on,wait=off")
	"$here/scripts/vmm-agent.py" "$sock.serial" "$sock.qmp" >"$sock.log" 2>&1 &
	agent_pid=$!
fi
echo "qemu: booting $kernel (job $job,$([ "${SECURE_BOOT:-0}" != 1 ] || echo " Secure Boot,") timeout ${timeout}s, console log: $log)"
# the test machine's QEMU (config/qemu.env): fetched now, not inside the timeout
[ -n "${QEMU_BIN:-}" ] || "$here/scripts/fetch-qemu.sh" "${CACHE:-$HOME/.cache/vfio-lowpower}" >/dev/null
start=$SECONDS
set +e
timeout -k 5 "$timeout" "$here/scripts/qemu.sh" "${args[@]}" -kernel "$kernel" -initrd "$initrd" \
	-append "$cmdline" </dev/null >"$log" 2>&1 &
qpid=$!
# a progress line every 30 s: the program running, the results so far
# (QEMU_PROGRESS=0: the caller prints its own)
# A guest that printed its last line and then does not reset within
# QEMU_DONE_GRACE seconds (120) is stopped: stock 5.10 can hang in its
# reboot behind a task its own deadlock left (make parity's base guest)
. "$here/scripts/lib.sh"
done_at=
while ! wait_for "$qpid" 30; do
	if [ -z "$done_at" ] && grep -aq '^init: vfio-lowpower guest done' "$log"; then
		done_at=$SECONDS
	fi
	if [ -n "$done_at" ] && [ $((SECONDS - done_at)) -ge "${QEMU_DONE_GRACE:-120}" ]; then
		kill "$qpid" 2>/dev/null
		wait "$qpid"
		echo "FAILED: qemu: the guest printed its last line $((SECONDS - done_at)) s ago and did not reset; stopped. Last console lines:" >&2
		tail -n 10 "$log" | sed 's/^/  | /' >&2
		exit 125
	fi
	[ "${QEMU_PROGRESS:-1}" = 0 ] && continue
	prog=$(grep -a '^init: running ' "$log" | tail -n 1 | sed 's|.*/||; s/\r$//')
	echo "  ... guest: $((SECONDS - start)) s of ${timeout} s,${prog:+ running $prog,}" \
	     "$(grep -acE '^(not )?ok [0-9]+ ' "$log") results" \
	     "($(grep -acE '^not ok [0-9]+ ' "$log") failed), console: $log"
done
wait "$qpid"
rc=$?
set -e
[ -z "$agent_pid" ] || { kill "$agent_pid" 2>/dev/null; wait "$agent_pid" 2>/dev/null || true; }
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
