# shellcheck shell=bash
# make distro-check, step 1 (sourced by scripts/distro-check.sh,
# which sets root, out, results, kernels, old_k, new_k, deb, pkg, ver, sb)
# 1. a bullseye root file system, cached as a tarball
if ! bullseye_root "$root" "$cache" "$out"; then
	fail "rootfs  (see $out/debootstrap.log)"
else
	# the admin's host at bullseye's last point release: the security
	# archive (and with it the newer kernels) comes with the update below
	main=$("$here/scripts/mirror.sh" main) sec=$("$here/scripts/mirror.sh" security)
	printf '%s\n' "deb $main bullseye main" >"$root/etc/apt/sources.list"
	cp "$deb" "$root/tmp/"
	check "rootfs" root_apt "apt-get update" "$out/apt-update.log" update
fi
