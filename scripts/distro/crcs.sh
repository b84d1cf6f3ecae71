# shellcheck shell=bash
# make distro-check, step 3 (sourced by scripts/distro-check.sh,
# which sets root, out, results, kernels, old_k, new_k, deb, pkg, ver, sb)
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
