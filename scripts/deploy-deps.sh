#!/usr/bin/env bash
# What the deploy check (scripts/deploy-check.sh) needs besides the project: Debian's nginx and openssl. Does nothing
# when both are on the PATH. The package's own start of nginx is held back (policy-rc.d): the check runs its own.
set -euo pipefail
command -v nginx >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 && exit 0
PATH=$PATH:/usr/sbin
command -v nginx >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The deploy check needs nginx and openssl: run 'apt-get install nginx-light openssl' as root." >&2
  exit 1
fi
echo "Installing nginx-light and openssl for the deploy check ..." >&2
export DEBIAN_FRONTEND=noninteractive
held=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && held=1
fi
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends nginx-light openssl >/dev/null
[ -n "$held" ] && rm -f /usr/sbin/policy-rc.d
command -v nginx >/dev/null 2>&1 || { echo "apt-get installed no 'nginx' command." >&2; exit 1; }
