# shellcheck shell=bash
# make distro-check, step 1 (sourced by scripts/distro-check.sh,
# which sets root, out, results, kernels, old_k, new_k, deb, pkg, ver, sb)
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
