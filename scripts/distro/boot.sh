# shellcheck shell=bash
# make distro-check, step 5 (sourced by scripts/distro-check.sh,
# which sets root, out, results, kernels, old_k, new_k, deb, pkg, ver, sb)
# 5. Debian's kernels in the QEMU machine: every selftest with the DKMS
#    modules; under Secure Boot the kernel's own modules, then the signed
#    DKMS build
boot() {	# kernel mode(plain|stock|signed)
	local k=$1 mode=$2 dk=$root/lib/modules/$1 mods tag job=check sbenv='' sbargs='' m n log want got extra prefix
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
		# config/suites' distro suite (DISTRO_EXCLUDE: a pattern of those
		# to leave out)
		extra="$({ suite_programs distro "$tests"; ls "$tests"/vfio-pm-status 2>/dev/null; } |
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
		EXTRA_CMDLINE=$(suite_field distro cmdline) \
		"$here/scripts/run-qemu.sh" "$kernel" "$initrd" "$log" "$job" \
		"${QEMU_TIMEOUT:-$(suite_field distro timeout)}"; then
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
	prefix=$(suite_field distro prefix)
	console_results "$log" "${prefix/KERNEL/$tag}" | tee "$out/tests-$tag.txt" | record
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
