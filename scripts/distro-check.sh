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
record() { tee -a "$results"; }
pass() { echo "PASS distro:$*" | record; }
fail() { echo "FAIL distro:$*" | record; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
bapt() { "$here/scripts/bullseye-apt.sh" "$cache" "$@"; }

umount_root() {
	local m
	for m in var/cache/apt/archives dev/pts dev proc sys; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
	return 0
}
trap umount_root EXIT
# apt in the root file system, its output in LOG; failing lines shown
root_apt() {	# what log args...
	local what=$1 log=$2
	shift 2
	run_logged "distro: $what" "$log" in_root apt-get -y -q -o Dpkg::Use-Pty=0 "$@" && return 0
	if grep -qE '^(E: Unable to locate|E: Failed to fetch|Err:)' "$log"; then
		grep -E '^(E:|Err:)' "$log" | head -n 5 | sed 's/^/  | /' >&2
		echo "distro: a Debian 11 package could not be fetched from the mirror of the apt" \
		     "configuration; bullseye leaves the regular mirrors some day: set MIRROR= and" \
		     "SECURITY_MIRROR= to an archive mirror that has it" >&2
	fi
	return 1
}

# the kernels: bullseye's last point release and the newest of -security
new_abi=$(bapt apt-cache pkgnames linux-image-5.10.0- |
	sed -nE 's/^linux-image-(5\.10\.0-[0-9]+)-amd64-unsigned$/\1/p' | sort -V | tail -n 1)
[ -n "$new_abi" ] || { fail "find-newest-kernel"; new_abi=$DISTRO_OLD_ABI; }
kernels="$DISTRO_OLD_ABI-amd64"
[ "$new_abi" = "$DISTRO_OLD_ABI" ] || kernels="$kernels $new_abi-amd64"
old_k=$DISTRO_OLD_ABI-amd64 new_k=$new_abi-amd64
echo "distro: Debian kernels $kernels; package $(basename "$deb")"

# 1. a bullseye root file system, cached as a tarball
tarball=$cache/bullseye-minbase-amd64.tar.gz
if [ ! -s "$tarball" ]; then
	mirror=$("$here/scripts/mirror.sh" main)
	tmp=$out/debootstrap
	rm -rf "$tmp"
	if run_logged "distro: debootstrap bullseye from $mirror" "$out/debootstrap.log" \
		debootstrap --variant=minbase --arch=amd64 bullseye "$tmp" "$mirror"; then
		rm -f "$tmp"/var/cache/apt/archives/*.deb
		tar -C "$tmp" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	else
		echo "distro: debootstrap could not fetch bullseye from $mirror: set MIRROR= to a" \
		     "mirror that still has it (an archive mirror once bullseye left the regular ones)" >&2
	fi
	rm -rf "$tmp"
fi
if [ ! -s "$tarball" ]; then
	fail "rootfs  (see $out/debootstrap.log)"
else
	umount_root
	rm -rf "$root" && mkdir -p "$root"
	tar -C "$root" -xzf "$tarball"
	# the packages apt fetches are kept in the download cache
	mkdir -p "$cache/distro-archives/partial"
	mount -t proc proc "$root/proc" && mount --bind /sys "$root/sys" &&
		mount --bind /dev "$root/dev" && mount --bind /dev/pts "$root/dev/pts" &&
		mount --bind "$cache/distro-archives" "$root/var/cache/apt/archives"
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
	# no service starts in the chroot
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
	# the admin's host at bullseye's last point release: the security
	# archive (and with it the newer kernels) comes with the update below
	main=$("$here/scripts/mirror.sh" main) sec=$("$here/scripts/mirror.sh" security)
	printf '%s\n' "deb $main bullseye main" >"$root/etc/apt/sources.list"
	cp "$deb" "$root/tmp/"
	check "rootfs" root_apt "apt-get update" "$out/apt-update.log" update
fi

# 2. the admin's kernel, then the package as the README installs it
pkg=/tmp/$(basename "$deb")
ver=$(dpkg-deb -f "$deb" Version)
installed() {	# kernel: DKMS says installed, and modprobe would load its build
	local k=$1 f
	in_root dkms status -m vfio-lowpower -v "$ver" -k "$k" | grep -q ': installed' || {
		echo "    dkms status for $k: $(in_root dkms status -m vfio-lowpower -k "$k")"; return 1; }
	f=$(in_root modinfo -k "$k" -F filename vfio-pci)
	echo "    $k: modinfo vfio-pci -> $f"
	[[ $f == */updates/dkms/vfio-pci.ko ]]
}
dkms_result() {	# name kernel
	local r=FAIL mk
	installed "$2" >"$out/dkms-$2.txt" 2>&1 && r=PASS
	mk=$root/var/lib/dkms/vfio-lowpower/$ver/build/make.log
	[ -f "$mk" ] && echo "    $2: DKMS build: $(grep -c 'warning:' "$mk") warnings, $(grep -c 'error:' "$mk") errors" \
		>>"$out/dkms-$2.txt"
	{ echo "$r distro:$1"; cat "$out/dkms-$2.txt"; } | record
}
# initrd_vfio_pci RESULT KERNEL WANT [BOOT]: Debian's initramfs of KERNEL
# (made by update-initramfs in the root) holds the vfio-pci that WANT says:
# "dkms" (updates/dkms) or "stock" (kernel/drivers/vfio/pci); with BOOT (a
# result name) the test machine boots it too (scripts/distro-early-boot.sh)
# the early binding an admin sets up: the test machine's e1000e
early_ids=8086:10d3
initrd_vfio_pci() {
	local f=$root/boot/initrd.img-$2 has
	# and boots it: what it loads and binds (DISTRO_BOOT=0: not booted)
	[ "${DISTRO_BOOT:-1}" != 1 ] || [ -z "${4:-}" ] ||
		"$here/scripts/distro-early-boot.sh" "$root" "$2" "$3" "$4" "$out" "${early_ids//,/+}" | record
	if [ ! -f "$f" ]; then
		fail "$1  (no $f)"
		return
	fi
	has=$(in_root lsinitramfs "/boot/initrd.img-$2" | grep -E '/vfio-pci\.ko$' | sed 's|^.*lib/modules/[^/]*/||' | tr '\n' ' ')
	case $3:$has in
	"dkms:updates/dkms/vfio-pci.ko "|"stock:kernel/drivers/vfio/pci/vfio-pci.ko ") pass "$1  (${has% })" ;;
	*) fail "$1  (want the $3 vfio-pci; the initramfs holds: ${has:-none})" ;;
	esac
}
if [ -d "$root/usr/bin" ]; then
	# the host binds its passthrough devices early: vfio-pci in the
	# initramfs (with "options vfio-pci ids=..." in /etc/modprobe.d)
	mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/etc/modprobe.d"
	echo vfio-pci >>"$root/etc/initramfs-tools/modules"
	echo "options vfio-pci ids=$early_ids" >"$root/etc/modprobe.d/vfio-lowpower-test.conf"
	# only the modules listed there (an admin's MODULES=most makes the
	# same choice of vfio-pci.ko, in an initramfs many times larger that
	# each install and removal here would compress again)
	echo MODULES=list >"$root/etc/initramfs-tools/conf.d/vfio-lowpower-test.conf"
	root_apt "the running kernel: linux-image-$old_k-unsigned" "$out/apt-image-old.log" \
		install --no-install-recommends "linux-image-$old_k-unsigned" ||
		fail "install:linux-image-$old_k"
	initrd_vfio_pci "initramfs:before-install:$old_k" "$old_k" stock
	t=$SECONDS
	# as docs/debian11.md says: the headers metapackage too, which brings
	# the headers of the kernels later updates install (and now the
	# newest kernel's: DKMS builds for it at once)
	if root_apt "apt-get install dkms linux-headers-amd64 linux-headers-$old_k ./$(basename "$deb")" \
		"$out/apt-install.log" \
		install --no-install-recommends dkms linux-headers-amd64 "linux-headers-$old_k" "$pkg"; then
		pass "install:package  ($((SECONDS - t)) s, DKMS build included)"
	else
		fail "install:package  (see $out/apt-install.log)"
	fi
	dkms_result "dkms:$old_k" "$old_k"
	# dkms 2.8.4 rebuilds the kernel's initramfs (REMAKE_INITRD)
	initrd_vfio_pci "initramfs:after-install:$old_k" "$old_k" dkms "after-install:$old_k"
	if [ "$new_k" != "$old_k" ]; then
		# the kernel update as an admin meets it: bullseye-security in
		# the sources, then apt upgrade (apt-get upgrade --with-new-pkgs),
		# which names no kernel: the headers metapackage brings the new
		# ABI's headers, and DKMS builds for it by itself
		t=$SECONDS
		echo "deb $sec bullseye-security main" >>"$root/etc/apt/sources.list"
		root_apt "kernel update: apt-get update with bullseye-security" "$out/apt-update-security.log" update &&
		root_apt "kernel update: apt upgrade (the headers metapackage brings $new_k's headers)" \
			"$out/apt-upgrade.log" upgrade --with-new-pkgs --no-install-recommends
		dkms_result "dkms:kernel-update:$new_k  ($((SECONDS - t)) s: apt upgrade through linux-headers-amd64, no kernel named; DKMS built for it by itself)" "$new_k"
		# the newer kernel's image, to boot it below: the unsigned one, by
		# name (the test machine's firmware trusts the harness's key, not
		# Debian's: scripts/distro-check.sh signs it itself)
		root_apt "the newer kernel's image: linux-image-$new_k-unsigned" "$out/apt-image-new.log" \
			install --no-install-recommends "linux-image-$new_k-unsigned" ||
			fail "install:linux-image-$new_k"
		initrd_vfio_pci "initramfs:kernel-update:$new_k" "$new_k" dkms "kernel-update:$new_k"
	fi
