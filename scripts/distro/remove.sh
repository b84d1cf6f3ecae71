# shellcheck shell=bash
# make distro-check, step 7 (sourced by scripts/distro-check.sh,
# which sets root, out, results, kernels, old_k, new_k, deb, pkg, ver, sb)
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
