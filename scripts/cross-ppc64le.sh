#!/bin/bash
# make cross-ppc64le: build drivers/vfio of the top of the series for
# ppc64le (POWER, powernv) with CONFIG_VFIO_PCI_NVLINK2, the 5.10-only
# NVLink2 code that x86 never compiles, with W=1; warnings over the base's
# fail.  Needs Debian's gcc-powerpc64le-linux-gnu (installed if missing).
# usage: cross-ppc64le.sh BUILD TREE
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
build=$1 tree=$(cd "$2" && pwd)
"$here/scripts/deps.sh" gcc-powerpc64le-linux-gnu || exit 1
obj=$build/obj-ppc64le
mkdir -p "$obj" && obj=$(cd "$obj" && pwd)
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
make=(make -C "$tree" O="$obj" -j"$(nproc)" ARCH=powerpc
      CROSS_COMPILE=powerpc64le-linux-gnu- CC="ccache powerpc64le-linux-gnu-gcc")
frag=$obj/vfio.config
printf '%s\n' CONFIG_PPC_POWERNV=y CONFIG_IOMMU_SUPPORT=y CONFIG_SPAPR_TCE_IOMMU=y \
	CONFIG_VFIO=y CONFIG_VFIO_PCI=y CONFIG_VFIO_PCI_NVLINK2=y CONFIG_VFIO_IOMMU_SPAPR_TCE=y \
	CONFIG_PM=y >"$frag"
run_logged "ppc64le: configuring (ppc64le_defconfig + VFIO_PCI_NVLINK2)" "$obj/config.log" \
	kconfig_merge "$tree" "$obj" ppc64le_defconfig "$frag" || exit 1
grep -qx 'CONFIG_VFIO_PCI_NVLINK2=y' "$obj/.config" ||
	{ echo "FAIL cross:ppc64le  (CONFIG_VFIO_PCI_NVLINK2 did not stick)"; exit 1; }
warn() { # commit -> sorted warnings of drivers/vfio
	git -C "$tree" checkout -q "$1" &&
	"${make[@]}" W=1 drivers/vfio/ >"$obj/vfio-$2.log" 2>&1 || return 1
	grep -E '(warning|error):' "$obj/vfio-$2.log" |
		sed -E 's|^(\.\./)?[^ ]*/(drivers/vfio/[^:]*):[0-9]+(:[0-9]+)?:|\2:|' | sort
}
branch=$(git -C "$tree" symbolic-ref -q --short HEAD || git -C "$tree" rev-parse HEAD)
run_logged "ppc64le: preparing the build" "$obj/prepare.log" "${make[@]}" prepare || exit 1
basew=$(warn base base) || { echo "FAIL cross:ppc64le  (base does not build, $obj/vfio-base.log)"; git -C "$tree" checkout -q "$branch"; exit 1; }
topw=$(warn "$branch" top); rc=$?
git -C "$tree" checkout -q "$branch"
if [ "$rc" != 0 ]; then
	echo "FAIL cross:ppc64le  (drivers/vfio does not build, see $obj/vfio-top.log)"
	grep -E 'error' "$obj/vfio-top.log" | head -n 10 | sed 's/^/    /'
	exit 1
fi
new=$(comm -13 <(echo "$basew") <(echo "$topw"))
if [ -n "$new" ]; then
	echo "FAIL cross:ppc64le  (new W=1 warnings)"; echo "$new" | head | sed 's/^/    /'; exit 1
fi
echo "PASS cross:ppc64le  (drivers/vfio with VFIO_PCI_NVLINK2, W=1, no new warning)"