fi

# 3. the CRCs of what the DKMS modules export, against the kernel's
crcs() {	# kernel
	local k=$1 sym=$root/usr/src/linux-headers-$1/Module.symvers ko n=0 bad=0 crc want s
	for ko in "$root/lib/modules/$k/updates/dkms"/*.ko; do
		while read -r crc s; do
			want=$(awk -v s="$s" '$2 == s { print $1 }' "$sym")
			n=$((n + 1))
			if [ -z "$want" ]; then
				echo "    $k: $(basename "$ko") exports $s, which the kernel's Module.symvers lacks"
				bad=$((bad + 1))
			elif [ $((16#${crc#0x})) != $((16#${want#0x})) ]; then
				echo "    $k: $s CRC $crc, Debian's $want: modules built against Debian's headers that use it fail to load"
				bad=$((bad + 1))
			fi
		done < <(nm "$ko" | sed -nE 's/^([0-9a-f]+) [A-Za-z] __crc_(.*)$/0x\1 \2/p')
	done
	echo "    $k: $n exported symbols, $bad with a CRC other than Debian's"
	[ "$n" -gt 0 ] && [ "$bad" = 0 ]
}
for k in $kernels; do
	[ -d "$root/lib/modules/$k/updates/dkms" ] || { fail "crc:$k  (no DKMS modules)"; continue; }
	crcs "$k" >"$out/crc-$k.txt" 2>&1 && r=PASS || r=FAIL
	{ echo "$r distro:crc:$k"; cat "$out/crc-$k.txt"; } | record
done

# 4. Secure Boot (config/secureboot.env): an admin's host that enforces
#    module signatures, in the root file system; Debian's kernel later
#    boots under Secure Boot in the test machine.  The root file system's
#    /sys is then a stand-in of such a host's: UEFI says Secure Boot is
#    on, the kernel is locked down, db holds the certificates given.
. "$here/config/secureboot.env"
sb=$out/secureboot
sb_sys() {	# CERT...: the Secure Boot host's /sys, db holding CERT...
	local e=$root/sys/firmware/efi/efivars
	mountpoint -q "$root/sys" && umount -l "$root/sys"
	mount -t tmpfs sbsys "$root/sys" &&
	mkdir -p "$e" "$root/sys/kernel/security" "$root/sys/module/module/parameters" &&
	printf '\006\000\000\000\001' >"$e/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c" &&
	echo 'none [integrity] confidentiality' >"$root/sys/kernel/security/lockdown" &&
	echo N >"$root/sys/module/module/parameters/sig_enforce" || return 1
	# attributes, then the signature list: the certificates are what the
	# package's check looks for in it
	[ $# = 0 ] || { printf '\007\000\000\000'; cat "$@"; } >"$e/db-d719b2cb-3d3a-4596-a3bc-dad00e67656f"
}
host_sys() { mountpoint -q "$root/sys" && umount -l "$root/sys"; mount --bind /sys "$root/sys"; }
kept_stock() {	# kernel: modprobe would load the kernel's own vfio-pci
	local f
	f=$(in_root modinfo -k "$1" -F filename vfio-pci 2>&1)
	echo "    $1: modinfo vfio-pci -> $f"
	[[ $f == */kernel/drivers/vfio/pci/vfio-pci.ko ]]
}
said() {	# log kernel: the package's message for kernel, shown
	sed -n "/^vfio-lowpower-dkms: not building for kernel $2/,/^Check with/p" "$1" | sed 's/^/    | /'
	grep -q "^vfio-lowpower-dkms: not building for kernel $2" "$1"
}
sb_case() {	# name log kernel: the message said, the kernel's own modules kept
	local r=FAIL
	{ said "$2" "$3" && kept_stock "$3"; } >"$2.result" 2>&1 && r=PASS
	{ echo "$r distro:secureboot:$1"; cat "$2.result"; } | record
}
sb_on=
if [ "${DISTRO_SECURE_BOOT:-1}" = 1 ] && [ -f "$root/lib/modules/$new_k/updates/dkms/vfio-pci.ko" ]; then
	rm -rf "$sb" && mkdir -p "$sb/refused" "$sb/signed/var/lib/dkms" "$sb/stock/var/lib/dkms"
	# the unsigned build, for the Secure Boot machine to refuse
	cp "$root/lib/modules/$new_k/updates/dkms/vfio.ko" "$sb/refused/vfio.ko"
	cp "$root/lib/modules/$new_k/updates/dkms/vfio-pci.ko" "$sb/refused/vfio_pci.ko"
	# db's key: the kernel signed for the firmware, the modules for the kernel
	openssl rsa -in "$SB_KEY" -passin "pass:$SB_KEY_PASS" -out "$sb/db.key" 2>/dev/null &&
		openssl x509 -in "$SB_CERT" -outform DER -out "$sb/db.der" &&
		sbsign --key "$sb/db.key" --cert "$SB_CERT" --output "$sb/vmlinuz-$new_k" \
			"$root/boot/vmlinuz-$new_k" >"$sb/sbsign.log" 2>&1 &&
		sb_on=1 || fail "secureboot:sign-kernel  (see $sb/sbsign.log; packages ovmf, sbsigntool)"
