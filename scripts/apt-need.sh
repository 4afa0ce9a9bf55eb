#!/usr/bin/env bash
# Installs Debian packages that a part of the project needs, the one way every scripts/*-deps.sh does it:
#   scripts/apt-need.sh "WHAT NEEDS THEM" "HOW ELSE TO GET THEM" PACKAGE...
# As root, or through a password-less sudo; fails in words (what needs what, and what else to do) where
# neither is possible or the machine has no apt-get. A package's own start of a service is held back
# (policy-rc.d), as a container has no init to hand it to.
set -euo pipefail
purpose=$1 otherwise=$2
shift 2
packages="$*"
refuse() {
  echo "$purpose needs $packages: $1" >&2
  [ -n "$otherwise" ] && echo "$otherwise" >&2
  exit 1
}
command -v apt-get >/dev/null 2>&1 || refuse "install them (Debian/Ubuntu: apt-get install $packages)."
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null \
    || refuse "installing them needs root: run 'apt-get install $packages' as root."
  sudo="sudo -n"
fi
echo "Installing $packages for $purpose ..." >&2
export DEBIAN_FRONTEND=noninteractive
held=""
# Taken away however this script ends (an interrupt too): left behind, it would stop every later install's services.
trap '[ -n "$held" ] && $sudo rm -f /usr/sbin/policy-rc.d' EXIT
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null && $sudo chmod +x /usr/sbin/policy-rc.d && held=1
fi
status=0
{ $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } || status=$?
exit $status
