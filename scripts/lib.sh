# Shared by the harness scripts: run a long step with its output in a log,
# a progress line every 30 s, and the relevant log lines if it fails.
# usage: run_logged "what" LOGFILE command...
run_logged() {
	local what=$1 log=$2 start=$SECONDS pid rc
	shift 2
	mkdir -p "$(dirname "$log")"
	echo "$what (log: $log)"
	"$@" >"$log" 2>&1 &
	pid=$!
	while ! wait_for "$pid" 30; do
		echo "  ... $what: $((SECONDS - start)) s, $(wc -l <"$log") log lines, last: $(tail -n 1 "$log" | cut -c1-100)"
	done
	wait "$pid" && rc=0 || rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAILED: $what (exit $rc). Relevant lines of $log:" >&2
		{ grep -nE '(error|warning):|Error [0-9]|undefined reference|No rule|\*\*\*' "$log" | head -n 40
		  echo "  --- last lines ---"; tail -n 15 "$log"; } | sed 's/^/  | /' >&2
		return "$rc"
	fi
	echo "  done: $what in $((SECONDS - start)) s"
}

# wait_for PID SECONDS: true once PID has exited, false after SECONDS
wait_for() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.5
	done
	! kill -0 "$1" 2>/dev/null
}

# stamp_output FILE CMD: record what produced a measurement, in FILE.meta
# (read by scripts/docs.sh for docs/measured/): the date, the project's
# commit (and whether tracked files had uncommitted changes), the number
# of patches in patches/series, the command with the knobs set in the
# environment, and how long the calling script had run (STAMP_ELAPSED,
# in seconds, when the caller timed it itself).  Never fails.
stamp_output() {
	local file=$1 cmd=$2 top commit patches knobs= v
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null) || commit="not recorded"
	if [ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		commit="$commit (with uncommitted changes)"
	fi
	patches=$(grep -c . "$top/patches/series" 2>/dev/null)
	for v in KSRC ONLY CHECK_LINT CHECK_KASAN CHECK_DISTRO CHECK_VMM CHECK_PARALLEL DISTRO_SECURE_BOOT DISTRO_STRESS_LOOPS \
		 QEMU_BIN QEMU_TIMEOUT TCG_THREAD DISTRO_TCG_THREAD ROUNDS BENCH_BOOTS PARITY_RUNS STRESS_TESTS \
		 VMM_RUNS VMM_SET VMM_IDLE_S POWER_LOST_KERNEL; do
		[ -n "${!v:-}" ] && knobs="$knobs$v=${!v} "
	done
	{ echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	  echo "commit: $commit"
	  echo "patches: ${patches:-0}"
	  echo "command: $knobs$cmd"
	  echo "elapsed: ${STAMP_ELAPSED:-${SECONDS:-0}} s"
	} >"$file.meta" 2>/dev/null || true
	return 0
}

# series_hash PATCHDIR: a hash of the series' patch files in series order
# (scripts/mktree.sh keeps a tree whose branch 'series' was applied from,
# or exported to, the same hash)
series_hash() {
	(cd "$1" && grep -vE '^(#|$)' series | xargs -r cat) | sha256sum | cut -d' ' -f1
}

# sync_series TREE PATCHDIR BRANCH WHO: make TREE's BRANCH exactly
# PATCHDIR's series on the tag "base" (scripts/mktree.sh: the kernel,
# patches/, branch series; scripts/mkqemu-tree.sh: QEMU, qemu-patches/,
# branch pr3).  A tree whose clean BRANCH was applied from, or exported to
# (scripts/export.sh), the same series (the stamp .git/vfio-lowpower-series)
# is kept.  Otherwise the series is applied again (git am takes author and
# date from each patch: the same patches give the same commit ids), the old
# branch kept as BRANCH.prev; uncommitted changes refuse (exit 1).
sync_series() {
	local tree pdir br=$3 who=$4 want head stamp n
	tree=$(cd "$1" && pwd) && pdir=$(cd "$2" && pwd) || return 1
	want=$(series_hash "$pdir")
	stamp=$(git -C "$tree" rev-parse --absolute-git-dir)/vfio-lowpower-series
	(
		cd "$tree" || exit 1
		git am --abort >/dev/null 2>&1 || true
		head=$(git rev-parse -q --verify "$br" || true)
		if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want $head" ] &&
		   [ "$(git symbolic-ref -q --short HEAD)" = "$br" ] &&
		   [ -z "$(git status --porcelain --untracked-files=no)" ]; then
			echo "$who: $tree holds $(basename "$pdir")/ (FORCE=1 to recreate it)"
			exit 0
		fi
		if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
			echo "$who: $tree has uncommitted changes: commit (and export) or discard them first" >&2
			git status --short --untracked-files=no | head -n 10 >&2
			exit 1
		fi
		if [ -n "$head" ]; then
			git branch -f "$br.prev" "$head"
			echo "$who: $tree's branch '$br' is not $(basename "$pdir")/ ($(basename "$pdir")/ changed," \
			     "or commits not exported); it is kept as '$br.prev', applying $(basename "$pdir")/ again"
		fi
		git checkout -q -B "$br" base
		n=$(am_series "$pdir" "$who") || exit 1
		echo "$want $(git rev-parse HEAD)" >"$stamp"
		echo "$who: $tree is base + $n patches (branch '$br', tag 'base')"
	)
}

