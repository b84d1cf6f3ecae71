#!/bin/bash
# Fetch the pinned QEMU of config/qemu.env through a private apt
# configuration (never the machine's own sources; the mirror comes from
# them, see scripts/mirror.sh), verify each package's sha256, unpack them
# with dpkg -x into CACHE/qemu-<version>/ and install with apt the
# libraries they depend on (Debian 12's own).  Prints the unpacked root's
# path last.  The system's qemu-system-x86, if any, is left as it is.
# usage: fetch-qemu.sh CACHE
set -euo pipefail
cache=$1
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
. "$here/config/qemu.env"
dir=$cache/qemu-${QEMU_VERSION//[:~+]/_}
if [ -f "$dir/.done" ]; then
	echo "$dir/root"
	exit 0
fi
apt=$cache/apt-qemu
mirror=$("$here/scripts/mirror.sh" main)
private_apt "$apt" "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $QEMU_SUITE main"
mkdir -p "$apt/debs"
fail() {
	echo "qemu: $1" >&2
	echo "qemu: the test machine needs QEMU $QEMU_VERSION from $QEMU_SUITE (config/qemu.env)." >&2
	echo "      Set MIRROR= to a Debian mirror that has $QEMU_SUITE, or QEMU_BIN= to a" >&2
	echo "      qemu-system-x86_64 8.0 or later (it must have -device igb)." >&2
	exit 1
}
echo "qemu: fetching QEMU $QEMU_VERSION from $QEMU_SUITE ($mirror, private lists in $apt)" >&2
apt-get "${apt_opts[@]}" update >"$apt/update.log" 2>&1 || { tail -n 5 "$apt/update.log" >&2; fail "apt-get update failed"; }
rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/root"
libs=
while read -r pv sha; do
	[ -n "$pv" ] || continue
	pkg=${pv%%=*}
	rm -f "$apt/debs/${pkg}"_*.deb
	(cd "$apt/debs" && apt-get "${apt_opts[@]}" download "$pv") >"$apt/download.log" 2>&1 ||
		{ tail -n 5 "$apt/download.log" >&2; fail "cannot download $pv"; }
	deb=$(ls "$apt/debs/${pkg}"_*.deb)
	echo "$sha  $deb" | sha256sum -c --quiet - || fail "checksum mismatch for $deb"
	dpkg-deb -x "$deb" "$dir.tmp/root"
	# its libraries, from Debian 12 (the machine's own apt sources)
	libs="$libs $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/([^)]*)//; s/|.*//; s/ //g' |
		grep -vE '^(qemu-|seabios|ipxe-qemu)' || true)"
done <<<"$QEMU_DEBS"
"$here/scripts/deps.sh" ipxe-qemu $libs >&2
rm -rf "$dir" && mv "$dir.tmp" "$dir"
"$dir/root/usr/bin/qemu-system-x86_64" --version | head -n 1 >&2
touch "$dir/.done"
echo "$dir/root"
