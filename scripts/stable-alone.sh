#!/bin/bash
# What a stable maintainer checks of the series' fixes for stock 5.10: each
# patch whose message carries "Cc: stable@vger.kernel.org", or is a
# backport ("commit <id> upstream."), applies to the
# plain base on its own (git am in a scratch worktree at the tag 'base')
# and drivers/vfio then builds with W=1, no warning beyond the base's.
# A fix that needs an earlier one says so in its message, 'This applies
# to stock 5.10 after "<subject of the prerequisite>"' (5.10's checkpatch
# refuses the stable rules' "Cc: stable@vger.kernel.org # ..." form); the
# prerequisite is applied first.
# Prints one result line per such patch.  The scratch worktree and its
# build directory (OBJ, configured like the test kernel) are kept for the
# next run; ccache makes a rerun cheap.
# usage: stable-alone.sh TREE OBJ PATCHDIR
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
tree=$(cd "$1" && pwd) obj=$2 pdir=$(cd "$3" && pwd)
mkdir -p "$obj"
obj=$(cd "$obj" && pwd)
wt=$obj/tree
export CCACHE_BASEDIR=$obj CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
make=(make -C "$wt" O="$obj/build" -j"$(nproc)" CC="ccache gcc" HOSTCC="ccache gcc")

# a worktree of TREE at the base (made anew when TREE was recreated)
if ! git -C "$wt" rev-parse -q --verify base >/dev/null 2>&1 ||
   [ "$(git -C "$wt" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)" != "$(git -C "$tree" rev-parse --path-format=absolute --git-common-dir)" ]; then
	rm -rf "$wt"
	git -C "$tree" worktree prune
	git -C "$tree" worktree add -q --detach "$wt" base || {
		echo "FAIL stable-alone:worktree  (cannot add a worktree of $tree at $wt)"; exit 0; }
fi
# back to the plain base, whatever an interrupted run left
reset_base() { git -C "$wt" am --abort >/dev/null 2>&1; git -C "$wt" checkout -q --detach base &&
	       git -C "$wt" reset -q --hard base && git -C "$wt" clean -qfd; }
trap reset_base EXIT
reset_base || { echo "FAIL stable-alone:worktree  (cannot reset $wt to base)"; exit 0; }

if [ ! -f "$obj/build/.config" ]; then
	mkdir -p "$obj/build"
	run_logged "stable-alone: configuring the base (tinyconfig + config/*.config)" "$obj/config.log" \
		bash -c "$(printf '%q ' "${make[@]}") tinyconfig &&
			 cd $(printf %q "$wt") && scripts/kconfig/merge_config.sh -m -O $(printf %q "$obj/build") \
			 $(printf '%q ' "$here"/config/*.config) >/dev/null &&
			 $(printf '%q ' "${make[@]}") olddefconfig" ||
		{ echo "FAIL stable-alone:configure  (see $obj/config.log)"; exit 0; }
fi
# a patch file's subject, unfolded, without its "[PATCH n/m] "
subject_of() {
	awk '/^Subject:/ { s = $0; while ((getline l) > 0 && l ~ /^ /) s = s l; print s; exit }' "$1" |
		sed -E 's/^Subject: (\[[^]]*\] )?//'
}
# warnings in drivers/vfio without line numbers, one per line; every file
# compiled again (an object left from the last run would hide its
# warnings from the base's list)
warnings() {
	find "$obj/build/drivers/vfio" -name '*.o' -delete 2>/dev/null
	"${make[@]}" W=1 drivers/vfio/ >"$1.log" 2>&1 || return 1
	grep -E '(warning|error):' "$1.log" |
		sed -nE 's|^(\.\./)?[^ ]*/(drivers/vfio/[^:]*):[0-9]+(:[0-9]+)?:|\2:|p' | sort >"$1.warn"
}
run_logged "stable-alone: drivers/vfio at the base (W=1)" "$obj/base.run.log" warnings "$obj/base" ||
	{ echo "FAIL stable-alone:base  (see $obj/base.log)"; exit 0; }

while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	grep -qE '^(Cc: stable@vger\.kernel\.org|commit [0-9a-f]{40} upstream\.)' "$pdir/$p" || continue
	name=${p%.patch}
	reset_base
	# the prerequisites it names, by subject, then the patch itself
	files=() with=
	while read -r subj; do
		[ -n "$subj" ] || continue
		f=
		while read -r q; do
			[ "$(subject_of "$pdir/$q")" = "$subj" ] && { f=$pdir/$q; break; }
		done <"$pdir/series"
		[ -n "$f" ] || { echo "FAIL stable-alone:$name  (no patch \"$subj\" in the series)"; continue 2; }
		files+=("$f") with="$with ${f##*/}"
	done < <(sed -n '/^Subject:/,/^---$/p' "$pdir/$p" | tr '\n' ' ' | tr -s ' ' |
		 grep -oE 'applies to stock 5\.10 after "[^"]+"' | sed -E 's/.*after "(.*)"/\1/')
	if ! git -C "$wt" -c user.name=stable-alone -c user.email=harness@localhost \
		am -q "${files[@]}" "$pdir/$p" >"$obj/$name.am.log" 2>&1; then
		echo "FAIL stable-alone:$name  (does not apply to the base${with:+ with its prerequisites$with})"
		sed 's/^/    /' "$obj/$name.am.log" | head -n 5
		continue
	fi
	if ! run_logged "stable-alone: $name on the base" "$obj/$name.run.log" warnings "$obj/$name"; then
		echo "FAIL stable-alone:$name  (drivers/vfio does not build, see $obj/$name.log)"
		continue
	fi
	new_warnings "stable-alone:$name" "$obj/base.warn" "$obj/$name.warn" "W=1 warnings" || continue
	echo "PASS stable-alone:$name${with:+  (with$with)}"
done <"$pdir/series"
