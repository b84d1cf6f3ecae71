#!/bin/bash
# Print the QEMU arguments of the test machine, one per line: the file
# $QEMU_MACHINE (default config/qemu.args) without comments, with
# @D3COLD_AML@ replaced by the SSDT compiled from config/d3cold.asl
# (iasl, into $D3COLD_AML, default build/d3cold.aml; rebuilt when the
# source is newer).
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
grep -v '^#' "$machine" | grep -v '^$' | sed "s|@D3COLD_AML@|$aml|"
