#!/bin/bash
# Fetch the pinned Debian linux-source-5.10 package through a private apt
# configuration (never the machine's own sources; the mirror is taken from
# them, see scripts/mirror.sh), verify its sha256 and
# unpack the kernel source tarball to $1.
# usage: fetch-base.sh OUTDIR CACHEDIR
set -euo pipefail
out=$1 cache=$2
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
. "$here/config/base.env"

deb=$cache/${BASE_PKG}_${BASE_VERSION}_all.deb
mkdir -p "$cache"
if [ -f "$deb" ] && ! echo "$BASE_SHA256  $deb" | sha256sum -c --quiet - 2>/dev/null; then
	echo "fetch: cached $deb has the wrong checksum, fetching again"
	rm -f "$deb"
fi
if [ ! -f "$deb" ]; then
	apt=$cache/apt
	mirror=$("$here/scripts/mirror.sh" "$BASE_ARCHIVE")
	private_apt "$apt" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $BASE_SUITE main"
	echo "fetch: apt-get update ($BASE_SUITE from $mirror, private lists in $apt)"
	apt-get "${apt_opts[@]}" update >"$apt/update.log" 2>&1 || { tail -20 "$apt/update.log"; exit 1; }
	echo "fetch: apt-get download $BASE_PKG=$BASE_VERSION (~120 MB)"
	(cd "$cache" && apt-get "${apt_opts[@]}" download "$BASE_PKG=$BASE_VERSION") \
		>"$apt/download.log" 2>&1 || { tail -20 "$apt/download.log"; exit 1; }
	echo "$BASE_SHA256  $deb" | sha256sum -c --quiet - ||
		{ echo "fetch: checksum mismatch for $deb" >&2; rm -f "$deb"; exit 1; }
fi
echo "fetch: $deb sha256 ok"

rm -rf "$out.tmp" && mkdir -p "$out.tmp"
echo "fetch: unpacking the kernel source to $out"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-5.10.tar.xz |
	tar -xJ -C "$out.tmp" --strip-components=1
rm -rf "$out" && mv "$out.tmp" "$out"