fi
if [ -n "$sb_on" ]; then
	cp "$root/etc/dkms/framework.conf" "$sb/framework.conf"
	# a. a kernel update on a Secure Boot host, DKMS not signing: the
	#    kernel's postinst hook builds nothing and says why
	sb_sys
	in_root dkms remove "vfio-lowpower/$ver" -k "$new_k" >"$sb/remove.log" 2>&1
	in_root /etc/kernel/postinst.d/dkms "$new_k" >"$sb/update-unsigned.log" 2>&1
	sb_case "kernel-update-unsigned:$new_k" "$sb/update-unsigned.log" "$new_k"
	# b. docs/debian11.md's steps: the tools, a key, DKMS's sign_tool; until
	#    the key is enrolled nothing is built
	root_apt "apt-get install openssl mokutil" "$sb/apt-tools.log" install --no-install-recommends openssl mokutil
	in_root sh -c 'openssl req -new -x509 -nodes -days 36500 -subj "/CN=$(hostname) DKMS module signing key" \
		-newkey rsa:2048 -keyout /var/lib/dkms/mok.key -outform DER -out /var/lib/dkms/mok.pub &&
		chmod 600 /var/lib/dkms/mok.key' >"$sb/key.log" 2>&1
	echo 'sign_tool="/usr/lib/vfio-lowpower-dkms/sign-module"' >>"$root/etc/dkms/framework.conf"
	in_root dkms autoinstall -k "$new_k" >"$sb/not-enrolled.log" 2>&1
	sb_case "key-not-enrolled:$new_k" "$sb/not-enrolled.log" "$new_k"
	# c. enrolled: the firmware trusts the key.  The test machine's
	#    firmware trusts its db key, which stands in for the admin's here
	cp "$sb/db.key" "$root/var/lib/dkms/mok.key" && cp "$sb/db.der" "$root/var/lib/dkms/mok.pub"
	sb_sys "$sb/db.der"
	t=$SECONDS
	in_root dkms autoinstall -k "$new_k" >"$sb/signed.log" 2>&1
	signer=$(modinfo -F signer "$root/lib/modules/$new_k/updates/dkms/vfio-pci.ko" 2>/dev/null)
	{ installed "$new_k" && echo "    $new_k: vfio-pci.ko signed by '$signer' ($((SECONDS - t)) s)" &&
		[ -n "$signer" ]; } >"$sb/signed.result" 2>&1 && r=PASS || r=FAIL
	{ echo "$r distro:secureboot:signed:$new_k"; cat "$sb/signed.result"; } | record
	host_sys
	# what the guests' run of the check finds: the key, and no key
	cp "$sb/db.der" "$sb/signed/var/lib/dkms/mok.pub" && : >"$sb/signed/var/lib/dkms/mok.key"
