#!/bin/bash
# Assemble the tree make vmm-check adds to the test machine's initramfs
# (EXTRA_ROOT of scripts/mkinitramfs.sh): two VMMs, each with its own
# libraries and dynamic loader, and a nested guest.
#   /vmm/q10/   the harness's QEMU 10 (config/qemu.env, scripts/fetch-qemu.sh):
#               the binary, every library ldd names (Debian 12's), the
#               loader, its module directory, the firmware -L needs
#               (SeaBIOS bios-256k.bin, vgabios, linuxboot, kvmvapic,
#               efi-e1000e.rom and pxe-e1000e.rom)
#   /vmm/q52/   Debian 11's QEMU 5.2 (qemu-system-x86 of bullseye), installed
#               with apt in a bullseye root file system (BUILD/vmm/bullseye,
#               from the debootstrap tarball make distro-check caches, or a
#               new debootstrap), with bullseye's libraries
#   /vmm/qpr3/  QEMU 10.0.2 with qemu-patches/ (x-pr3), built by make qemu
#               (QEMU_PR3_BIN, default BUILD/qemu-obj/qemu-system-x86_64; left
#               out when there is none), with q10's firmware
#   /vmm/qNN/run  the wrapper: the VMM through its own loader
#               (ld-linux-x86-64.so.2 --library-path), QEMU_MODULE_DIR and -L set
#   /vmm/guest/ the nested guest: Debian 11's vmlinuz-$NESTED_ABI-amd64 (as
#               vmlinux, the ELF inside it, booted through its PVH entry) and
#               an initramfs of busybox-static, e1000e.ko and igbvf.ko (for
#               an igb VF) with their dependencies (modinfo -F depends) and
#               guest/nested-init
# The VMMs are cached in BUILD/vmm/ (rebuilt when missing); OUT is written anew.
# usage: mkvmm-root.sh BUILD CACHE OUT
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd) cache=$2 out=$3
abi=${NESTED_ABI:-5.10.0-46}
vmm=$build/vmm
root=$vmm/bullseye
mkdir -p "$vmm" "$cache"
. "$here/scripts/lib.sh"	# in_root

trap 'umount_root "$root"' EXIT

