#!/bin/bash
# Make TREE a git repository holding the base as its first commit (fixed
# dates, so its id never changes) and the series applied with git am in
# patches/series order.  An existing tree is left alone unless FORCE=1.
# usage: mktree.sh TREE SRCDIR PATCHDIR
set -euo pipefail
tree=$1 src=$2 pdir=$(cd "$3" && pwd)
. "$(dirname "$0")/../config/base.env"
export GIT_AUTHOR_NAME="vfio-lowpower harness" GIT_AUTHOR_EMAIL="harness@localhost"
export GIT_COMMITTER_NAME="vfio-lowpower harness" GIT_COMMITTER_EMAIL="harness@localhost"
export GIT_AUTHOR_DATE="2024-08-10T00:00:00Z" GIT_COMMITTER_DATE="2024-08-10T00:00:00Z"

if [ -d "$tree/.git" ] && [ "${FORCE:-0}" != 1 ]; then
	echo "tree: $tree exists (FORCE=1 to recreate it from base + patches/)"
	exit 0
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
git checkout -q -b series
# git am takes the author (and, with the option below, the committer date)
# from each patch, so the same patches always give the same commit ids.
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE
n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	git am -q --committer-date-is-author-date "$pdir/$p" || {
		echo "tree: git am failed on $p" >&2
		git am --show-current-patch=diff 2>/dev/null | head -20 >&2
		git am --abort
		exit 1
	}
	n=$((n + 1))
done < <([ -f "$pdir/series" ] && cat "$pdir/series")
echo "tree: $tree is base + $n patches (branch 'series', tag 'base')"
