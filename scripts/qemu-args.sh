#!/bin/bash
# Print the QEMU arguments of the test machine, one per line: the file
# $QEMU_MACHINE (default config/qemu.args) without comments, with
# @D3COLD_AML@ replaced by the SSDT compiled from config/d3cold.asl
# (iasl, into $D3COLD_AML, default build/d3cold.aml; rebuilt when the
# source is newer), and the TCG mode (TCG_THREAD, below).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
machine=${QEMU_MACHINE:-$here/config/qemu.args}
aml=${D3COLD_AML:-$here/build/d3cold.aml}
if grep -q '@D3COLD_AML@' "$machine" &&
   { [ ! -f "$aml" ] || [ "$here/config/d3cold.asl" -nt "$aml" ]; }; then
	command -v iasl >/dev/null || "$here/scripts/deps.sh" acpica-tools >&2
	mkdir -p "$(dirname "$aml")"
	if ! iasl -p "${aml%.aml}" "$here/config/d3cold.asl" >"$aml.log" 2>&1; then
		echo "FAILED: iasl config/d3cold.asl (log: $aml.log):" >&2
		grep -i error "$aml.log" >&2
		exit 1
	fi
fi
# TCG_THREAD: single (the default) runs every vCPU on one host thread
# (QEMU's round-robin TCG); multi gives each vCPU a thread (MTTCG).  With
# MTTCG, QEMU 10 stopped delivering a halted vCPU's LAPIC timer (the
# guest's RCU stalls on CPU 1, idle in HLT; the KASAN guest's soft
# lockup waiting on CPU 1), and QEMU 7.2 failed on Debian's kernels
# (docs/known-gaps.md).
TCG_THREAD=${TCG_THREAD:-single}
if [ "$TCG_THREAD" != multi ]; then
	grep -v '^#' "$machine" | grep -v '^$' | sed "s|@D3COLD_AML@|$aml|; s|^\(q35.*\),accel=tcg$|\1|"
	printf -- '-accel\ntcg,thread=%s\n' "$TCG_THREAD"
else
	grep -v '^#' "$machine" | grep -v '^$' | sed "s|@D3COLD_AML@|$aml|"
fi
