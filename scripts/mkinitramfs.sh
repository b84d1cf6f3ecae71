#!/bin/bash
# Build a gzip'd cpio initramfs: busybox-static, guest/init, and the given
# test programs and scripts (copied to /tests), plus kernel modules (to
# /lib/modules) when MODULES names some, and the tree EXTRA_ROOT (a
# directory) when given.
# usage: mkinitramfs.sh OUT.cpio.gz FILE...
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,tests,lib/modules}
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
install -m 755 "$here/guest/init" "$root/init"
for f in "$@"; do
	install -m 755 "$f" "$root/tests/"
done
for m in ${MODULES:-}; do
	cp "$m" "$root/lib/modules/"
done
[ -z "${EXTRA_ROOT:-}" ] || cp -a "$EXTRA_ROOT/." "$root/"
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -k "$out" | cut -f1) KiB, $# test files)"