fi

# 5. Debian's kernels in the QEMU machine: every selftest with the DKMS
#    modules; under Secure Boot the kernel's own modules, then the signed
#    DKMS build
boot() {	# kernel mode(plain|stock|signed)
	local k=$1 mode=$2 dk=$root/lib/modules/$1 mods tag job=check sbenv='' sbargs='' m n log want got extra
	tag=$k; [ "$mode" = plain ] || tag=$k:secureboot-$mode
	mods=$out/modules-$k-$mode
	rm -rf "$mods" && mkdir -p "$mods"
	if [ "$mode" = stock ]; then
		job=modules
		for m in vfio/vfio vfio/vfio_iommu_type1 vfio/vfio_virqfd vfio/pci/vfio-pci; do
			n=$(basename "$m")
			cp "$dk/kernel/drivers/$m.ko" "$mods/${n//-/_}.ko"
		done
	else
		for m in "$dk"/updates/dkms/*.ko; do
			n=$(basename "$m" .ko)
			cp "$m" "$mods/${n//-/_}.ko"
		done
	fi
	cp "$dk/kernel/virt/lib/irqbypass.ko" "$mods/"
	# UEFI's variables, for the package's check under Secure Boot
	[ "$mode" = plain ] || cp "$dk/kernel/fs/efivarfs/efivarfs.ko" "$mods/"
	extra=
	if [ "$mode" != stock ]; then
		# the selftests' helper module, built against this kernel's headers
		# (and signed by the package's hook under Secure Boot)
		rm -rf "$root/tmp/pm_disable" && cp -r "$tree/tools/testing/selftests/vfio/pm_disable" "$root/tmp/" &&
		if run_logged "distro: the selftests' module for $k" "$out/pm_disable-$k.log" \
			in_root make -C "/usr/src/linux-headers-$k" M=/tmp/pm_disable modules &&
			{ [ "$mode" = plain ] || in_root /usr/lib/vfio-lowpower-dkms/sign-module "$k" \
				/tmp/pm_disable/vfio_test_pm_disable.ko >>"$out/pm_disable-$k.log" 2>&1; }; then
			extra=$(ls "$root"/tmp/pm_disable/*.ko)
		fi
		# every selftest (DISTRO_EXCLUDE: a pattern of those to leave out)
		extra="$(ls "$tests"/*_test "$tests"/vfio-pm-status 2>/dev/null |
			grep -v "${DISTRO_EXCLUDE:-^$}") $extra"
	fi
	local kernel=$root/boot/vmlinuz-$k initrd=$out/initramfs-$k-$mode.cpio.gz root_extra=
	if [ "$mode" != plain ]; then
		kernel=$sb/vmlinuz-$k
		extra="$extra $here/dkms/sigcheck.sh"
		root_extra=$sb/$mode
		[ "$mode" = stock ] && mkdir -p "$root_extra/lib/modules" && cp -r "$sb/refused" "$root_extra/lib/modules/"
		[ "$mode" = signed ] && sbenv=,VFIO_SIGN_TOOL=/usr/lib/vfio-lowpower-dkms/sign-module
		sbargs=1
	fi
	EXTRA_ROOT=$root_extra MODULES="$(ls "$mods"/*.ko)" "$here/scripts/mkinitramfs.sh" "$initrd" $extra >/dev/null ||
		{ fail "initramfs:$tag"; return; }
	log=$out/console-$k${mode/plain/}.log
	[ "$mode" = plain ] || log=$out/console-$k-secureboot-$mode.log
	# the four-thread PMCSR race at a quarter of its writes: 2,000 take
	# five minutes on Debian's kernels (the KASAN kernel runs it in full)
	# One host thread for both vCPUs, as every guest (scripts/qemu-args.sh)
	if SECURE_BOOT=${sbargs:-0} TCG_THREAD=${DISTRO_TCG_THREAD:-single} \
		EXTRA_CMDLINE="vfio_env=VFIO_STRESS_LOOPS=${DISTRO_STRESS_LOOPS:-500}$sbenv" \
		"$here/scripts/run-qemu.sh" "$kernel" "$initrd" "$log" "$job" "${QEMU_TIMEOUT:-1200}"; then
		pass "$tag:qemu:boot-and-power-off"
	else
		fail "$tag:qemu:boot-and-power-off  (see $log)"
	fi
	if [ "$mode" != plain ]; then
		check "$tag:locked-down  ($(grep -a -m1 -o 'init: lockdown .*' "$log" | tr -d '\r'))" \
			grep -aq 'Kernel is locked down from EFI Secure Boot' "$log"
	fi
	if [ "$mode" = stock ]; then
		want=$(modinfo -F srcversion "$dk/kernel/drivers/vfio/pci/vfio-pci.ko")
		check "$tag:unsigned-dkms-build-refused  ($(grep -ac 'init: unsigned module .* refused' "$log") of 2)" \
			[ "$(grep -ac 'init: unsigned module .* refused' "$log")" = 2 ]
		got=$(sed -n 's/^init: module vfio_pci srcversion \([0-9A-F]*\).*/\1/p' "$log" | tr -d '\r')
		n=$(grep -ac '^init: .* -> vfio-pci' "$log")
		if [ -n "$want" ] && [ "$want" = "$got" ] && [ "$n" -gt 0 ]; then
			pass "$tag:kernel-vfio-pci-loads  (srcversion $got, Debian's; $n devices bound to it)"
		else
			fail "$tag:kernel-vfio-pci-loads  (srcversion '$got', Debian's '$want'; $n devices bound)"
		fi
		{ grep -aq '^init: sigcheck exit 1' "$log" && r=PASS || r=FAIL
		  echo "$r distro:$tag:package-check-refuses"
		  grep -a '^init: sigcheck: ' "$log" | tr -d '\r' | head -n 3 | sed 's/^/    | /'; } | record
		return
	fi
	want=$(modinfo -F srcversion "$dk/updates/dkms/vfio-pci.ko")
	got=$(sed -n 's/^init: module vfio_pci srcversion \([0-9A-F]*\).*/\1/p' "$log" | tr -d '\r')
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		pass "$tag:vfio_pci-is-dkms  (srcversion $got)"
	else
		fail "$tag:vfio_pci-is-dkms  (loaded srcversion '$got', DKMS build '$want')"
	fi
	[ "$mode" = signed ] && check "$tag:package-check-accepts" grep -aq '^init: sigcheck exit 0' "$log"
	console_results "$log" "$tag:" | tee "$out/tests-$tag.txt" | record
	echo "distro: $tag: $(grep -c '^PASS' "$out/tests-$tag.txt") passed, $(grep -c '^FAIL' "$out/tests-$tag.txt") failed," \
	     "$(grep -c '^SKIP' "$out/tests-$tag.txt") skipped (console: $log)"
}
[ "${DISTRO_BOOT:-1}" = 1 ] || kernels_boot=
for k in ${kernels_boot-$kernels}; do
	if [ ! -f "$root/boot/vmlinuz-$k" ] || [ ! -f "$root/lib/modules/$k/updates/dkms/vfio-pci.ko" ]; then
		fail "boot:$k  (no kernel image or DKMS modules)"
		continue
	fi
	# the newest kernel under Secure Boot, the older one without
	if [ -n "$sb_on" ] && [ "$k" = "$new_k" ]; then
		boot "$k" stock
		boot "$k" signed
	else
		boot "$k" plain
	fi
