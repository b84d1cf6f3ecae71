#!/bin/sh
# The initramfs of each 5.10 kernel that holds a vfio module is made again
# (update-initramfs), so that a host binding its devices early (vfio-pci in
# /etc/initramfs-tools/modules) loads the modules now on disk: the DKMS
# build after an install, the kernel's own after a removal.  A kernel
# update needs nothing of this: initramfs-tools' kernel hook runs after
# DKMS's.  Run by the package's postinst and postrm; never fails them.
# usage: update-initrd
command -v update-initramfs >/dev/null 2>&1 || exit 0
command -v lsinitramfs >/dev/null 2>&1 || exit 0
for f in /boot/initrd.img-5.10.*; do
	[ -f "$f" ] || continue
	k=${f#/boot/initrd.img-}
	[ -d "/lib/modules/$k" ] || continue
	lsinitramfs "$f" 2>/dev/null | grep -q '/drivers/vfio/\|/updates/dkms/vfio' || continue
	echo "vfio-lowpower-dkms: the initramfs of $k holds vfio: making it again"
	update-initramfs -u -k "$k" || echo "vfio-lowpower-dkms: update-initramfs -u -k $k failed" >&2
done
exit 0
