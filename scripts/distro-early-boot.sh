#!/bin/bash
# Boot a Debian 11 kernel with Debian's own initramfs (made by
# update-initramfs in the bullseye root, with vfio-pci in
# /etc/initramfs-tools/modules and "options vfio-pci ids=..." in
# /etc/modprobe.d) in the test machine, and read which vfio-pci the
# initramfs loaded and what it bound, before any root file system: a
# premount script, added as a second cpio archive after Debian's (the
# kernel unpacks both), prints /sys/module/vfio_pci/srcversion and each PCI
# device's driver, then powers off.  WANT is "dkms" (the package's build,
# updates/dkms) or "stock" (the kernel's own); the srcversion must be that
# file's, and the devices of IDS bound to vfio-pci.  Prints PASS/FAIL lines
# distro:early-boot:NAME.
# usage: distro-early-boot.sh ROOT KERNEL WANT NAME OUT IDS
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"	# in_root
root=$1 k=$2 want=$3 name=$4 out=$5 ids=$6
res=distro:early-boot:$name
case $want in
dkms) ko=lib/modules/$k/updates/dkms/vfio-pci.ko ;;
*) ko=lib/modules/$k/kernel/drivers/vfio/pci/vfio-pci.ko ;;
esac
wantv=$(modinfo -F srcversion "$root/$ko" 2>/dev/null)
[ -n "$wantv" ] || { echo "FAIL $res  (no $ko in the root)"; exit 0; }
initrd=$root/boot/initrd.img-$k
[ -f "$initrd" ] || { echo "FAIL $res  (no /boot/initrd.img-$k)"; exit 0; }

# the premount hook: the ORDER file of Debian's initramfs (if it has
# premount scripts) and ours after them
work=$out/early-$name
rm -rf "$work" && mkdir -p "$work/scripts/init-premount" "$work/vfio-early"
order=$(in_root sh -c "rm -rf /tmp/early && unmkinitramfs /boot/initrd.img-$k /tmp/early >/dev/null 2>&1 &&
	cat /tmp/early/main/scripts/init-premount/ORDER /tmp/early/scripts/init-premount/ORDER 2>/dev/null; rm -rf /tmp/early")
{ grep -v 'param.conf' <<<"$order" | grep -v '^$'
  echo '/scripts/init-premount/vfio-early "$@"'
  echo '[ -e /conf/param.conf ] && . /conf/param.conf'
} >"$work/scripts/init-premount/ORDER"
cp /bin/busybox "$work/vfio-early/busybox"
cat >"$work/scripts/init-premount/vfio-early" <<'EOF'
#!/bin/sh
# distro-early-boot.sh: what Debian's initramfs loaded and bound, then off
case $1 in prereqs) exit 0 ;; esac
b=/vfio-early/busybox
echo "vfio-early: srcversion $($b cat /sys/module/vfio_pci/srcversion 2>/dev/null || echo none)"
for d in /sys/bus/pci/devices/*; do
	drv=$($b readlink "$d/driver" 2>/dev/null)
	echo "vfio-early: device ${d##*/} $($b cat "$d/vendor"):$($b cat "$d/device") ${drv##*/}"
done
echo "vfio-early: done"
$b poweroff -f
EOF
chmod +x "$work/scripts/init-premount/"*
(cd "$work" && find scripts vfio-early | cpio -o -H newc --quiet | gzip -1) >"$work/extra.cpio.gz"
cat "$initrd" "$work/extra.cpio.gz" >"$work/initrd.img"

log=$out/console-early-$name.log
QEMU_PROGRESS=0 "$here/scripts/run-qemu.sh" "$root/boot/vmlinuz-$k" "$work/initrd.img" "$log" early \
	"${EARLY_TIMEOUT:-600}" >/dev/null 2>&1
got=$(sed -n 's/.*vfio-early: srcversion \([0-9A-Za-z]*\).*/\1/p' "$log" | tr -d '\r' | head -n 1)
if ! grep -aq 'vfio-early: done' "$log"; then
	echo "FAIL $res  (the premount hook never ran: see $log)"
	tail -n 5 "$log" | tr -d '\r' | sed 's/^/    | /'
	exit 0
fi
# the devices of IDS (vendor:device, +-list) and their drivers
n=0 bad=
while read -r dev vd drv; do
	[[ +$ids+ == *+${vd//0x/}+* ]] || continue
	n=$((n + 1))
	[ "$drv" = vfio-pci ] || bad="$bad $dev:${drv:-none}"
done < <(sed -n 's/.*vfio-early: device //p' "$log" | tr -d '\r')
if [ "$got" = "$wantv" ] && [ "$n" -gt 0 ] && [ -z "$bad" ]; then
	echo "PASS $res  (Debian's initramfs loaded the $want vfio-pci, srcversion $got, and bound $n devices $ids to it before the root)"
else
	echo "FAIL $res  (loaded srcversion '$got', the $want build's '$wantv'; $n devices $ids,${bad:+ not on vfio-pci:$bad} console: $log)"
fi
