#!/bin/bash
# make check: every gate and test, one result line each, then the summary
# line "N passed, N failed, N skipped"; exits non-zero on any failure.
# usage: check.sh BUILD TREE OBJ CACHE
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$1 tree=$2 obj=$3 cache=$4
results=$build/results.txt
: >"$results"
start=$SECONDS
. "$here/scripts/lib.sh"
# the time of each step, in build/timings-cold.txt when this clone had no
# debug kernel built yet (ccache may still be warm), else timings-warm.txt
# (ONLY=: timings-only.txt, which make docs does not show)
state=warm
[ -e "$obj/vmlinux" ] || state=cold
[ -z "${ONLY:-}" ] || state=only
TIMINGS=$build/timings.tmp
: >"$TIMINGS"

# ONLY=GLOB (e.g. ONLY=vfio_pci_d3cold_test, ONLY='*sriov*'): only the
# test programs whose name matches, on the debug and KASAN kernels; the
# gates on the patches, distro-check and the VMM runs are left out
only=${ONLY:-}
if [ -n "$only" ]; then
	echo "== ONLY=$only: the matching test programs only (no checkpatch, per-patch, stable, lint, Debian 11 or VMM step)"
	CHECK_LINT=0 CHECK_DISTRO=0 CHECK_VMM=0
fi
# only_programs: the paths on stdin that are no test program ("*_test")
# or whose name matches ONLY
only_programs() {
	local f b
	while read -r f; do
		b=${f##*/}
		case $b in *_test) [ -z "$only" ] || [[ $b == $only ]] || continue ;; esac
		echo "$f"
	done
}

# The guests run in the background, one core each, beside the step after
# their start (CHECK_PARALLEL=0: each waited for at once).
# guest_start NAME PREFIX KERNEL INITRD LOG TIMEOUT [VAR=VALUE...] boots one
# (scripts/run-qemu.sh; its output in BUILD/NAME-run.log); guest_results
# NAME waits for it, a progress line every 30 s, and records its results,
# their names prefixed with PREFIX.
declare -A guest_pid guest_prefix guest_log
guest_start() {
	local name=$1 prefix=$2 kernel=$3 initrd=$4 log=$5 timeout=$6
	shift 6
	( t=$SECONDS
	  env "$@" "$here/scripts/run-qemu.sh" "$kernel" "$initrd" "$log" check "$timeout"
	  rc=$?
	  echo "$name-guest-alone $((SECONDS - t)) beside" >>"$TIMINGS"
	  exit $rc ) >"$build/$name-run.log" 2>&1 &
	guest_pid[$name]=$! guest_prefix[$name]=$prefix guest_log[$name]=$log
	echo "  the $name guest runs in the background (log: $build/$name-run.log, console: $log)"
	[ "${CHECK_PARALLEL:-1}" = 1 ] || guest_results "$name"
}
guest_results() {
	local name=$1 pid=${guest_pid[$1]:-} prefix=${guest_prefix[$1]:-} log=${guest_log[$1]:-} rc last
	[ -n "$pid" ] || return 0
	step "$name-guest-wait" "waiting for the $name guest (log: $build/$name-run.log)"
	while ! wait_for "$pid" 30; do
		last=$(grep -E '^ *\.\.\. guest:' "$build/$name-run.log" | tail -n 1 | sed 's/^ *\.\.\. guest: //' | cut -c1-150)
		echo "  ... $name guest: ${last:-booting}"
	done
	wait "$pid" && rc=0 || rc=$?
	guest_pid[$name]=
	grep -vE '^ *\.\.\. guest:' "$build/$name-run.log" | tail -n 20 | sed 's/^/  | /'
	if [ "$rc" = 0 ]; then
		echo "PASS ${prefix}qemu:boot-and-power-off" | record
	else
		fail_step "${prefix}qemu:boot-and-power-off  (see $log)"
	fi
	echo "== results from the $name guest's console ($log)"
	console_results "$log" "$prefix" | record
}
# stopped with make check: no guest left behind
kill_tree() { local c; for c in $(pgrep -P "$1"); do kill_tree "$c"; done; kill "$1" 2>/dev/null; }
trap 'for p in "${guest_pid[@]}" ${qemu_pid:-}; do [ -z "$p" ] || kill_tree "$p"; done' EXIT

