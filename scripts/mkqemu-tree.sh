#!/bin/bash
# Make TREE a git repository holding QEMU's source (the tarball of
# config/qemu-src.env, every file of it) as its first commit, tagged
# "base" (fixed dates, so its id never changes), and qemu-patches/ applied
# with git am in qemu-patches/series order on the branch "pr3".  An
# existing tree is kept when its clean branch pr3 holds exactly
# PATCHDIR (as applied or exported last); otherwise PATCHDIR is applied
# again, the old branch kept as pr3.prev (lib.sh's sync_series); FORCE=1
# unpacks the tarball anew.
# usage: mkqemu-tree.sh TREE CACHE PATCHDIR
set -euo pipefail
tree=$(realpath -m "$1") cache=$2 pdir=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/config/qemu-src.env"
. "$here/scripts/lib.sh"
if [ -d "$tree/.git" ] && [ "${FORCE:-0}" != 1 ]; then
	sync_series "$tree" "$pdir" pr3 qemu-tree
	exit
fi
tarball=$("$here/scripts/fetch-qemu-src.sh" "$cache" | sed -n 1p)
rm -rf "$tree" "$tree.tmp" && mkdir -p "$tree.tmp"
echo "qemu-tree: unpacking $QEMU_SRC_FILE into $tree"
tar --no-same-owner -C "$tree.tmp" -xJf "$tarball"
mv "$tree.tmp/qemu-$QEMU_SRC_VERSION" "$tree" && rmdir "$tree.tmp"
cd "$tree"
export GIT_AUTHOR_NAME="vfio-lowpower harness" GIT_AUTHOR_EMAIL="harness@localhost"
export GIT_COMMITTER_NAME="vfio-lowpower harness" GIT_COMMITTER_EMAIL="harness@localhost"
export GIT_AUTHOR_DATE="2025-07-01T00:00:00Z" GIT_COMMITTER_DATE="2025-07-01T00:00:00Z"
git init -q -b upstream
git config core.autocrlf false
git config gc.auto 0
echo "qemu-tree: committing the base"
git add -A -f >/dev/null
git commit -q -m "QEMU $QEMU_SRC_VERSION (Debian's $QEMU_SRC_FILE)" \
	-m "Unpacked from $QEMU_SRC_FILE (sha256 $QEMU_SRC_SHA256), every file of it."
git tag -f base >/dev/null
# work on the series is committed as its author (make qemu-export)
git config user.name "Vfio Lowpower Backport"
git config user.email "vfio-lowpower@example.org"
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE
sync_series "$tree" "$pdir" pr3 qemu-tree
