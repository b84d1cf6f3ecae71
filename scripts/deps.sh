#!/bin/bash
# Install the Debian packages named as arguments that are missing.
set -euo pipefail
# a package dpkg has never heard of makes dpkg-query fail: that one is
# missing too (and must not end the script under set -e)
missing=
for p in "$@"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || st=
	[ "${st##* }" = installed ] || missing="$missing $p"
done
missing=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -n "${missing// /}" ] || exit 0
sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
echo "deps: installing $missing (log: /tmp/vfio-lowpower-apt.log)"
$sudo apt-get update -q >/tmp/vfio-lowpower-apt.log 2>&1 || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing \
	>>/tmp/vfio-lowpower-apt.log 2>&1 || { tail -20 /tmp/vfio-lowpower-apt.log; exit 1; }
