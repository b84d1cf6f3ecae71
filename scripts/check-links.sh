#!/bin/bash
# Every relative link of README.md and docs/**/*.md must name a file that
# exists, and a "#section" in it a heading of that page (GitHub's anchors).
# Links inside code blocks and code spans are not links.  Run by make docs.
# usage: check-links.sh [FILE.md...]   (default: README.md docs/**/*.md)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 1
[ $# -gt 0 ] || set -- README.md $(find docs -name '*.md' 2>/dev/null | sort)
exec python3 - "$@" <<'EOF'
import os, re, sys

def strip_code(text):
    text = re.sub(r"^(```|~~~).*?^\1[ \t]*$", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)

def anchors(path):
    seen, out = {}, set()
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"^(```|~~~).*?^\1[ \t]*$", "", f.read(), flags=re.S | re.M)
    for m in re.finditer(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", text, re.M):
        s = re.sub(r"[^\w\- ]", "", m.group(1).replace("`", "").lower()).replace(" ", "-")
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else "%s-%d" % (s, n))
    return out

bad = checked = 0
for page in sys.argv[1:]:
    with open(page, encoding="utf-8") as f:
        text = strip_code(f.read())
    for m in re.finditer(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text):
        link = m.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", link):
            continue                      # http:, https:, mailto:
        checked += 1
        target, _, frag = link.partition("#")
        path = os.path.normpath(os.path.join(os.path.dirname(page), target)) if target else page
        if not os.path.exists(path):
            print("%s: broken link %s (no %s)" % (page, link, path))
            bad += 1
        elif frag and path.endswith(".md") and frag not in anchors(path):
            print("%s: broken link %s (no section #%s in %s)" % (page, link, frag, path))
            bad += 1
print("links: %d checked in %d pages, %d broken" % (checked, len(sys.argv) - 1, bad))
sys.exit(1 if bad else 0)
EOF
