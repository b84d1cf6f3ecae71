# shellcheck shell=bash
# make distro-check, the helpers its steps share (sourced by
# scripts/distro-check.sh, which sets root, out, results and cache before
# and kernels, old_k, new_k, deb, pkg, ver and sb after; only the
# functions read those)
record() { tee -a "$results"; }
pass() { echo "PASS distro:$*" | record; }
fail() { echo "FAIL distro:$*" | record; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
bapt() { "$here/scripts/bullseye-apt.sh" "$cache" "$@"; }

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

# Secure Boot
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
