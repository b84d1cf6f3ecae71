#!/bin/bash
# Configure (tinyconfig + the fragments in config/) and build the kernel
# out of tree in OBJDIR with ccache; later runs rebuild only what changed.
# usage: build-kernel.sh TREE OBJDIR [extra make arguments]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
tree=$(cd "$1" && pwd) obj=$2
shift 2
mkdir -p "$obj" && obj=$(cd "$obj" && pwd)
# KERNEL_FRAGMENTS: the config/ fragments to use (make bench: kernel.config)
frags=()
for f in ${KERNEL_FRAGMENTS:-kernel.config debug.config tests.config}; do
	frags+=("$here/config/$f")
done
export CCACHE_BASEDIR=$(dirname "$tree") CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
make=(make -C "$tree" O="$obj" -j"$(nproc)" CC="ccache gcc" HOSTCC="ccache gcc")

# reconfigure when a fragment changes, or the series changes its Kconfig
sum=$(cat "${frags[@]}" "$tree"/drivers/vfio/Kconfig "$tree"/drivers/vfio/pci/Kconfig | sha256sum)
stamp=$obj/.config-fragments
# or an option of tests.config that this tree has went missing (a build of
# an older commit, e.g. by per-patch-build.sh, drops it from .config)
lost= tests=
[[ " ${frags[*]} " == *"/tests.config "* ]] && tests=$here/config/tests.config
for opt in $(grep -hE '^CONFIG_' $tests /dev/null); do
	sym=${opt%%=*}
	grep -qxF "$opt" "$obj/.config" 2>/dev/null && continue
	grep -rqsx "config ${sym#CONFIG_}" --include='Kconfig*' "$tree/drivers" "$tree/lib" && lost=1
done
if [ ! -f "$obj/.config" ] || [ -n "$lost" ] || [ "$sum" != "$(cat "$stamp" 2>/dev/null)" ]; then
	run_logged "kernel: configuring (tinyconfig + config/*.config)" "$obj/config.log" \
		kconfig_merge "$tree" "$obj" tinyconfig "${frags[@]}"
	# every option must stick, except tests.config's (absent before the series)
	missing=$(for f in "${frags[@]}"; do [ "$f" = "$tests" ] || grep -hE '^CONFIG_' "$f"; done |
		while read -r opt; do grep -qxF "$opt" "$obj/.config" || echo "$opt"; done)
	if [ -n "$missing" ]; then
		echo "FAILED: kernel config: these options did not stick (dependencies?):" >&2
		echo "$missing" | sed 's/^/  | /' >&2
		exit 1
	fi
	for opt in $(grep -hE '^CONFIG_' $tests /dev/null); do
		grep -qxF "$opt" "$obj/.config" || echo "kernel: note: $opt is not in this tree (series not applied?)"
	done
	echo "$sum" >"$stamp"
fi
# with modules, "modules" also writes Module.symvers for the selftests' module
targets=bzImage
grep -qx 'CONFIG_MODULES=y' "$obj/.config" && targets="bzImage modules"
run_logged "kernel: building $targets in $obj" "$obj/build.log" "${make[@]}" "$@" $targets
