#!/bin/bash
# Print the Debian mirror URI of the machine's apt configuration: the main
# archive ("main") or the security archive ("security").  MIRROR= and
# SECURITY_MIRROR= in the environment win.  No host is named here.
# usage: mirror.sh main|security
set -euo pipefail
kind=${1:-main}
uris=$( { grep -hs '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources | sed 's/^[[:space:]]*URIs://'
	  grep -hs '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
		sed -E 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*//'
	} 2>/dev/null | tr ' ' '\n' | sed '/^$/d; s#/*$##' || true)
main=${MIRROR:-$(echo "$uris" | grep -E '/debian$' | head -n 1)}
if [ "$kind" = security ]; then
	sec=${SECURITY_MIRROR:-}
	[ -n "$sec" ] || [ -n "${MIRROR:-}" ] || sec=$(echo "$uris" | grep -E '/debian-security$' | head -n 1)
	[ -n "$sec" ] || sec=${main:+$main-security}
	main=$sec
fi
[ -n "$main" ] || { echo "mirror: no Debian $kind mirror in the apt configuration; set MIRROR=" >&2; exit 1; }
echo "$main"
