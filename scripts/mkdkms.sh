#!/bin/bash
# make dkms: the Debian package vfio-lowpower-dkms_<version>_all.deb, built
# with dpkg-buildpackage (debhelper, dh-dkms) from the base's drivers/vfio
# and vfio headers with patches/ applied (git apply, the paths a module
# build needs): the series stays the single source.  Packaging in dkms/.
# usage: mkdkms.sh BUILD TREE   (prints the .deb's path last)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd) tree=$2
. "$here/config/base.env"
. "$here/config/dkms.env"
version=$DKMS_VERSION+${BASE_VERSION%-*}
out=$build/dkms
stage=$out/vfio-lowpower-$version
rm -rf "$out" && mkdir -p "$stage/src"

echo "dkms: vfio-lowpower $version: the base's drivers/vfio + patches/ ($(grep -c . "$here/patches/series") patches)"
git -C "$tree" archive base drivers/vfio include/linux/vfio.h include/uapi/linux/vfio.h |
	tar -x -C "$stage/src"
# a repository of its own, or git apply inside build/ (in this project's
# work tree) would skip every path as outside the current directory
(cd "$stage/src" && git init -q && while read -r p; do
	git apply --include='drivers/vfio/*' --include='include/linux/vfio.h' \
		--include='include/uapi/linux/vfio.h' --include='tools/vfio/*' "$here/patches/$p" ||
		{ echo "dkms: $p does not apply to the base's drivers/vfio" >&2; exit 1; }
done <"$here/patches/series" && rm -rf .git)
grep -q lp_engaged "$stage/src/drivers/vfio/pci/vfio_pci.c" ||
	{ echo "dkms: the series is not in $stage/src" >&2; exit 1; }
# the admin's tool (tools/vfio/vfio-pm-status.sh) goes to /usr/sbin as
# vfio-pm-status, not to the DKMS source
if [ -f "$stage/src/tools/vfio/vfio-pm-status.sh" ]; then
	mv "$stage/src/tools/vfio/vfio-pm-status.sh" "$stage/vfio-pm-status"
	rm -rf "$stage/src/tools"
fi
cp "$here/dkms/Kbuild" "$stage/src/"
cp -a "$here/dkms/debian" "$here/dkms/dkms.conf.in" "$here/dkms/sigcheck.sh" "$here/dkms/sign-module.sh" "$here/dkms/update-initrd.sh" "$stage/"
cat >"$stage/debian/changelog" <<EOF
vfio-lowpower ($version) bullseye; urgency=medium

  * The vfio-lowpower series ($(grep -c . "$here/patches/series") patches) on Debian's
    linux-source-5.10 $BASE_VERSION.

 -- Vfio Lowpower Backport <vfio-lowpower@example.org>  $(date -R -d @"${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}")
EOF
echo "dkms: dpkg-buildpackage (log: $out/build.log)"
(cd "$stage" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; echo "dkms: dpkg-buildpackage failed" >&2; exit 1; }
deb=$out/vfio-lowpower-dkms_${version}_all.deb
[ -f "$deb" ] || { echo "dkms: no $deb" >&2; exit 1; }
dpkg-deb -I "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\):/dkms:   \1:/p'
echo "dkms: $(dpkg-deb -c "$deb" | grep -c '\.c$') C files, $(du -k "$deb" | cut -f1) KiB"
echo "$deb"