# record: print result lines (and their indented detail) and keep them
record() { tee -a "$results"; }
fail_step() { echo "FAIL $1" | record; }
# sub_target LOG RESULTS COMMAND...: another target's script, its progress
# shown and kept in LOG, then the result lines it wrote to RESULTS recorded
sub_target() {
	local log=$1 res=$2
	shift 2
	"$@" 2>&1 | tee "$log" | grep --line-buffered -vE '^(PASS|FAIL|SKIP) |^    '
	cat "$res" | record
}

# the harness's own tests (make check-harness): the console parser every
# guest's results go through, on its fixtures; the scripts' syntax; the
# knobs' index
step harness "the harness's own tests (make check-harness)"
HARNESS_SUMMARY=0 "$here/scripts/check-harness.sh" | record

# The VMM half, QEMU 10.0.2 with qemu-patches/ (make qemu), for the VMM
# step's pr3short run: built from here on in the background at the lowest
# CPU priority, so that it takes what the steps before the VMM step leave
# idle (checkpatch, the guests, apt); the qemu-wait step waits for it.
# CHECK_VMM=0 leaves it out with the VMM step.
qemu_pid=
if [ "${CHECK_VMM:-1}" = 1 ] && [ -s "$here/qemu-patches/series" ]; then
	qtree=${QEMU_TREE:-$build/qemu-src} qobj=${QEMU_OBJ:-$build/qemu-obj}
	( t=$SECONDS
	  nice -n 19 "$here/scripts/mkqemu-tree.sh" "$qtree" "$cache" "$here/qemu-patches" &&
	  nice -n 19 "$here/scripts/build-qemu.sh" "$qtree" "$qobj" "$cache"
	  rc=$?
	  echo "qemu-build-alone $((SECONDS - t)) beside" >>"$TIMINGS"
	  exit $rc ) >"$build/qemu-build.log" 2>&1 &
	qemu_pid=$!
	echo "  QEMU 10.0.2 + qemu-patches/ builds in the background, niced (log: $build/qemu-build.log)"
fi

