#!/bin/bash
# Configure (config/qemu-src.env's QEMU_CONFIGURE, only qemu-system-x86_64)
# and build QEMU out of tree in OBJDIR with ccache and meson from the
# download cache; later runs rebuild only what changed.  It runs
# under flock BUILD_LOCK (default /work/.buildlock when it exists: machines
# shared with kernel builds) with -j QEMU_JOBS (default: the cores).
# usage: build-qemu.sh TREE OBJDIR CACHE
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
. "$here/config/qemu-src.env"
tree=$(cd "$1" && pwd) obj=$2 cache=$3
"$here/scripts/deps.sh" @qemu
meson=$("$here/scripts/fetch-qemu-src.sh" "$cache" | tail -n 1)
mkdir -p "$obj" && obj=$(cd "$obj" && pwd)
export PYTHONPATH=$meson/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}
export CCACHE_BASEDIR=$(dirname "$tree") CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
lock=${BUILD_LOCK-/work/.buildlock}
# the whole build under the lock: a second make qemu waits here, before
# it touches the object directory or its logs
if [ -n "$lock" ] && [ -e "$(dirname "$lock")" ]; then
	exec 9>>"$lock"
	flock 9
fi
jobs=${QEMU_JOBS:-$(nproc)}
# the +ds repack has no firmware blobs but QEMU's meson unpacks edk2's
# whenever it finds bzip2: configure and build with a PATH of every
# program but bzip2 (a directory of links, made again when PATH changes)
nobz=$obj.path
if [ "$(cat "$nobz/.path" 2>/dev/null)" != "$PATH" ]; then
	rm -rf "$nobz" && mkdir -p "$nobz"
	IFS=: read -ra dirs <<<"$PATH"
	for d in "${dirs[@]}"; do
		for f in "$d"/*; do
			b=${f##*/}
			[ "$b" != bzip2 ] && [ -x "$f" ] && [ ! -e "$nobz/$b" ] && ln -s "$f" "$nobz/$b"
		done
	done
	echo "$PATH" >"$nobz/.path"
fi
export PATH=$nobz
# reconfigure when the options change (or it never finished)
sum=$(echo "$QEMU_CONFIGURE $meson" | sha256sum)
stamp=$obj/.configure-options
if [ ! -f "$obj/build.ninja" ] || [ "$sum" != "$(cat "$stamp" 2>/dev/null)" ]; then
	rm -rf "$obj" && mkdir -p "$obj"
	# the configure's venv sees meson through PYTHONPATH (no download)
	run_logged "qemu: configuring ($QEMU_CONFIGURE)" "$obj/../$(basename "$obj")-configure.log" \
		bash -c "cd $(printf %q "$obj") && $(printf %q "$tree")/configure --cc='ccache gcc' \
			--host-cc='ccache gcc' --disable-download --disable-install-blobs --python=python3 $QEMU_CONFIGURE"
	echo "$sum" >"$stamp"
fi
run_logged "qemu: building qemu-system-x86_64 in $obj (-j$jobs, flock ${lock:-none})" "$obj/build.log" \
	ninja -C "$obj" -j"$jobs" qemu-system-x86_64
"$obj/qemu-system-x86_64" --version | head -n 1