done

# 6. installing the package on a Secure Boot host without signing: it
#    installs, builds nothing, says why for each kernel; the kernels keep
#    their own vfio
if [ -n "$sb_on" ]; then
	cp "$sb/framework.conf" "$root/etc/dkms/framework.conf"
	rm -f "$root/var/lib/dkms/mok.key" "$root/var/lib/dkms/mok.pub"
	sb_sys
	root_apt "apt-get install --reinstall ./$(basename "$deb") on a Secure Boot host" "$sb/install-unsigned.log" \
		install --reinstall --no-install-recommends "$pkg"
	rc=$?
	r=PASS
	{ echo "    apt-get exit $rc"; [ "$rc" = 0 ] || r=FAIL
	  for k in $kernels; do said "$sb/install-unsigned.log" "$k" | head -n 2 && kept_stock "$k" || r=FAIL; done
	} >"$sb/install-unsigned.result" 2>&1
	{ echo "$r distro:secureboot:install-unsigned"; cat "$sb/install-unsigned.result"; } | record
	host_sys
fi

# 7. removing the package gives the kernel's own modules back, in each
#    initramfs too, and takes back the signing hook docs/debian11.md had
#    the admin add to /etc/dkms/framework.conf (its postrm)
if [ -d "$root/usr/bin" ]; then
	fw=$root/etc/dkms/framework.conf
	grep -qxF 'sign_tool="/usr/lib/vfio-lowpower-dkms/sign-module"' "$fw" 2>/dev/null ||
		echo 'sign_tool="/usr/lib/vfio-lowpower-dkms/sign-module"' >>"$fw"
	echo '# an admin line of its own' >>"$fw"
	root_apt "apt-get remove vfio-lowpower-dkms" "$out/apt-remove.log" remove vfio-lowpower-dkms
	for k in $kernels; do
		f=$(in_root modinfo -k "$k" -F filename vfio-pci 2>&1)
		echo "    after removal, $k: modinfo vfio-pci -> $f" | record
		[[ $f == */kernel/drivers/vfio/pci/vfio-pci.ko ]] && pass "remove:$k" || fail "remove:$k"
		initrd_vfio_pci "initramfs:after-removal:$k" "$k" stock "$( [ "$k" != "$new_k" ] || echo "after-removal:$k")"
	done
	if grep -q 'vfio-lowpower-dkms' "$fw"; then
		fail "remove:framework.conf  (still names the removed hook: $(grep 'vfio-lowpower-dkms' "$fw"))"
	elif ! grep -qxF '# an admin line of its own' "$fw"; then
		fail "remove:framework.conf  (the admin's own lines went too)"
	else
		pass "remove:framework.conf  (the sign_tool line of the removed hook is gone, the rest kept)"
	fi
fi

# 8. the series on the newest linux-source-5.10: git am, then its vfio
#    built against the newest kernel's headers
"$here/scripts/newest-source.sh" "$build" "$cache" "$root" "$new_k" 2>&1 | record

# 9. the package builds on Debian 11 too, with bullseye's debhelper and
#    dkms (DISTRO_DEB_BUILD=0 leaves it out: make check does)
if [ "${DISTRO_DEB_BUILD:-1}" = 1 ] && [ -d "$root/usr/bin" ]; then
	"$here/scripts/dkms-build-bullseye.sh" "$root" "$(dirname "$deb")/$(dpkg-deb -f "$deb" Source 2>/dev/null || echo vfio-lowpower)-$ver" \
		"$deb" "$out" 2>&1 | record
fi

umount_root
echo
echo "== distro-check took $((SECONDS - start)) s (logs in $out)"
[ "${DISTRO_SUMMARY:-1}" = 1 ] || exit 0
summarize "$results"
