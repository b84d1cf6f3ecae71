#!/bin/sh
# DKMS sign_tool hook of vfio-lowpower-dkms: sign a module DKMS built, with
# the machine owner key of /var/lib/dkms (the files Debian 12's dkms signs
# with, so the key survives an upgrade).  Enable it for every module DKMS
# builds, in /etc/dkms/framework.conf:
#     sign_tool="/usr/lib/vfio-lowpower-dkms/sign-module"
# usage (by DKMS): sign-module KERNELVER MODULE.ko
set -eu
kver=$1 mod=$2
key=/var/lib/dkms/mok.key
cert=/var/lib/dkms/mok.pub
if [ ! -r "$key" ] || [ ! -r "$cert" ]; then
	echo "sign-module: no signing key: $key and $cert (docs/debian11.md, "Secure Boot hosts")" >&2
	exit 1
fi
# the kernel's sign-file (linux-headers, from linux-kbuild) and hash
build=/lib/modules/$kver/build
sf=$build/scripts/sign-file
[ -x "$sf" ] || sf=$(ls /usr/lib/linux-kbuild-*/scripts/sign-file 2>/dev/null | tail -n 1)
[ -x "$sf" ] || { echo "sign-module: no scripts/sign-file for $kver (linux-headers-$kver)" >&2; exit 1; }
hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$build/.config" 2>/dev/null)
"$sf" "${hash:-sha256}" "$key" "$cert" "$mod"
echo "sign-module: $mod signed for $kver ($(basename "$cert"), ${hash:-sha256})"
