#!/bin/bash
# Regenerate PATCHDIR from the tree's commits since BASE (default: base):
# one file per commit, the series file, and the cover letter (subject and
# text from PATCHDIR/cover-letter.txt).  Options are fixed (zero commit
# ids, no signature, dates from the commits) so an unchanged tree exports
# to unchanged files.  make export (the kernel, patches/) and make
# qemu-export (QEMU, qemu-patches/, BASE refs/tags/base) both use it.
# usage: export.sh TREE PATCHDIR [BASE [NAME]]
set -euo pipefail
tree=$1 pdir=$(cd "$2" && pwd) base=${3:-base} who=${4:-export}
here=$(cd "$(dirname "$0")/.." && pwd)
cover=$pdir/cover-letter.txt
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	{ echo "$who: $tree has uncommitted changes; commit them first" >&2; exit 1; }
n=$(git -C "$tree" rev-list --count "$base..HEAD")
[ "$n" -gt 0 ] || { echo "$who: no commits on top of base" >&2; exit 1; }
# the cover letter is from the series' author (format-patch signs it as the
# committer), whoever runs the export
GIT_COMMITTER_NAME=$(git -C "$tree" log -1 --format=%an HEAD)
GIT_COMMITTER_EMAIL=$(git -C "$tree" log -1 --format=%ae HEAD)
export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tree" format-patch -q --zero-commit --no-signature --numbered --cover-letter \
	--stat=72 --stat-graph-width=20 --abbrev=12 -o "$tmp" "$base..HEAD"
c=$tmp/0000-cover-letter.patch
if [ -f "$cover" ]; then
	subject=$(head -n 1 "$cover")
	awk -v subj="$subject" -v blurb="$cover" '
		/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj) }
		/\*\*\* BLURB HERE \*\*\*/ { while ((getline l < blurb) > 0) if (n++ > 1) print l; next }
		{ print }' "$c" >"$c.new" && mv "$c.new" "$c"
fi
# the cover letter's date is "now": use the last commit's author date
date=$(git -C "$tree" log -1 --format=%aD HEAD)
sed -i "s/^Date: .*/Date: $date/" "$c"
find "$pdir" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
cp "$tmp"/*.patch "$pdir/"
(cd "$tmp" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-') >"$pdir/series"
# the tree's branch now is PATCHDIR (lib.sh's sync_series keeps it)
if [[ "$(git -C "$tree" symbolic-ref -q --short HEAD)" == @(series|pr3) ]]; then
	. "$here/scripts/lib.sh"
	echo "$(series_hash "$pdir") $(git -C "$tree" rev-parse HEAD)" \
		>"$(git -C "$tree" rev-parse --path-format=absolute --git-common-dir)/vfio-lowpower-series"
fi
echo "$who: $n patches + cover letter written to $pdir"
