#!/bin/bash
# make distro-check: the DKMS package on Debian 11 as a Debian 11 admin
# would use it, proven on Debian's own kernel images.
#
# In a bullseye root file system (debootstrap, cached under CACHE):
#   - Debian's kernel DISTRO_OLD_ABI (config/distro.env) is the "running"
#     kernel; the package goes in with the README's command (apt-get
#     install dkms linux-headers-<abi>-amd64 ./vfio-lowpower-dkms_*.deb),
#     DKMS builds it, and modinfo finds the DKMS build first;
#   - the host starts at bullseye's point release (no security archive);
#     then the kernel update as an admin gets it: bullseye-security added,
#     apt upgrade; the headers metapackage brings the newest ABI's headers
#     (found at run time) and DKMS builds for it by itself;
#   - the CRCs of the symbols the rebuilt modules export, against the
#     kernel's Module.symvers;
#   - a Secure Boot host (DISTRO_SECURE_BOOT=0 leaves it out): for the
#     newest kernel, DKMS not signing builds nothing and says why; the
#     signing steps of docs/debian11.md; a key the firmware trusts:
#     signed, installed;
#     installing the package there without signing keeps every kernel's
#     own vfio;
#   - the older kernel boots in the QEMU test machine with the DKMS modules
#     and Debian's own irqbypass, and runs every selftest of the series;
#     the newest boots under UEFI Secure Boot (config/secureboot.env),
#     locked down: it refuses the unsigned build and loads its own vfio,
#     then runs every selftest with the signed DKMS build; the vfio_pci
#     it loaded must be the DKMS one (srcversion);
#   - removing the package gives the stock modules back;
#   - the series applies with git am to the newest linux-source-5.10 and
#     its drivers/vfio builds against the newest kernel's headers.
# Ends with "N passed, N failed, N skipped".
# usage: distro-check.sh BUILD TREE CACHE TESTDIR DEB
set -uo pipefail
# debootstrap, chroot and mounts need root
[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd) tree=$(cd "$2" && pwd) cache=$3 tests=$(cd "$4" && pwd)
deb=$(cd "$(dirname "$5")" && pwd)/$(basename "$5")
. "$here/config/base.env"
. "$here/config/distro.env"
. "$here/scripts/lib.sh"
out=$build/distro
root=$out/rootfs
results=$out/results.txt
start=$SECONDS
mkdir -p "$out" "$cache"
: >"$results"
. "$here/scripts/distro/lib.sh"
pkg=/tmp/$(basename "$deb")
ver=$(dpkg-deb -f "$deb" Version)
. "$here/config/secureboot.env"
sb=$out/secureboot
trap 'umount_root "$root"' EXIT

# the kernels: bullseye's last point release and the newest of -security
new_abi=$(bapt apt-cache pkgnames linux-image-5.10.0- |
	sed -nE 's/^linux-image-(5\.10\.0-[0-9]+)-amd64-unsigned$/\1/p' | sort -V | tail -n 1)
[ -n "$new_abi" ] || { fail "find-newest-kernel"; new_abi=$DISTRO_OLD_ABI; }
kernels="$DISTRO_OLD_ABI-amd64"
[ "$new_abi" = "$DISTRO_OLD_ABI" ] || kernels="$kernels $new_abi-amd64"
old_k=$DISTRO_OLD_ABI-amd64 new_k=$new_abi-amd64
echo "distro: Debian kernels $kernels; package $(basename "$deb")"

# the steps, each in scripts/distro/ (sourced: they share the root file
# system, the kernels and the results)
for step in rootfs install crcs secureboot boot sb-install-unsigned remove; do
	. "$here/scripts/distro/$step.sh"
done

# 8. the series on the newest linux-source-5.10: git am, then its vfio
#    built against the newest kernel's headers
"$here/scripts/newest-source.sh" "$build" "$cache" "$root" "$new_k" 2>&1 | record

# 9. the package builds on Debian 11 too, with bullseye's debhelper and
#    dkms (DISTRO_DEB_BUILD=0 leaves it out: make check does)
if [ "${DISTRO_DEB_BUILD:-1}" = 1 ] && [ -d "$root/usr/bin" ]; then
	"$here/scripts/dkms-build-bullseye.sh" "$root" "$(dirname "$deb")/$(dpkg-deb -f "$deb" Source 2>/dev/null || echo vfio-lowpower)-$ver" \
		"$deb" "$out" 2>&1 | record
fi

umount_root "$root"
echo
echo "== distro-check took $((SECONDS - start)) s (logs in $out)"
[ "${DISTRO_SUMMARY:-1}" = 1 ] || exit 0
summarize "$results"
