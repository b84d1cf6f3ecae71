#!/bin/bash
# The series on the newest linux-source-5.10 of bullseye-security (found at
# run time): the files the series modifies are unpacked from it, committed,
# and patches/ applied with git am; a patch that does not apply is named
# with git's reason.  Its drivers/vfio is then built against the newest
# Debian kernel's headers in the root file system ROOT (skipped, and said,
# when it is the very source the DKMS package was built from).
# Prints PASS/FAIL lines for distro-check.sh.
# usage: newest-source.sh BUILD CACHE ROOT KERNEL
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$1 cache=$2 root=$3 kernel=$4
. "$here/config/base.env"
. "$here/scripts/lib.sh"
out=$build/distro/newest
rm -rf "$out" && mkdir -p "$out"

newest=$("$here/scripts/bullseye-apt.sh" "$cache" apt-cache madison "$BASE_PKG" |
	awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -V | tail -n 1)
[ -n "$newest" ] || { echo "FAIL distro:newest-source  (no $BASE_PKG in bullseye's lists)"; exit 1; }
deb=$cache/${BASE_PKG}_${newest}_all.deb
if [ ! -s "$deb" ]; then
	echo "distro: apt-get download $BASE_PKG=$newest"
	(cd "$cache" && "$here/scripts/bullseye-apt.sh" "$cache" apt-get download "$BASE_PKG=$newest") \
		>"$out/download.log" 2>&1 || {
		tail -n 5 "$out/download.log" | sed 's/^/    /'
		echo "FAIL distro:newest-source  ($BASE_PKG=$newest could not be fetched; MIRROR= / KSRC=)"
		exit 1
	}
fi

# the base files the series modifies (not those it creates)
mapfile -t files < <(cd "$here/patches" && awk '
	/^diff --git / { path = substr($3, 3) }
	/^new file mode/ { created[path] = 1 }
	/^--- a\// { p = substr($2, 3); if (!(p in created)) mod[p] = 1 }
	END { for (p in mod) print p }' $(cat series) | sort)
src=$out/linux
mkdir -p "$src"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-5.10.tar.xz |
	tar -xJ -C "$src" --strip-components=1 linux-source-5.10/drivers/vfio \
		$(printf 'linux-source-5.10/%s ' "${files[@]}") 2>"$out/tar.log"
n=$(grep -c . "$here/patches/series")
(
	cd "$src" && git init -q && git add -A && git -c user.name=distro-check -c user.email=distro@localhost \
		commit -q -m "$BASE_PKG $newest: the files the series modifies"
	i=0
	while read -r p; do
		i=$((i + 1))
		if ! git -c user.name=distro-check -c user.email=distro@localhost am -q "$here/patches/$p" \
			>"$out/am.log" 2>&1; then
			echo "FAIL distro:newest-source:git-am  (patch $i/$n, $p, does not apply to $BASE_PKG $newest:)"
			grep -E 'error|patch failed|does not' "$out/am.log" | head -n 5 | sed 's/^/    /'
			exit 1
		fi
	done <"$here/patches/series"
	echo "PASS distro:newest-source:git-am  ($n patches on $BASE_PKG $newest, the newest in bullseye-security)"
) || exit 1

# its vfio, as DKMS would build it, against the newest kernel
pkgsrc=$(ls -d "$build"/dkms/vfio-lowpower-*/src 2>/dev/null | head -n 1)
if [ -n "$pkgsrc" ] && diff -rq "$src/drivers/vfio" "$pkgsrc/drivers/vfio" >/dev/null &&
   diff -q "$src/include/linux/vfio.h" "$pkgsrc/include/linux/vfio.h" >/dev/null &&
   diff -q "$src/include/uapi/linux/vfio.h" "$pkgsrc/include/uapi/linux/vfio.h" >/dev/null; then
	echo "PASS distro:newest-source:build  (its vfio is the DKMS package's source: built for $kernel above)"
	exit 0
fi
b=$root/tmp/newest-vfio
rm -rf "$b" && mkdir -p "$b/include/linux" "$b/include/uapi/linux"
cp -a "$src/drivers" "$b/" && cp "$src/include/linux/vfio.h" "$b/include/linux/" &&
	cp "$src/include/uapi/linux/vfio.h" "$b/include/uapi/linux/" && cp "$here/dkms/Kbuild" "$b/"
if run_logged "distro: drivers/vfio of $newest + the series against $kernel" "$out/build.log" \
	chroot "$root" make -C "/usr/src/linux-headers-$kernel" M=/tmp/newest-vfio modules; then
	echo "PASS distro:newest-source:build  ($(ls "$b"/drivers/vfio/*.ko "$b"/drivers/vfio/*/*.ko | wc -l) modules, $(grep -c 'warning:' "$out/build.log") warnings)"
else
	echo "FAIL distro:newest-source:build  (see $out/build.log)"
	exit 1
fi
