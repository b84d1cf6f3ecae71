#!/bin/bash
# apt-get / apt-cache on Debian 11 (bullseye and bullseye-security, amd64)
# through a private apt configuration under CACHE/apt-bullseye: the
# machine's own sources are never touched, its mirror is used (see
# scripts/mirror.sh; MIRROR= / SECURITY_MIRROR= win).  The lists are
# refreshed when older than a day.
# usage: bullseye-apt.sh CACHE apt-get|apt-cache ARGS...
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
cache=$1 tool=$2
shift 2
apt=$cache/apt-bullseye
main=$("$here/scripts/mirror.sh" main)
sec=$("$here/scripts/mirror.sh" security)
key=/usr/share/keyrings/debian-archive-keyring.gpg
private_apt "$apt" "deb [arch=amd64 signed-by=$key] $main bullseye main" \
	"deb [arch=amd64 signed-by=$key] $sec bullseye-security main"
apt_opts+=(-o APT::Architecture=amd64 -o APT::Architectures::=amd64)
if [ -z "$(find "$apt/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
	echo "apt: update of bullseye and bullseye-security from $main and $sec (private lists in $apt)" >&2
	apt-get "${apt_opts[@]}" update >"$apt/update.log" 2>&1 || {
		tail -n 8 "$apt/update.log" >&2
		echo "apt: cannot read bullseye's package lists from $main / $sec." >&2
		echo "     Bullseye leaves the regular mirrors some day: point MIRROR= (and" >&2
		echo "     SECURITY_MIRROR=) to a mirror that still has it, e.g. an archive mirror." >&2
		exit 1
	}
fi
exec "$tool" "${apt_opts[@]}" "$@"
