#!/bin/bash
# make parity: the same test binaries on 5.10 without the series, 5.10 with
# it, and Debian's mainline 6.12, in the same QEMU machine.  Prints a table
# (also written to BUILD/parity.txt) whose last line is
# "parity: N agree, N differ, N expected" (5.10+series against mainline;
# "expected" counts the differences config/parity-expected explains: tests
# of fixes that go beyond mainline, PASS on the series and FAIL or SKIP on
# 6.12, and tests the test kernel's config leaves out, SKIP on the series
# and PASS on 6.12).
# usage: parity.sh BUILD TREE OBJ CACHE
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$1 tree=$2 obj=$3 cache=$4
out=$build/parity
mkdir -p "$out"
# config/suites' parity suite, and the helper module some of them load
. "$here/scripts/lib.sh"
tests=$(suite_programs parity "$build/tests"; ls "$build"/tests/*.ko "$build"/tests/vfio-pm-status 2>/dev/null)
[ -n "$tests" ] || { echo "parity: no test programs in $build/tests" >&2; exit 1; }

# 5.10 without the series: the base commit in a worktree of its own
base=$(cd "$build" && pwd)/linux-base
if [ ! -d "$base" ]; then
	git -C "$tree" worktree prune
	git -C "$tree" worktree add -q --detach "$base" base || exit 1
fi
"$here/scripts/build-kernel.sh" "$base" "$build/obj-base" || exit 1
"$here/scripts/fetch-mainline.sh" "$build/mainline" "$cache" || exit 1

"$here/scripts/mkinitramfs.sh" "$out/initramfs.cpio.gz" $tests || exit 1
MODULES="$(ls "$build"/mainline/modules/*.ko)" \
	"$here/scripts/mkinitramfs.sh" "$out/initramfs-ml.cpio.gz" $tests || exit 1

run() {	# name kernel initrd
	local rc=0
	# a guest that fails or hangs still has its results parsed: never the
	# table of an earlier run
	rm -f "$out/$1.txt"
	EXTRA_CMDLINE=$(suite_field parity cmdline) \
		"$here/scripts/run-qemu.sh" "$2" "$3" "$out/console-$1.log" check \
		"${QEMU_TIMEOUT:-$(suite_field parity timeout)}" || rc=1
	console_results "$out/console-$1.log" "$(suite_field parity prefix)" | grep -E '^(PASS|FAIL|SKIP) ' >"$out/$1.txt"
	# the timings the tests print: "# timing: name value unit", averaged
	awk '{ sub(/\r$/, "") } $2 == "timing:" { n[$3]++; s[$3] += $4; u[$3] = $5 }
	     END { for (k in n) printf "TIME timing:%s %.1f%s\n", k, s[k] / n[k], u[k] }' \
		"$out/console-$1.log" >>"$out/$1.txt"
	return $rc
}
rc=0
# PARITY_RUNS: the guests to boot (default all three); a column left out
# keeps the results of its last run
runs=" ${PARITY_RUNS:-base series mainline} "
want() { [[ $runs == *" $1 "* ]]; }
# stock 5.10's column is for reference: its known defects (the PMCSR
# race's double free, the VF open that never returns when the PF shares
# its IOMMU group) can keep its guest from ending; that fails nothing
want base && ! run base "$build/obj-base/arch/x86/boot/bzImage" "$out/initramfs.cpio.gz" &&
	echo "parity: the 5.10 guest did not end cleanly (its column is for reference; see $out/console-base.log)"
if want series; then run series "$obj/arch/x86/boot/bzImage" "$out/initramfs.cpio.gz" || rc=1; fi
if want mainline; then run mainline "$build/mainline/vmlinuz" "$out/initramfs-ml.cpio.gz" || rc=1; fi

awk -v expected="$here/config/parity-expected" '
	BEGIN { FS = " "
		while ((getline l < expected) > 0) {
			if (l ~ /^#/ || l == "") continue
			split(l, f, "\t"); why[f[1]] = f[2]
		} }
	FNR == 1 { k++ }
	{ name = $2; v = ($1 == "TIME") ? $3 : $1
	  if (!(name in seen)) { seen[name] = 1; order[++n] = name }
	  r[k, name] = v }
	END {
		printf "%-72s %-12s %-12s %-12s\n", "test", "5.10", "5.10+series", "6.12"
		for (i = 1; i <= n; i++) {
			t = order[i]
			for (j = 1; j <= 3; j++) c[j] = ((j, t) in r) ? r[j, t] : "-"
			printf "%-72s %-12s %-12s %-12s\n", t, c[1], c[2], c[3]
			if (t ~ /^timing:/ || c[2] == "-" || c[3] == "-")
				continue
			if (c[2] == c[3])
				agree++
			else if (t in why && ((c[2] == "PASS" && (c[3] == "FAIL" || c[3] == "SKIP")) ||
					      (c[2] == "SKIP" && c[3] == "PASS"))) {
				nexp++; expl = expl "\n  expected: " t " (" why[t] ")"
			} else {
				differ++; diff = diff "\n  differs: " t
			}
		}
		if (expl != "") print expl
		if (diff != "") print diff
		printf "parity: %d agree, %d differ, %d expected\n", agree, differ, nexp
	}' "$out/base.txt" "$out/series.txt" "$out/mainline.txt" | tee "$build/parity.txt"
# when each column's guest ran (PARITY_RUNS may have left some out)
for c in base:5.10 series:5.10+series mainline:6.12; do
	f=$out/${c%%:*}.txt
	[ -f "$f" ] && echo "  column ${c#*:}: its guest ran $(date -u -r "$f" '+%Y-%m-%d %H:%M UTC')"
done | tee -a "$build/parity.txt"
stamp_output "$build/parity.txt" "make parity"	# for make docs
grep -q ', 0 differ, [0-9]* expected$' "$build/parity.txt" || rc=1
exit $rc
