#!/bin/bash
# Make TREE a git repository holding the base as its first commit (fixed
# dates, so its id never changes) and the series applied with git am in
# patches/series order.  An existing tree holding another series
# (patches/ changed, or commits made in it and not exported) gets patches/
# applied again, its old branch kept as 'series.prev'; FORCE=1 copies the
# base anew.
# usage: mktree.sh TREE SRCDIR PATCHDIR
set -euo pipefail
tree=$(realpath -m "$1") src=$2 pdir=$(cd "$3" && pwd)
. "$(dirname "$0")/../config/base.env"
export GIT_AUTHOR_NAME="vfio-lowpower harness" GIT_AUTHOR_EMAIL="harness@localhost"
export GIT_COMMITTER_NAME="vfio-lowpower harness" GIT_COMMITTER_EMAIL="harness@localhost"
export GIT_AUTHOR_DATE="2024-08-10T00:00:00Z" GIT_COMMITTER_DATE="2024-08-10T00:00:00Z"

. "$(dirname "$0")/lib.sh"

# the series: on a new branch 'series' at the base (lib.sh's sync_series)
apply_series() {
	unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE
	sync_series "$tree" "$pdir" series tree
}

# An existing tree is kept when it holds exactly PATCHDIR's series (as
# applied or exported last: the stamp) on a clean branch 'series'.
# Otherwise the series is applied again; commits that were never exported
# stay on the branch 'series.prev'.
if [ -d "$tree/.git" ] && [ "${FORCE:-0}" != 1 ]; then
	apply_series
	exit
fi
rm -rf "$tree"
echo "tree: copying $src to $tree"
mkdir -p "$(dirname "$tree")"
cp -a "$src" "$tree"
cd "$tree"
git init -q -b base-5.10
git config core.autocrlf false
git config gc.auto 0
# Debian's top-level .gitignore ends with "/*" (ignore everything at the
# top level) for its packaging repository; drop that block so that new
# files of the series are seen.  Nothing else differs from the package.
sed -i '/^# Debian packaging: ignore everything/,$d' .gitignore
sed -i '${/^#$/d}' .gitignore
echo "tree: committing the base (this takes a minute)"
git add -A >/dev/null
git commit -q -m "Debian linux-source-5.10 $BASE_VERSION" \
	-m "Unpacked from ${BASE_PKG}_${BASE_VERSION}_all.deb (sha256 $BASE_SHA256); the Debian packaging block at the end of .gitignore is dropped."
git tag -f base >/dev/null
apply_series
