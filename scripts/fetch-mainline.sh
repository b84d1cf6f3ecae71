#!/bin/bash
# Fetch Debian's prebuilt 6.12 kernel (config/mainline.env), verify its
# sha256, and unpack its vmlinuz and the vfio modules (decompressed, named
# as guest/init loads them) to OUTDIR.
# usage: fetch-mainline.sh OUTDIR CACHEDIR
set -euo pipefail
out=$1 cache=$2
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/config/mainline.env"
deb=$cache/${ML_PKG}_${ML_VERSION//:/%3a}_amd64.deb
mkdir -p "$cache" "$out"
if [ ! -f "$deb" ] || ! echo "$ML_SHA256  $deb" | sha256sum -c --quiet - 2>/dev/null; then
	echo "mainline: apt-get download $ML_PKG=$ML_VERSION (~110 MB)"
	(cd "$cache" && apt-get -q -o APT::Sandbox::User=root download "$ML_PKG=$ML_VERSION") \
		>"$cache/mainline-download.log" 2>&1 || {
		tail -5 "$cache/mainline-download.log"
		echo "mainline: is the package still in the apt lists? try apt-get update" >&2
		exit 1
	}
	echo "$ML_SHA256  $deb" | sha256sum -c --quiet - ||
		{ echo "mainline: checksum mismatch for $deb" >&2; rm -f "$deb"; exit 1; }
fi
echo "mainline: $deb sha256 ok"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
cp "$tmp"/boot/vmlinuz-* "$out/vmlinuz"
rm -rf "$out/modules" && mkdir -p "$out/modules"
for m in $ML_MODULES; do
	name=$(basename "$m" | tr - _)
	xz -dc "$tmp"/lib/modules/*/kernel/"$m".ko.xz >"$out/modules/$name.ko"
done
echo "mainline: $out/vmlinuz and $(ls "$out/modules" | tr '\n' ' ')"
