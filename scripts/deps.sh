#!/bin/bash
# Install the Debian packages named as arguments that are missing; an
# argument @NAME stands for the list PKGS_NAME of config/packages.env
# (@all: every list).
# usage: deps.sh PACKAGE|@LIST...
set -euo pipefail
. "$(dirname "$0")/../config/packages.env"
want=()
for a in "$@"; do
	case $a in
	@all) for v in ${!PKGS_*}; do want+=(${!v}); done ;;
	@*) v=PKGS_${a#@}
	    [ -n "${!v:-}" ] || { echo "deps: no list $a in config/packages.env" >&2; exit 1; }
	    want+=(${!v}) ;;
	*) want+=("$a") ;;
	esac
done
# a package dpkg has never heard of makes dpkg-query fail: that one is
# missing too (and must not end the script under set -e)
missing=
for p in "${want[@]}"; do
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
