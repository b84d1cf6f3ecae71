#!/bin/bash
# Fetch and verify what building QEMU from source needs (config/qemu-src.env),
# into CACHE/qemu-src/: Debian's orig tarball of QEMU, by its pool path on
# the mirror (size and sha256 checked), and bookworm-backports' meson
# through a private apt configuration (never the machine's own sources),
# its sha256 checked and unpacked with dpkg-deb -x (it runs from there
# through PYTHONPATH; Debian's own meson stays), with pycotap.  Prints two lines:
# the tarball's path and the unpacked meson root.
# usage: fetch-qemu-src.sh CACHE
set -euo pipefail
cache=$1
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
. "$here/config/qemu-src.env"
dir=$cache/qemu-src
mkdir -p "$dir"
mirror=$("$here/scripts/mirror.sh" main)
fail() {
	echo "qemu-src: $1" >&2
	echo "qemu-src: set MIRROR= to a Debian mirror that has $2 (config/qemu-src.env)" >&2
	exit 1
}
tarball=$dir/$QEMU_SRC_FILE
check_tarball() {
	[ "$(stat -c %s "$1" 2>/dev/null)" = "$QEMU_SRC_SIZE" ] &&
		echo "$QEMU_SRC_SHA256  $1" | sha256sum -c --quiet - >/dev/null 2>&1
}
if ! check_tarball "$tarball"; then
	echo "qemu-src: fetching $QEMU_SRC_POOL/$QEMU_SRC_FILE from $mirror (log: $dir/fetch.log)" >&2
	rm -f "$tarball" "$tarball.part"
	curl -fL --retry 3 -o "$tarball.part" "$mirror/$QEMU_SRC_POOL/$QEMU_SRC_FILE" >"$dir/fetch.log" 2>&1 ||
		{ tail -n 3 "$dir/fetch.log" >&2; fail "cannot download $QEMU_SRC_FILE" "$QEMU_SRC_POOL/$QEMU_SRC_FILE"; }
	check_tarball "$tarball.part" ||
		fail "$QEMU_SRC_FILE: size $(stat -c %s "$tarball.part") or sha256 differs from the pinned $QEMU_SRC_SIZE / $QEMU_SRC_SHA256" \
			"$QEMU_SRC_POOL/$QEMU_SRC_FILE"
	mv "$tarball.part" "$tarball"
fi
echo "$tarball"

meson=$dir/meson-$(echo "$MESON_DEBS" | awk 'NF { print $1 }' | sha256sum | cut -c1-12)
if [ ! -f "$meson/.done" ]; then
	apt=$dir/apt
	private_apt "$apt" "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $MESON_SUITE main"
	mkdir -p "$apt/debs"
	echo "qemu-src: fetching meson from $MESON_SUITE ($mirror, private lists in $apt)" >&2
	apt-get "${apt_opts[@]}" update >"$apt/update.log" 2>&1 ||
		{ tail -n 5 "$apt/update.log" >&2; fail "apt-get update failed" "$MESON_SUITE"; }
	rm -rf "$meson" && mkdir -p "$meson"
	while read -r pv sha; do
		[ -n "$pv" ] || continue
		rm -f "$apt/debs/${pv%%=*}"_*.deb
		(cd "$apt/debs" && apt-get "${apt_opts[@]}" download "$pv") >"$apt/download.log" 2>&1 ||
			{ tail -n 5 "$apt/download.log" >&2; fail "cannot download $pv" "$MESON_SUITE"; }
		deb=$(ls "$apt/debs/${pv%%=*}"_*.deb)
		echo "$sha  $deb" | sha256sum -c --quiet - || fail "checksum mismatch for $deb" "$MESON_SUITE"
		dpkg-deb -x "$deb" "$meson"
	done <<<"$MESON_DEBS"
	echo "qemu-src: meson $(PYTHONPATH=$meson/usr/lib/python3/dist-packages python3 "$meson/usr/bin/meson" --version) in $meson" >&2
	touch "$meson/.done"
fi
echo "$meson"
