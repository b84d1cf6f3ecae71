#!/bin/bash
# The DKMS package built on Debian 11 itself: in the bullseye root file
# system ROOT (make distro-check's, mounted), with bullseye's debhelper
# and dkms 2.8.4 (whose dh_dkms is in the dkms package: the control file's
# "dh-dkms | dkms (<< 3)"), from the source make dkms staged in STAGE; its
# files must be those of DEB, the package built on Debian 12.
# Prints PASS/FAIL lines for distro-check.sh.
# usage: dkms-build-bullseye.sh ROOT STAGE DEB LOGDIR
set -uo pipefail
root=$1 stage=$2 deb=$3 logs=$4
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
name=dkms:builds-on-debian-11
if [ ! -d "$stage/debian" ]; then
	echo "FAIL distro:$name  (no staged source in $stage: make dkms)"
	exit 0
fi
if ! run_logged "distro: bullseye's build tools (debhelper, dkms, build-essential)" "$logs/apt-build-deps.log" \
	in_root apt-get -y -q -o Dpkg::Use-Pty=0 install --no-install-recommends debhelper dkms dpkg-dev build-essential; then
	echo "FAIL distro:$name  (bullseye's build tools did not install, see $logs/apt-build-deps.log)"
	exit 0
fi
src=/tmp/dkms-src
rm -rf "$root$src" && mkdir -p "$root$src"
cp -a "$stage" "$root$src/" || { echo "FAIL distro:$name  (cannot copy $stage)"; exit 0; }
dir=$src/$(basename "$stage")
in_root sh -c "cd $dir && rm -rf debian/vfio-lowpower-dkms debian/.debhelper debian/files debian/*.substvars debian/debhelper-build-stamp"
if ! run_logged "distro: dpkg-buildpackage on Debian 11" "$logs/dkms-build-bullseye.log" \
	in_root sh -c "cd $dir && dpkg-buildpackage -us -uc -b"; then
	echo "FAIL distro:$name  (dpkg-buildpackage failed, see $logs/dkms-build-bullseye.log)"
	tail -n 5 "$logs/dkms-build-bullseye.log" | sed 's/^/    /'
	exit 0
fi
built=$(ls "$root$src"/*.deb 2>/dev/null | head -n 1)
files() { dpkg-deb -c "$1" | awk '{ print $NF }' | sort; }
if [ -z "$built" ]; then
	echo "FAIL distro:$name  (no .deb in $root$src)"
elif d=$(diff <(files "$deb") <(files "$built")); then
	echo "PASS distro:$name  (bullseye's dh_dkms from dkms $(in_root dpkg-query -W -f '${Version}' dkms); the same $(files "$built" | grep -vc '/$') files as the Debian 12 build)"
else
	echo "FAIL distro:$name  (its files differ from the Debian 12 build's: < Debian 12, > Debian 11)"
	echo "$d" | head -n 10 | sed 's/^/    /'
fi
rm -rf "$root$src"
