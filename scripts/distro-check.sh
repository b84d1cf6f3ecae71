#!/bin/bash
# make distro-check: the DKMS package on Debian 11 as a Debian 11 admin
# would use it, proven on Debian's own kernel images.
#
# In a bullseye root file system (debootstrap, cached under CACHE):
#   - Debian's kernel DISTRO_OLD_ABI (config/distro.env) is the "running"
#     kernel; the package goes in with the README's command (apt-get
#     install dkms linux-headers-<abi>-amd64 ./vfio-lowpower-dkms_*.deb),
#     DKMS builds it, and modinfo finds the DKMS build first;
#   - a kernel update to the newest linux-image-5.10.0-*-amd64-unsigned of
#     bullseye-security (found at run time): DKMS builds for it by itself;
#   - the CRCs of the symbols the rebuilt modules export, against the
#     kernel's Module.symvers;
#   - each kernel boots in the QEMU test machine with the DKMS modules and
#     Debian's own irqbypass, and runs every selftest of the series; the
#     vfio_pci it loaded must be the DKMS one (srcversion);
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
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
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
	main=$("$here/scripts/mirror.sh" main) sec=$("$here/scripts/mirror.sh" security)
	printf '%s\n' "deb $main bullseye main" "deb $sec bullseye-security main" \
		>"$root/etc/apt/sources.list"
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
if [ -d "$root/usr/bin" ]; then
	root_apt "the running kernel: linux-image-$old_k-unsigned" "$out/apt-image-old.log" \
		install --no-install-recommends "linux-image-$old_k-unsigned" ||
		fail "install:linux-image-$old_k"
	t=$SECONDS
	if root_apt "apt-get install dkms linux-headers-$old_k ./$(basename "$deb")" "$out/apt-install.log" \
		install --no-install-recommends dkms "linux-headers-$old_k" "$pkg"; then
		pass "install:package  ($((SECONDS - t)) s, DKMS build included)"
	else
		fail "install:package  (see $out/apt-install.log)"
	fi
	dkms_result "dkms:$old_k" "$old_k"
	if [ "$new_k" != "$old_k" ]; then
		t=$SECONDS
		root_apt "kernel update: linux-image/headers-$new_k" "$out/apt-update-kernel.log" \
			install --no-install-recommends "linux-image-$new_k-unsigned" "linux-headers-$new_k"
		dkms_result "dkms:kernel-update:$new_k  ($((SECONDS - t)) s, DKMS rebuilt by itself)" "$new_k"
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

# 4. Debian's kernels in the QEMU machine with the DKMS modules
[ "${DISTRO_BOOT:-1}" = 1 ] || kernels_boot=
for k in ${kernels_boot-$kernels}; do
	dk=$root/lib/modules/$k
	if [ ! -f "$root/boot/vmlinuz-$k" ] || [ ! -f "$dk/updates/dkms/vfio-pci.ko" ]; then
		fail "boot:$k  (no kernel image or DKMS modules)"
		continue
	fi
	mods=$out/modules-$k
	rm -rf "$mods" && mkdir -p "$mods"
	for m in "$dk"/updates/dkms/*.ko "$dk"/kernel/virt/lib/irqbypass.ko; do
		n=$(basename "$m" .ko)
		cp "$m" "$mods/${n//-/_}.ko"
	done
	# the selftests' helper module, built against this kernel's headers
	rm -rf "$root/tmp/pm_disable" && cp -r "$tree/tools/testing/selftests/vfio/pm_disable" "$root/tmp/" &&
	if run_logged "distro: the selftests' module for $k" "$out/pm_disable-$k.log" \
		in_root make -C "/usr/src/linux-headers-$k" M=/tmp/pm_disable modules; then
		extra=$(ls "$root"/tmp/pm_disable/*.ko)
	else
		extra=
	fi
	# every selftest (DISTRO_EXCLUDE: a pattern of those to leave out)
	MODULES="$(ls "$mods"/*.ko)" "$here/scripts/mkinitramfs.sh" "$out/initramfs-$k.cpio.gz" \
		$(ls "$tests"/*_test "$tests"/vfio-pm-status 2>/dev/null |
		  grep -v "${DISTRO_EXCLUDE:-^$}") $extra >/dev/null ||
		{ fail "initramfs:$k"; continue; }
	log=$out/console-$k.log
	# the four-thread PMCSR race at a quarter of its writes: 2,000 take
	# five minutes on Debian's kernels (the KASAN kernel runs it in full)
	# One host thread for both vCPUs, as every guest (scripts/qemu-args.sh)
	if TCG_THREAD=${DISTRO_TCG_THREAD:-single} \
		EXTRA_CMDLINE="vfio_env=VFIO_STRESS_LOOPS=${DISTRO_STRESS_LOOPS:-500}" \
		"$here/scripts/run-qemu.sh" "$root/boot/vmlinuz-$k" "$out/initramfs-$k.cpio.gz" "$log" check \
		"${QEMU_TIMEOUT:-1200}"; then
		pass "$k:qemu:boot-and-power-off"
	else
		fail "$k:qemu:boot-and-power-off  (see $log)"
	fi
	want=$(modinfo -F srcversion "$dk/updates/dkms/vfio-pci.ko")
	got=$(sed -n 's/^init: module vfio_pci srcversion \([0-9A-F]*\).*/\1/p' "$log" | tr -d '\r')
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		pass "$k:vfio_pci-is-dkms  (srcversion $got)"
	else
		fail "$k:vfio_pci-is-dkms  (loaded srcversion '$got', DKMS build '$want')"
	fi
	awk -f "$here/scripts/parse-console.awk" "$log" | sed -E "s/^(PASS|FAIL|SKIP) /\1 $k:/" |
		tee "$out/tests-$k.txt" | record
	echo "distro: $k: $(grep -c '^PASS' "$out/tests-$k.txt") passed, $(grep -c '^FAIL' "$out/tests-$k.txt") failed," \
	     "$(grep -c '^SKIP' "$out/tests-$k.txt") skipped (console: $log)"
done

# 5. removing the package gives the kernel's own modules back
if [ -d "$root/usr/bin" ]; then
	root_apt "apt-get remove vfio-lowpower-dkms" "$out/apt-remove.log" remove vfio-lowpower-dkms
	for k in $kernels; do
		f=$(in_root modinfo -k "$k" -F filename vfio-pci 2>&1)
		echo "    after removal, $k: modinfo vfio-pci -> $f" | record
		[[ $f == */kernel/drivers/vfio/pci/vfio-pci.ko ]] && pass "remove:$k" || fail "remove:$k"
	done
fi

# 6. the series on the newest linux-source-5.10: git am, then its vfio
#    built against the newest kernel's headers
"$here/scripts/newest-source.sh" "$build" "$cache" "$root" "$new_k" 2>&1 | record

umount_root
pass=$(grep -c '^PASS ' "$results") nfail=$(grep -c '^FAIL ' "$results") skip=$(grep -c '^SKIP ' "$results")
echo
echo "== distro-check took $((SECONDS - start)) s (logs in $out)"
[ "${DISTRO_SUMMARY:-1}" = 1 ] || exit 0
if [ "$nfail" != 0 ]; then
	echo "Failures:"
	awk '/^FAIL / { show = 1; print; next } /^    / && show { print; next } { show = 0 }' "$results" | sed 's/^/  /'
fi
echo "$pass passed, $nfail failed, $skip skipped"
[ "$nfail" = 0 ]
