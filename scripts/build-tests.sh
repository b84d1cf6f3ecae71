#!/bin/bash
# Install the tree's uapi headers and build, as static programs, the vfio
# selftests (when the tree has them) and the demo program into OUTDIR.
# usage: build-tests.sh TREE OBJDIR OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
tree=$(cd "$1" && pwd) obj=$(cd "$2" && pwd) out=$3
mkdir -p "$out" && out=$(cd "$out" && pwd)
rm -f "$out"/*
run_logged "tests: installing uapi headers" "$obj/headers.log" \
	make -C "$tree" O="$obj" headers_install INSTALL_HDR_PATH="$obj/usr"
hdr="-isystem $obj/usr/include"
st=$tree/tools/testing/selftests/vfio
if [ -f "$st/Makefile" ]; then
	run_logged "tests: building $st" "$obj/selftests.log" \
		make -C "$st" OUTPUT="$out" KHDR_INCLUDES="$hdr"
fi
# the selftests' helper module, built out of the source tree
kmod=$(selftests_module "$tree" "$obj")
[ -z "$kmod" ] || install -m 755 $kmod "$out/"
# the admin's tool the series adds (vfio_pci_status_test runs it from here)
if [ -f "$tree/tools/vfio/vfio-pm-status.sh" ]; then
	install -m 755 "$tree/tools/vfio/vfio-pm-status.sh" "$out/vfio-pm-status"
fi
run_logged "tests: building the demo program" "$obj/demo.log" \
	gcc -Wall -Wextra -O2 -static $hdr -o "$out/vfio_lowpower_demo" "$here/guest/demo.c"
# keep only what runs in the guest: programs and scripts
find "$out" -maxdepth 1 -type f ! -perm -u+x -delete
find "$out" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
echo "tests: $(ls "$out" | tr '\n' ' ')"
