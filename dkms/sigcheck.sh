#!/bin/sh
# vfio-lowpower-dkms: would kernel KERNELVER load the modules DKMS is about
# to build?  dkms.conf asks before each build: where the host enforces
# module signatures, a module the kernel refuses must not be installed,
# because updates/dkms hides the kernel's own vfio modules and the host
# would be left with no loadable vfio at all.
#
# usage: sigcheck [-q] KERNELVER [SIGN_TOOL]
#   SIGN_TOOL: DKMS's sign_tool (from /etc/dkms/framework.conf), or empty.
# Exit 0: build.  Signatures are not enforced, or DKMS signs with this
# package's hook and a key the firmware trusts (db or the MOK list), or
# with a sign_tool of the admin's own (trusted as configured).
# Exit 1: do not build; stderr says why and which commands fix it
# (nothing with -q).  POSIX sh: it also runs under busybox.
quiet=
[ "${1:-}" = -q ] && { quiet=1; shift; }
kver=${1:?usage: sigcheck [-q] KERNELVER [SIGN_TOOL]}
sign_tool=${2:-}
hook=/usr/lib/vfio-lowpower-dkms/sign-module
key=/var/lib/dkms/mok.key
cert=/var/lib/dkms/mok.pub
efivars=/sys/firmware/efi/efivars
global=8be4df61-93ca-11d2-aa0d-00e098032b8c	# EFI_GLOBAL_VARIABLE
dbguid=d719b2cb-3d3a-4596-a3bc-dad00e67656f	# EFI_IMAGE_SECURITY_DATABASE
shim=605dab50-e046-4300-abb6-3dd810dd8b23	# shim's MOK variables

hex() { od -An -v -tx1 "$1" 2>/dev/null | tr -d ' \n'; }

# 1. Does the host enforce module signatures?  Each of these makes a
#    Debian kernel refuse an unsigned module or one signed by a key it
#    does not trust.
why=
lock=$(cat /sys/kernel/security/lockdown 2>/dev/null)
case "$lock" in
*"[integrity]"* | *"[confidentiality]"*)
	mode=${lock#*\[}
	why="the kernel is locked down (${mode%%]*})" ;;
esac
[ -z "$why" ] && [ "$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)" = Y ] &&
	why="module.sig_enforce is on"
if [ -z "$why" ] && [ -r "$efivars/SecureBoot-$global" ]; then
	# 4 bytes of attributes, then the value: 1 when Secure Boot is on
	sb=$(hex "$efivars/SecureBoot-$global")
	[ "${sb#????????}" = 01 ] && why="UEFI Secure Boot is on (its Debian kernels lock down)"
fi
[ -z "$why" ] && grep -qs '^CONFIG_MODULE_SIG_FORCE=y' "/boot/config-$kver" "/lib/modules/$kver/build/.config" &&
	why="$kver is built with CONFIG_MODULE_SIG_FORCE"
[ -n "$why" ] || exit 0

# 2. Enforced: does DKMS sign, and with a key this host trusts?
in_var() {	# is the certificate's DER in one of the variables (ESL data)?
	der=$1
	shift
	for v in "$@"; do
		[ -r "$v" ] || continue
		case "$(hex "$v")" in *"$der"*) return 0 ;; esac
	done
	return 1
}
tools=
command -v openssl >/dev/null 2>&1 && command -v mokutil >/dev/null 2>&1 ||
	tools="  apt-get install openssl mokutil
"
fix_key="${tools}  openssl req -new -x509 -nodes -days 36500 -subj \"/CN=$(hostname 2>/dev/null) DKMS module signing key\" \\
      -newkey rsa:2048 -keyout $key -outform DER -out $cert    # once per host
  chmod 600 $key"
fix_hook="  echo 'sign_tool=\"$hook\"' >>/etc/dkms/framework.conf"
fix_enroll="  mokutil --import $cert    # choose a one-time password
  reboot    # in the blue MokManager screen: Enroll MOK, Continue, Yes, the password"
fix_build="  dkms autoinstall -k $kver    # once the key is enrolled: builds, signs, installs"
state=
if [ -z "$sign_tool" ]; then
	state=unsigned
elif [ "$sign_tool" != "$hook" ]; then
	exit 0	# the admin's own signing: trusted as configured
elif [ ! -r "$key" ] || [ ! -r "$cert" ]; then
	state=nokey
else
	der=$(hex "$cert")
	if in_var "$der" "$efivars/db-$dbguid" "$efivars/MokListRT-$shim" \
		/sys/firmware/efi/mok-variables/MokListRT; then
		exit 0
	fi
	state=untrusted
	in_var "$der" "$efivars/MokNew-$shim" && state=pending
fi
[ -n "$quiet" ] && exit 1

{
	echo "vfio-lowpower-dkms: not building for kernel $kver: $why, so it loads only"
	case $state in
	unsigned)
		echo "signed modules, and DKMS does not sign the modules it builds. The kernel's own"
		echo "vfio modules stay in use (without the low-power features). To sign with a"
		echo "machine owner key (Debian 12's dkms keeps its own in the same files):"
		[ -r "$cert" ] || echo "$fix_key"
		echo "$fix_hook"
		echo "$fix_enroll"
		echo "$fix_build" ;;
	nokey)
		echo "signed modules, and $hook has no key to sign with ($key,"
		echo "$cert). The kernel's own vfio modules stay in use. Create the key and enroll it:"
		echo "$fix_key"
		echo "$fix_enroll"
		echo "$fix_build" ;;
	untrusted)
		echo "modules signed by a key it trusts, and the key DKMS signs with ($cert) is in"
		echo "neither the firmware's db nor the MOK list. The kernel's own vfio modules stay"
		echo "in use. Enroll the key:"
		[ -z "$tools" ] || printf %s "$tools"
		echo "$fix_enroll"
		echo "$fix_build" ;;
	pending)
		echo "modules signed by a key it trusts, and $cert waits for its enrollment"
		echo "(mokutil --import was run). The kernel's own vfio modules stay in use. Finish it:"
		echo "  reboot    # in the blue MokManager screen: Enroll MOK, Continue, Yes, the password"
		echo "$fix_build" ;;
	esac
	echo "Check with: mokutil --sb-state; mokutil --test-key $cert; modinfo -F signer vfio-pci"
} >&2
exit 1