# Step timings: "step NAME TITLE..." ends the step before (if any) and
# starts NAME, printing "== HH:MM:SS TITLE"; step_end ends the last one.
# Each ended step appends "NAME SECONDS" to $TIMINGS (when set); print_timings
# FILE shows such a file as a table.  scripts/docs.sh makes
# docs/measured/timings.md of them.
step() {
	step_end
	STEP_NAME=$1 STEP_T=$SECONDS
	shift
	echo "== $(date -u +%H:%M:%S) $*"
}
step_end() {
	if [ -n "${STEP_NAME:-}" ] && [ -n "${TIMINGS:-}" ]; then
		echo "$STEP_NAME $((SECONDS - STEP_T))" >>"$TIMINGS"
	fi
	STEP_NAME=
}
# (a line "NAME SECONDS beside" is a background job's own time, which
# overlapped the steps after its start: not part of the total)
print_timings() {
	awk '/^#/ || NF < 2 { next }
	     { printf "  %-28s %5d s  (%d min %02d s)%s\n", $1, $2, $2 / 60, $2 % 60,
		      $3 == "beside" ? ", beside the steps after it" : "" }
	     $3 != "beside" { t += $2 }
	     END { printf "  %-28s %5d s  (%d min %02d s)\n", "total", t, t / 60, t % 60 }' "$1"
}

# results_json IN OUT: the result lines of IN ("PASS|FAIL|SKIP name  (why)"
# with their indented detail) as a JSON array for other tools:
# [{"name": ..., "result": "pass|fail|skip", "why": ..., "detail": [...]}]
results_json() {
	awk 'function esc(s) { gsub(/\\/, "\\\\\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s)
			       gsub(/[\001-\037]/, "", s); return s }
	     function flush() { if (n) printf "%s\n  {\"name\": \"%s\", \"result\": \"%s\", \"why\": \"%s\", \"detail\": [%s]}",
					     (n > 1 ? "," : ""), esc(name), res, esc(why), det }
	     BEGIN { printf "[" }
	     /^(PASS|FAIL|SKIP) / { flush(); n++; res = tolower($1); name = $2; why = $0
				     sub(/^[A-Z]+ [^ ]+ */, "", why); sub(/^\(/, "", why); sub(/\)$/, "", why)
				     det = ""; next }
	     /^    / && n { s = $0; sub(/^    /, "", s); det = det (det == "" ? "" : ", ") "\"" esc(s) "\""; next }
	     END { flush(); print "\n]" }' "$1" >"$2"
}

# am_series PATCHDIR WHO: git am, in the current git tree, each patch of
# PATCHDIR/series in order (the committer date from each patch, so the
# same patches always give the same commit ids); prints how many.  On a
# patch that does not apply: what failed, the am aborted, non-zero.
am_series() {
	local pdir=$1 who=$2 n=0 p
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		git am -q --committer-date-is-author-date "$pdir/$p" || {
			echo "$who: git am failed on $p" >&2
			git am --show-current-patch=diff 2>/dev/null | head -20 >&2
			git am --abort
			return 1
		}
		n=$((n + 1))
	done < <([ -f "$pdir/series" ] && cat "$pdir/series")
	echo "$n"
}

