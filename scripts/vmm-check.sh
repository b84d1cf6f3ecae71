#!/bin/bash
# make vmm-check: a real VMM inside the test machine (config/qemu.args)
# passes an e1000e bound to vfio-pci through to a nested VM, with the
# device's runtime PM state checked on the test machine's side at every
# step (guest/vfio_vmm_test, docs/vmm.md).
# VMMs: the harness's QEMU 10 (q10) and Debian 11's QEMU 5.2 (q52), each
# with its own libraries (scripts/mkvmm-root.sh); devices 04:00.0 (ACPI
# power control: D3cold) and 01:00.0 (D3hot).  The host kernels: the
# series' debug kernel, the Debian 11 kernels make distro-check booted
# (with their DKMS modules), and make parity's stock 5.10 and 6.12.
# The runs, one boot of the test machine each, are config/vmm.env's
# VMM_RUNS_$VMM_SET (full: make vmm-check; check: the short part make
# check runs; parity: make vmm-parity).
# Environment: VMM_SET (default full); VMM_RUNS (runs given directly, the
# same format, lines or ";"-separated); VMM_HOSTS (a +-list: only these
# hosts' runs); VMM_LIFECYCLES (SeaBIOS lifecycles in a row, per set);
# VMM_OUT (default BUILD/vmm: results, consoles, the VMM tree);
# VMM_JOBS (boots at a time, default 1: each takes a core);
# VMM_LABEL (the name make docs shows this run's results under: default
# the set, or "runs" for VMM_RUNS=; kept as OUT/results-LABEL.txt);
# CPU_LOCK=FILE runs each boot under flock FILE (machines shared with
# timing-sensitive work).  Builds no kernel: it needs make check's or make
# demo's kernel and tests (make distro-check's and make parity's for those
# hosts; a host without its kernel is skipped, with what to run).
# Ends with "N passed, N failed, N skipped".
# usage: vmm-check.sh BUILD CACHE
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$1 cache=$2
. "$here/scripts/lib.sh"
. "$here/config/vmm.env"
set_=${VMM_SET:-full}
runs_var=VMM_RUNS_$set_ cycles_var=VMM_LIFECYCLES_$set_
runs=${VMM_RUNS:-${!runs_var-}}
cycles=${VMM_LIFECYCLES:-${!cycles_var:-1}}
[ -n "$runs" ] || { echo "vmm-check: no runs for VMM_SET=$set_ in config/vmm.env" >&2; exit 1; }
out=${VMM_OUT:-$build/vmm}
results=$out/results.txt
start=$SECONDS
# what make docs shows of this run (docs/measured/vmm.md): its results and
# the time of each boot, kept per set ("runs" when VMM_RUNS gave them)
label=$set_
[ -z "${VMM_RUNS:-}" ] || label=runs
label=${VMM_LABEL:-$label}
timings=$out/timings-$label.txt
latencies=$out/latencies-$label.txt
if [ ! -f "$build/obj/arch/x86/boot/bzImage" ] || [ ! -d "$build/tests" ]; then
	echo "vmm-check: no $build/obj/arch/x86/boot/bzImage or $build/tests/: run make check or make demo first" >&2
	exit 1
fi
mkdir -p "$out"
: >"$results"
: >"$timings"
: >"$latencies"
# the pr3 runs' VMM: QEMU 10.0.2 + qemu-patches/ (make qemu), built into
# QEMU_OBJ (default BUILD/qemu-obj) from QEMU_TREE (default BUILD/qemu-src)
if grep -q qpr3 <<<"$runs"; then
	qtree=${QEMU_TREE:-$build/qemu-src} qobj=${QEMU_OBJ:-$build/qemu-obj}
	if ! "$here/scripts/mkqemu-tree.sh" "$qtree" "$cache" "$here/qemu-patches" ||
	   ! "$here/scripts/build-qemu.sh" "$qtree" "$qobj" "$cache"; then
		echo "FAIL vmm:qemu-pr3  (make qemu)" | tee -a "$results"
	fi
	export QEMU_PR3_BIN=$qobj/qemu-system-x86_64
fi
echo "== vmm-check ($set_): the VMMs and the nested guest (scripts/mkvmm-root.sh)"
if ! "$here/scripts/mkvmm-root.sh" "$build" "$cache" "$out/root"; then
	echo "FAIL vmm:root" | tee -a "$results"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# the PF user's stand-in that sets a VF token (vf mode), with the tree's