# The debug kernel's guest: the selftests and the guest image, built
# against the debug kernel at the top of the series, then the guest
# started beside the steps after it (the gates on the patches, which
# build in the same directory, come after: QEMU has read the kernel and
# the image by then).  The stress programs, the fail-nth and the
# failed-resume ones run on the KASAN kernel below (it has the debug
# kernel's options and fault injection), the rest here.
debug_started= stress=
debug_guest_start() {
	debug_started=1
	step debug-guest-start "selftests, guest image; the debug kernel's guest started (beside the steps after it)"
	# config/suites' debug suite (and the kasan suite's programs too with
	# CHECK_KASAN=0), with the tools beside them; the kasan suite's
	# programs go to the KASAN guest below
	local progs tools
	if "$here/scripts/build-tests.sh" "$tree" "$obj" "$build/tests" &&
	   tools=$(ls "$build"/tests/* | grep -v '/vfio_pci_[a-z0-9_]*_test$' || true) &&
	   progs=$(suite_programs debug "$build/tests") &&
	   if [ "${CHECK_KASAN:-1}" = 1 ]; then
		stress=$(suite_programs kasan "$build/tests" | only_programs)
	   else
		progs="$progs"$'\n'"$(suite_programs kasan "$build/tests")"
	   fi &&
	   "$here/scripts/mkinitramfs.sh" "$build/initramfs-check.cpio.gz" \
		$tools $(only_programs <<<"$progs"); then
		echo "PASS build:selftests" | record
		# a copy: the per-patch builds below replace the kernel's files
		cp "$obj/arch/x86/boot/bzImage" "$build/bzImage-check"
		guest_start debug "$(suite_field debug prefix)" "$build/bzImage-check" \
			"$build/initramfs-check.cpio.gz" "$build/console-check.log" \
			"${QEMU_TIMEOUT:-$(suite_field debug timeout)}" \
			EXTRA_CMDLINE="$(suite_field debug cmdline)"
	else
		fail_step "build:selftests"
	fi
}

if [ -s "$here/patches/series" ] && [ -z "$only" ]; then
	step checkpatch "checkpatch --strict on each patch"
	"$here/scripts/checkpatch.sh" "$tree" "$here/patches" | record
	# configures the build directory; later builds are incremental.  A
	# failure here is reported below; the per-patch builds say which
	# patch breaks.
	step kernel "the debug kernel at the top of the series"
	! "$here/scripts/build-kernel.sh" "$tree" "$obj" || debug_guest_start
	if [ -f "$obj/.config" ]; then
		step per-patch "each patch builds (W=1, sparse over drivers/vfio, whole kernel)"
		"$here/scripts/per-patch-build.sh" "$tree" "$obj" | record
	fi
	# the fixes for stock 5.10 (Cc: stable, or a backport): each alone on
	# the plain base, drivers/vfio with W=1
	step stable-alone "each stable fix applies to the base alone and builds"
	"$here/scripts/stable-alone.sh" "$tree" "$build/obj-stable" "$here/patches" | record
	# what a build robot reports: clang W=1 and coccicheck over
	# drivers/vfio, the base against the top (CHECK_LINT=0 leaves it out)
	if [ "${CHECK_LINT:-1}" = 1 ]; then
		step lint "clang W=1 and coccicheck of drivers/vfio (make lint)"
		"$here/scripts/lint.sh" "$tree" "$build/obj-clang" | record
	fi
fi

step kernel-again "the debug kernel at the top of the series (built above unless the tree moved)"
if "$here/scripts/build-kernel.sh" "$tree" "$obj"; then
	echo "PASS build:kernel" | record
	[ -n "$debug_started" ] || debug_guest_start
else
	{ echo "FAIL build:kernel  (see $obj/build.log)"
	  grep -E '(error|warning):|undefined reference' "$obj/build.log" | head -n 10 | sed 's/^/    /'
	} | record
fi

# The stress programs, on a kernel with generic KASAN as well as the debug
# options (config/kasan.config): memory errors that SLUB's checks would
# miss; the fail-nth program, which needs that kernel's fault injection;
# and the failed-resume program: the error paths under KASAN.  Result
# names get a "kasan:" prefix.  CHECK_KASAN=0 runs them on the debug
# kernel instead.
if [ -n "${stress:-}" ]; then
	step kasan-kernel "KASAN kernel: the stress tests, fail-nth and the failed resume"
	kobj=$build/obj-kasan
	if KERNEL_FRAGMENTS="kernel.config debug.config tests.config kasan.config" \
		"$here/scripts/build-kernel.sh" "$tree" "$kobj"; then
		echo "PASS build:kernel-kasan" | record
		# the failed-resume program needs the selftests' module built for
		# this kernel
		if ! kmod=$(selftests_module "$tree" "$kobj"); then
			fail_step "build:selftests-module-kasan  (see $kobj/selftests-mod.log)"
			kmod=
		fi
		# the KASAN guest starts once the debug guest is done: one guest
		# beside the steps after it (distro-check, the VMM runs)
		guest_results debug
		step kasan-guest-start "the KASAN kernel's guest, started (beside the steps after it)"
		if "$here/scripts/mkinitramfs.sh" "$build/initramfs-kasan.cpio.gz" $stress $kmod; then
			# slub_debug: SLUB_DEBUG_ON's checks, and failslab's mark on
			# every cache but ACPICA's (vfio_pci_fail_nth_test says why);
			# its three slowest scenarios (a hundred tries and more each)
			# are left to make stress, as are all but 500 of the
			# four-thread PMCSR race's 2,000 writes per thread (13 minutes
			# of the guest's 32 under a cold make check; CHECK_STRESS_LOOPS)
			guest_start kasan "$(suite_field kasan prefix)" "$kobj/arch/x86/boot/bzImage" \
				"$build/initramfs-kasan.cpio.gz" "$build/console-kasan.log" \
				"${QEMU_TIMEOUT:-$(suite_field kasan timeout)}" \
				EXTRA_CMDLINE="$(suite_field kasan cmdline)"
		else
			fail_step "kasan:initramfs"
		fi
	else
		fail_step "build:kernel-kasan  (see $kobj/build.log)"
	fi
fi

guest_results debug

# The DKMS package on Debian 11's own kernels (make distro-check): the
# same selftests, on Debian's kernel images with the modules DKMS built.
# CHECK_DISTRO=0 leaves it out.
if [ "${CHECK_DISTRO:-1}" = 1 ] && [ -s "$here/patches/series" ]; then
	step distro "Debian 11 kernels with the DKMS package (make distro-check)"
	"$here/scripts/deps.sh" @dkms @distro
	# (no tee /dev/stderr: when stderr is a file, that truncates it)
	dkms_out=$("$here/scripts/mkdkms.sh" "$build" "$tree")
	echo "$dkms_out"
	deb=$(tail -n 1 <<<"$dkms_out")
	if [ -f "$deb" ]; then
		echo "PASS dkms:package  ($(basename "$deb"))" | record
		if [ -x "$build/tests/vfio_pci_basic_test" ]; then
			# the package's build on Debian 11 is make distro-check's alone
			# the PMCSR race at 100 writes per thread on each Debian
			# kernel (make distro-check: 500; 8 of its boots' 22 minutes)
			DISTRO_STRESS_LOOPS=${DISTRO_STRESS_LOOPS:-100} \
			DISTRO_SUMMARY=0 DISTRO_DEB_BUILD=0 sub_target "$build/distro-check.log" "$build/distro/results.txt" \
				"$here/scripts/distro-check.sh" "$build" "$tree" "$cache" "$build/tests" "$deb"
		else
			fail_step "distro-check  (no selftests in $build/tests)"
		fi
	else
		fail_step "dkms:package  (see $build/dkms/build.log)"
	fi
fi

if [ -n "$qemu_pid" ]; then
	step qemu-wait "waiting for QEMU 10.0.2 + qemu-patches/ (log: $build/qemu-build.log)"
	while ! wait_for "$qemu_pid" 30; do
		echo "  ... qemu: $(grep -E '^ *\.\.\. |qemu' "$build/qemu-build.log" | tail -n 1 | sed 's/^ *//' | cut -c1-150)"
	done
	if wait "$qemu_pid"; then
		echo "PASS build:qemu-pr3  ($("$qobj/qemu-system-x86_64" --version | head -n 1), qemu-patches/)" | record
	else
		fail_step "build:qemu-pr3  (see $build/qemu-build.log)"
		tail -n 20 "$build/qemu-build.log" | sed 's/^/    /' | record
	fi
	qemu_pid=
fi

# A real VMM in the test machine, make vmm-check's short part
# (config/vmm.env, VMM_RUNS_check): the harness's QEMU 10 on the series'
# kernel, Debian 11's QEMU 5.2 on each Debian kernel make distro-check
# booted, with its DKMS modules.  CHECK_VMM=0 leaves it out.
if [ "${CHECK_VMM:-1}" = 1 ] && [ -f "$build/obj/arch/x86/boot/bzImage" ]; then
	step vmm "a real VMM in the test machine (make vmm-check's short part)"
	VMM_SET=check sub_target "$build/vmm-check.log" "$build/vmm/results.txt" \
		"$here/scripts/vmm-check.sh" "$build" "$cache"
fi

guest_results kasan
step_end
stamp_output "$results" "make check"	# results.txt complete; for make docs
results_json "$results" "$build/results.json"
mv "$TIMINGS" "$build/timings-$state.txt" && stamp_output "$build/timings-$state.txt" "make check"
echo
echo "== $(date -u +%H:%M:%S) check took $((SECONDS - start)) s"
echo "Time of each step ($state: $build/timings-$state.txt, docs/measured/timings.md after make docs):"
print_timings "$build/timings-$state.txt"
summarize "$results"