# new_warnings RESULT BASE.warn THIS.warn WHAT: true when THIS has no
# warning line BASE lacks; otherwise prints "FAIL RESULT  (new WHAT)" with
# the first ten of them
new_warnings() {
	local new
	new=$(comm -13 "$2" "$3")
	[ -n "$new" ] || return 0
	echo "FAIL $1  (new $4)"
	echo "$new" | head -n 10 | sed 's/^/    /'
	return 1
}

# in_root COMMAND...: COMMAND in the Debian root file system $root
# (chroot, a clean environment, apt non-interactive)
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# vmm_latencies LOG HOST: the x-pr3 latencies a vfio_vmm_test console LOG
# reports ("latency-off 530 ms ..."), one "HOST latency-NAME MS" a line
vmm_latencies() {
	grep -aoE 'latency-[a-z]+ [0-9]+ ms' "$1" | sed "s/ ms\$//; s/^/$2 /"
}

# console_results LOG PREFIX: the results of a guest's console LOG
# (scripts/parse-console.awk: every TAP and KTAP result, and a FAIL for a
# program cut off, a kernel report, a guest that never ended), their
# names prefixed with PREFIX
console_results() {
	awk -f "$(dirname "${BASH_SOURCE[0]}")/parse-console.awk" "$1" |
		sed -E "s/^(PASS|FAIL|SKIP) /\1 $2/"
}

# summarize RESULTS: each FAIL of RESULTS with its detail lines, then
# "N passed, N failed, N skipped"; false when one failed
summarize() {
	local pass fail skip
	pass=$(grep -c '^PASS ' "$1") fail=$(grep -c '^FAIL ' "$1") skip=$(grep -c '^SKIP ' "$1")
	if [ "$fail" != 0 ]; then
		echo "Failures:"
		awk '/^FAIL / { show = 1; print; next } /^    / && show { print; next } { show = 0 }' \
			"$1" | sed 's/^/  /'
	fi
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
}

# config/suites: the guests that run the selftests, one line each.
# suite_field SUITE COLUMN: COLUMN (targets, kernel, programs, timeout,
# prefix, cmdline) of SUITE's line; "-" reads as nothing.  The cmdline's
# ${...} are expanded in the caller's variables, and the user's
# EXTRA_CMDLINE follows it.  An unknown suite or column: a message, false.
suite_field() {
	local v
	case $2 in targets|kernel|programs|timeout|prefix|cmdline) ;;
	*) echo "suite_field: no column '$2' in config/suites" >&2; return 1 ;;
	esac
	v=$(awk -v s="$1" -v c="$2" '
		/^#/ || $1 != s { next }
		{ n = split("suite targets kernel programs timeout prefix", col, " ")
		  for (i = 1; i <= n; i++) if (col[i] == c) { print $i; exit }
		  if (c == "cmdline") { s = $0
			for (i = 1; i <= 6; i++) sub(/^[ \t]*[^ \t]+/, "", s)
			sub(/^[ \t]+/, "", s); print s; exit } }' \
		"$(dirname "${BASH_SOURCE[0]}")/../config/suites")
	if [ -z "$v" ]; then
		echo "suite_field: no suite '$1' in config/suites" >&2
		return 1
	fi
	[ "$v" != - ] || v=
	if [ "$2" = cmdline ]; then
		eval "v=\"$v\"" || return 1
		[ -z "${EXTRA_CMDLINE:-}" ] || v=${v:+$v }$EXTRA_CMDLINE
	fi
	printf '%s\n' "$v"
}

# suite_programs SUITE DIR: the paths of DIR's selftest programs
# (vfio_pci_*_test) that SUITE runs, one a line
suite_programs() {
	local spec f n
	spec=$(suite_field "$1" programs) || return 1
	for f in "$2"/vfio_pci_*_test; do
		[ -e "$f" ] || continue
		n=${f##*/vfio_pci_}; n=${n%_test}
		case $spec in
		'*') ;;
		-*) [[ ",${spec#-}," != *",$n,"* ]] || continue ;;
		*) [[ ",$spec," == *",$n,"* ]] || continue ;;
		esac
		echo "$f"
	done
}