# real SYSROOT PATH: PATH with its symbolic links resolved inside SYSROOT
real() { if [ -n "$1" ]; then in_root readlink -f "$2"; else readlink -f "$2"; fi; }
# copy_vmm NAME SYSROOT BINARY MODDIR FIRMWARE-DIRS...: /vmm/NAME from SYSROOT
# ("" for this machine), ldd run there
copy_vmm() {
	local name=$1 sys=$2 bin=$3 mods=$4 d=$out/vmm/$1 lib f loader
	shift 4
	rm -rf "$d" && mkdir -p "$d/lib" "$d/share" "$d/modules"
	cp -L "$sys$bin" "$d/qemu-system-x86_64"
	if [ -n "$sys" ]; then lddout=$(in_root ldd "$bin"); else lddout=$(ldd "$bin"); fi
	grep -q 'not found' <<<"$lddout" && { echo "vmm: $name: $(grep 'not found' <<<"$lddout")" >&2; return 1; }
	while read -r lib; do
		cp "$sys$(real "$sys" "$lib")" "$d/lib/$(basename "$lib")"
	done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$lddout")
	loader=$(awk '$1 ~ /^\/.*ld-linux/ { print $1 }' <<<"$lddout")
	cp "$sys$(real "$sys" "$loader")" "$d/ld-linux-x86-64.so.2"
	[ ! -d "$sys$mods" ] || cp -L "$sys$mods"/*.so "$d/modules/" 2>/dev/null || true
	for f in bios-256k.bin bios.bin vgabios-stdvga.bin vgabios.bin linuxboot.bin linuxboot_dma.bin \
		 kvmvapic.bin multiboot.bin multiboot_dma.bin pvh.bin efi-e1000e.rom pxe-e1000e.rom; do
		for fw in "$@"; do
			[ -e "$sys$fw/$f" ] && { cp -L "$sys$fw/$f" "$d/share/"; break; }
		done
	done
	[ -f "$d/share/bios-256k.bin" ] || { echo "vmm: $name: no bios-256k.bin in $*" >&2; return 1; }
	cat >"$d/run" <<-EOF
	#!/bin/sh
	# $name: $("$d/ld-linux-x86-64.so.2" --library-path "$d/lib" "$d/qemu-system-x86_64" --version | head -n 1)
	# run through its own loader and libraries (built by scripts/mkvmm-root.sh)
	export QEMU_MODULE_DIR=/vmm/$name/modules
	exec /vmm/$name/ld-linux-x86-64.so.2 --library-path /vmm/$name/lib /vmm/$name/qemu-system-x86_64 -L /vmm/$name/share "\$@"
	EOF
	chmod 755 "$d/run"
	echo "vmm: /vmm/$name: $(sed -n 2p "$d/run" | cut -c3-), $(ls "$d/lib" | wc -l) libraries, $(du -sh "$d" | cut -f1)"
}

# 1. QEMU 10: the test machine's own, Debian 12's libraries of this machine
q10=$("$here/scripts/fetch-qemu.sh" "$cache" | tail -n 1)
rm -rf "$out" && mkdir -p "$out/vmm/guest"
copy_vmm q10 "" "$q10/usr/bin/qemu-system-x86_64" "$q10/usr/lib/x86_64-linux-gnu/qemu" \
	"$q10/usr/share/qemu" "$q10/usr/share/seabios" /usr/lib/ipxe/qemu /usr/share/qemu

# 1b. QEMU 10 with qemu-patches/ (the pr3 mode's VMM), when built
pr3=${QEMU_PR3_BIN:-$build/qemu-obj/qemu-system-x86_64}
if [ -x "$pr3" ]; then
	copy_vmm qpr3 "" "$pr3" /nonexistent \
		"$q10/usr/share/qemu" "$q10/usr/share/seabios" /usr/lib/ipxe/qemu /usr/share/qemu
fi

# 2. Debian 11's QEMU 5.2, in a bullseye root file system
if [ ! -x "$root/usr/bin/qemu-system-x86_64" ] || [ ! -f "$root/boot/vmlinuz-$abi-amd64" ]; then
	mirror=$("$here/scripts/mirror.sh" main) sec=$("$here/scripts/mirror.sh" security)
	bullseye_root "$root" "$cache" "$vmm" || exit 1
	printf '%s\n' "deb $mirror bullseye main" "deb $sec bullseye-security main" >"$root/etc/apt/sources.list"
	echo "vmm: apt-get install qemu-system-x86 linux-image-$abi-amd64-unsigned in $root (log: $vmm/apt.log)"
	{ in_root apt-get -q update &&
	  in_root apt-get -y -q -o Dpkg::Use-Pty=0 install --no-install-recommends qemu-system-x86 \
		"linux-image-$abi-amd64-unsigned"; } >"$vmm/apt.log" 2>&1 || {
		grep -E '^(E:|Err:)' "$vmm/apt.log" | head -n 5 >&2
		echo "vmm: apt in the bullseye root failed (bullseye left the mirror? set MIRROR=)" >&2; exit 1; }
	umount_root "$root"
fi
copy_vmm q52 "$root" /usr/bin/qemu-system-x86_64 /usr/lib/x86_64-linux-gnu/qemu \
	/usr/share/seabios /usr/share/qemu /usr/lib/ipxe/qemu

# 3. the nested guest: Debian 11's kernel, busybox, e1000e, igbvf and what they need
g=$(mktemp -d)
trap 'umount_root "$root"; rm -rf "$g"' EXIT
mods=$root/lib/modules/$abi-amd64
mkdir -p "$g"/{bin,proc,sys,dev,lib/modules}
cp /bin/busybox "$g/bin/busybox"
for app in $("$g/bin/busybox" --list); do
	[ -e "$g/bin/$app" ] || ln -s busybox "$g/bin/$app"
done
install -m 755 "$here/guest/nested-init" "$g/init"
# the drivers and their dependencies, dependencies first (/lib/modules/order)
add_mod() {
	local m=$1 f dep
	grep -qx "$m" "$g/lib/modules/order" 2>/dev/null && return 0
	f=$(find "$mods/kernel" -name "$m.ko" | head -n 1)
	[ -n "$f" ] || { echo "vmm: no $m.ko in $mods" >&2; return 1; }
	for dep in $(modinfo -F depends "$f" | tr , ' '); do add_mod "$dep"; done
	cp "$f" "$g/lib/modules/"
	echo "$m" >>"$g/lib/modules/order"
}
add_mod e1000e
add_mod igbvf
(cd "$g" && find . | cpio -o -H newc --quiet | gzip -9) >"$out/vmm/guest/initrd.gz"
# the kernel uncompressed (an ELF QEMU boots through its PVH entry): in
# TCG inside TCG, unpacking the xz'd bzImage took most of the nested boot
# (one level down: 8.1 s to init with the bzImage, 2.7 s with the ELF)
k=$root/boot/vmlinuz-$abi-amd64
off=$(LC_ALL=C grep -abo $'\xfd7zXZ\x00' "$k" | head -n 1 | cut -d: -f1)
tail -c +$((off + 1)) "$k" | xz -dc >"$out/vmm/guest/vmlinux" 2>/dev/null || true
if ! readelf -n "$out/vmm/guest/vmlinux" 2>/dev/null | grep -q 'Xen.*0x00000012'; then
	echo "vmm: no ELF kernel with a PVH entry from $k" >&2
	exit 1
fi
echo "vmm: /vmm/guest: vmlinux of vmlinuz-$abi-amd64 ($(du -m "$out/vmm/guest/vmlinux" | cut -f1) MB), initrd with busybox and $(tr '\n' ' ' <"$g/lib/modules/order")($(du -k "$out/vmm/guest/initrd.gz" | cut -f1) KiB)"
echo "vmm: tree $out: $(du -sh "$out" | cut -f1)"