# uapi headers when make check installed them
hdr=$build/obj/usr/include
if [ ! "$out/vfio_vf_token" -nt "$here/guest/vf_token.c" ] &&
   ! gcc -Wall -Wextra -O2 -static $([ -d "$hdr" ] && echo "-isystem $hdr") \
	-o "$out/vfio_vf_token" "$here/guest/vf_token.c"; then
	echo "FAIL vmm:vf_token  (guest/vf_token.c does not build)" | tee -a "$results"
fi

# host NAME: sets kernel, modules (a directory, or none), idle and bar
# (vfio_vmm_test's idle model and what a BAR access in D3hot does there)
# and why (when the kernel is missing)
host() {
	kernel= modules= idle=suspended bar=sigbus why=
	case $1 in
	series) kernel=$build/obj/arch/x86/boot/bzImage ;;
	base) kernel=$build/obj-base/arch/x86/boot/bzImage idle=d3hot bar=device why="run make parity" ;;
	mainline) kernel=$build/mainline/vmlinuz modules=$build/mainline/modules why="run make parity" ;;
	debian-*)
		local k=${1#debian-} m
		kernel=$build/distro/rootfs/boot/vmlinuz-$k why="run make distro-check"
		for m in plain signed; do
			[ -d "$build/distro/modules-$k-$m" ] && modules=$build/distro/modules-$k-$m
		done
		[ -n "$modules" ] || kernel= ;;
	*) why="unknown host in config/vmm.env" ;;
	esac
	[ -n "$kernel" ] && [ -f "$kernel" ]
}
# the Debian kernels make distro-check left, with their DKMS modules
debian_hosts() {
	local d k
	for d in "$build"/distro/modules-*-amd64-plain "$build"/distro/modules-*-amd64-signed; do
		[ -f "$d/vfio_pci.ko" ] || continue
		k=${d#"$build"/distro/modules-}
		echo "debian-${k%-*}"
	done | sort -u -V
}
# the test machine's initramfs for a host (its modules, the VMM tree)
initrd_for() {	# host: prints its path
	local i=$out/initramfs-$1.cpio.gz
	[ -s "$i" ] && [ "$i" -nt "$out/root" ] && [ "$i" -nt "$here/guest/vfio_vmm_test" ] && [ "$i" -nt "$out/vfio_vf_token" ] && { echo "$i"; return 0; }
	MODULES="$( [ -z "$modules" ] || ls "$modules"/*.ko | grep -v efivarfs)" EXTRA_ROOT=$out/root \
		"$here/scripts/mkinitramfs.sh" "$i" "$here/guest/vfio_vmm_test" "$out/vfio_vf_token" \
		$(ls "$build/tests/vfio-pm-status" 2>/dev/null) >&2 || return 1
	echo "$i"
}

lock() { if [ -n "${CPU_LOCK:-}" ]; then flock "$CPU_LOCK" "$@"; else "$@"; fi; }
# boot HOST MODE VMMS DEVICES: one boot of the test machine running
# vfio_vmm_test; results prefixed with HOST
boot() {
	local h=$1 mode=$2 vmms=$3 devs=$4 name log t=$SECONDS initrd pairs timeout
	name=$h-$mode-${vmms//+/-}-${devs//[:+]/-}
	log=$out/console-$name.log
	if ! host "$h"; then
		echo "SKIP vmm:$h:$mode:$vmms:$devs  (no kernel for $h: $why)" | tee -a "$results"
		return
	fi
	initrd=$(initrd_for "$h") || { echo "FAIL vmm:$h:initramfs" | tee -a "$results"; return; }
	pairs=$(( $(wc -w <<<"${vmms//+/ }") * $(wc -w <<<"${devs//+/ }") ))
	case $mode in
	short) timeout=$((240 + 150 * cycles * pairs)) ;;
	long) timeout=$((1500 * pairs)) ;;
	pr3) timeout=$((3600 * pairs)) ;;
	pr3tables) timeout=$((1800 * pairs)) ;;
	pr3short) timeout=$((2400 * pairs)) ;;
	pr3idle) timeout=$(((2400 + ${VMM_IDLE_S:-600}) * pairs)) ;;
	*) timeout=$((720 * pairs)) ;;
	esac
	echo "== vmm-check: $h, $mode, $vmms x $devs (timeout $timeout s), console: $log"
	# pr3: the test machine's QEMU carries out set_link (scripts/vmm-agent.py)
	VMM_AGENT=$(case $mode in pr3*) echo 1 ;; *) echo 0 ;; esac) \
	EXTRA_CMDLINE="vfio_env=VFIO_VMM_PR3_CYCLES=${VMM_PR3_CYCLES:-3},VFIO_VMM_IDLE_S=${VMM_IDLE_S:-600},VFIO_VMM_MODE=$mode,VFIO_VMM_VMMS=$vmms,VFIO_VMM_DEVICES=$devs,VFIO_VMM_LIFECYCLES=$([ "$mode" = short ] && echo "$cycles" || echo 0),VFIO_VMM_IDLE=$idle,VFIO_VMM_D3_BAR=$bar" \
	QEMU_PROGRESS=0 lock "$here/scripts/run-qemu.sh" "$kernel" "$initrd" "$log" check "$timeout" \
		< /dev/null 2>&1 | sed 's/^/  /' &
	# progress: the last TAP line every 30 s
	local pid=$! i=0
	while kill -0 $pid 2>/dev/null; do
		sleep 5
		i=$((i + 1))
		[ $((i % 6)) = 0 ] && kill -0 $pid 2>/dev/null &&
			echo "  ... $name: $((SECONDS - t)) s, last: $(grep -aE '^(not )?ok ' "$log" 2>/dev/null | tail -n 1 | cut -c1-90)"
	done
	wait $pid
	# the boot's KUnit suites are make check's to count
	local res
	res=$({ console_results "$log" "$h:" | awk -v k="$h:kunit:" 'index($2, k) != 1' |
		sed -E "s/ $h:console:/ $h:console[$name]:/"
	  [ -s "$log" ] || echo "FAIL $h:console[$name]:booted  (no console log)"
	})
	echo "$res" | tee -a "$results"
	grep -aE '^# vfio_vmm_test: [0-9]+ of' "$log" | sed 's/\r$//; s/^# /  /'
	echo "  $name: $((SECONDS - t)) s"
	echo "$name $((SECONDS - t)) $(grep -c '^PASS ' <<<"$res") $(grep -c '^FAIL ' <<<"$res") $(grep -c '^SKIP ' <<<"$res")" >>"$timings"
	# the x-pr3 latencies the steps measured (make docs tables them)
	vmm_latencies "$log" "$h" >>"$latencies"
}

