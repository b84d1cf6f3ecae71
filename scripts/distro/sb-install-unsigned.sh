# shellcheck shell=bash
# make distro-check, step 6 (sourced by scripts/distro-check.sh,
# which sets root, out, results, kernels, old_k, new_k, deb, pkg, ver, sb)
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
