#!/bin/sh
# Install the Debian packages given as arguments, only those not installed yet.
# Usage: scripts/apt-ensure.sh PKG...
# Runs `apt-get update` once, and only when something is missing. As root it installs
# non-interactively; otherwise it says (in French) what to install and fails.
set -eu

missing=""
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing="$missing $pkg"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "Paquets système manquants :$missing" >&2
    echo "Installez-les en administrateur, par exemple :" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi

echo "apt-ensure: installation de$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086  # word splitting of the package list is wanted
apt-get install -y -q --no-install-recommends $missing </dev/null