# the boots, VMM_JOBS (config/vmm.env, per set) at a time: each test machine is one
# single-threaded TCG QEMU (a core); their initramfs are made first
todo=()
while read -r h mode vmms devs; do
	case $h in ''|'#'*) continue ;; esac
	[ -z "${VMM_HOSTS:-}" ] || [[ +$VMM_HOSTS+ == *+$h+* ]] || continue
	if [ "$h" = debian ]; then
		hs=$(debian_hosts)
		[ -n "$hs" ] || { echo "SKIP vmm:debian:$mode:$vmms:$devs  (no Debian kernel with DKMS modules: run make distro-check)" |
			tee -a "$results"; continue; }
	else
		hs=$h
	fi
	for hh in $hs; do
		! host "$hh" || initrd_for "$hh" >/dev/null || true
		todo+=("$hh $mode $vmms $devs")
	done
done <<<"${runs//;/$'\n'}"
jobs_var=VMM_JOBS_$set_
jobs_=${VMM_JOBS:-${!jobs_var:-1}}
for b in "${todo[@]}"; do
	# shellcheck disable=SC2086
	if [ "$jobs_" -le 1 ]; then
		boot $b
	else
		while [ "$(jobs -rp | wc -l)" -ge "$jobs_" ]; do wait -n; done
		boot $b &
	fi
done
wait

stamp_output "$results" "make vmm-check (VMM_SET=$set_)"
cp "$results" "$out/results-$label.txt" && cp "$results.meta" "$out/results-$label.txt.meta"
stamp_output "$timings" "make vmm-check (VMM_SET=$set_)"
# make docs reads BUILD/vmm: a run with another VMM_OUT leaves its copy there
if [ "$(realpath -m "$out")" != "$(realpath -m "$build/vmm")" ]; then
	mkdir -p "$build/vmm"
	for f in "results-$label.txt" "timings-$label.txt" "latencies-$label.txt"; do
		cp "$out/$f" "$out/$f.meta" "$build/vmm/" 2>/dev/null || true
	done
fi
echo "vmm-check: $((SECONDS - start)) s; results: $results, console logs: $out/console-*.log"
summarize "$results"
