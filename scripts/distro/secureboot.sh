# shellcheck shell=bash
# make distro-check, step 4 (sourced by scripts/distro-check.sh,
# which sets root, out, results, kernels, old_k, new_k, deb, pkg, ver, sb)
# 4. Secure Boot (config/secureboot.env): an admin's host that enforces
#    module signatures, in the root file system; Debian's kernel later
#    boots under Secure Boot in the test machine.  The root file system's
#    /sys is then a stand-in of such a host's: UEFI says Secure Boot is
#    on, the kernel is locked down, db holds the certificates given.
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
