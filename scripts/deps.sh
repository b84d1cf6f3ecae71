#!/bin/bash
# Install the Debian packages named as arguments that are missing.
set -euo pipefail
missing=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null | awk '$NF != "installed" {print $1}')
for p in "$@"; do dpkg-query -W "$p" >/dev/null 2>&1 || missing="$missing $p"; done
missing=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -n "${missing// /}" ] || exit 0
sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
echo "deps: installing $missing (log: /tmp/vfio-lowpower-apt.log)"
$sudo apt-get update -q >/tmp/vfio-lowpower-apt.log 2>&1 || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing \
	>>/tmp/vfio-lowpower-apt.log 2>&1 || { tail -20 /tmp/vfio-lowpower-apt.log; exit 1; }
