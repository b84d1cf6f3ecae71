# shellcheck shell=bash
# make distro-check, step 2 (sourced by scripts/distro-check.sh,
# which sets root, out, results, kernels, old_k, new_k, deb, pkg, ver, sb)
# 2. the admin's kernel, then the package as the README installs it;
#    the kernel update
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