# selftests_module TREE OBJ: the selftests' helper module
# (tools/testing/selftests/vfio/pm_disable) built out of the source tree
# against the kernel in OBJ; prints its path (nothing when the tree has no
# module or the kernel none), its progress on stderr; false when the
# build fails (log: OBJ/selftests-mod.log)
selftests_module() {
	local src=$1/tools/testing/selftests/vfio/pm_disable obj
	[ -f "$src/Makefile" ] && grep -qx 'CONFIG_MODULES=y' "$2/.config" || return 0
	obj=$(cd "$2" && pwd) || return 1
	rm -rf "$obj/selftests-mod" && cp -r "$src" "$obj/selftests-mod" &&
	run_logged "tests: building the selftests' module for $obj" "$obj/selftests-mod.log" \
		make -C "$1" O="$obj" M="$obj/selftests-mod" CC="ccache gcc" modules >&2 &&
	ls "$obj"/selftests-mod/*.ko
}

# private_apt DIR LINE...: an apt configuration of its own under DIR
# (lists, cache and an empty dpkg status there; the machine's sources and
# state are never read nor changed), its sources.list the LINEs (the lists
# dropped when they change); sets the array apt_opts for apt-get and
# apt-cache
private_apt() {
	local dir=$1
	shift
	mkdir -p "$dir"/lists/partial "$dir"/archives/partial
	[ -f "$dir/status" ] || : >"$dir/status"
	printf '%s\n' "$@" >"$dir/sources.list.new"
	cmp -s "$dir/sources.list.new" "$dir/sources.list" ||
		rm -f "$dir/lists/"*_Packages* "$dir/lists/"*Release*
	mv "$dir/sources.list.new" "$dir/sources.list"
	apt_opts=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		  -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir" -o Dir::State::Status="$dir/status"
		  -o Debug::NoLocking=1 -o APT::Sandbox::User=root -q)
}

# kconfig_merge TREE OBJ BASE FRAGMENT...: OBJ/.config from make's BASE
# target (tinyconfig, ppc64le_defconfig), the FRAGMENTs merged into it,
# then olddefconfig; "make" is the caller's array (make -C TREE O=OBJ and
# its compiler)
kconfig_merge() {
	local tree=$1 obj=$2 base=$3
	shift 3
	"${make[@]}" "$base" &&
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" "$@") &&
	"${make[@]}" olddefconfig
}

# The Debian 11 root file systems (make distro-check's; make vmm-check's,
# for QEMU 5.2 and the nested guest's kernel).  bullseye_root ROOT CACHE
# LOGDIR makes ROOT afresh from the minbase debootstrap tarball cached in
# CACHE (debootstrapped from the apt configuration's mirror first when
# there is none), mounts what apt and chroot need (proc, sys, dev,
# dev/pts, CACHE's package archive) and keeps services from starting;
# false, with what to do, when bullseye cannot be fetched.
# umount_root ROOT takes the mounts back.
umount_root() {
	local m
	for m in var/cache/apt/archives dev/pts dev proc sys; do
		! mountpoint -q "$1/$m" || umount -l "$1/$m"
	done
	return 0
}
bullseye_root() {
	local root=$1 cache=$2 logs=$3 tarball=$2/bullseye-minbase-amd64.tar.gz mirror tmp
	if [ ! -s "$tarball" ]; then
		mirror=$("$(dirname "${BASH_SOURCE[0]}")/mirror.sh" main) || return 1
		tmp=$logs/debootstrap
		rm -rf "$tmp"
		if run_logged "debootstrap bullseye from $mirror" "$logs/debootstrap.log" \
			debootstrap --variant=minbase --arch=amd64 bullseye "$tmp" "$mirror"; then
			rm -f "$tmp"/var/cache/apt/archives/*.deb
			tar -C "$tmp" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
		fi
		rm -rf "$tmp"
		if [ ! -s "$tarball" ]; then
			echo "debootstrap could not fetch bullseye from $mirror (log: $logs/debootstrap.log):" \
			     "set MIRROR= to a mirror that still has it (an archive mirror once bullseye" \
			     "left the regular ones)" >&2
			return 1
		fi
	fi
	umount_root "$root"
	rm -rf "$root" && mkdir -p "$root" && tar -C "$root" -xzf "$tarball" &&
	mkdir -p "$cache/distro-archives/partial" &&
	mount -t proc proc "$root/proc" && mount --bind /sys "$root/sys" &&
	mount --bind /dev "$root/dev" && mount --bind /dev/pts "$root/dev/pts" &&
	mount --bind "$cache/distro-archives" "$root/var/cache/apt/archives" || return 1
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
}
