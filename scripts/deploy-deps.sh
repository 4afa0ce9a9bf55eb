#!/usr/bin/env bash
# What the deploy check (scripts/deploy-check.sh) needs besides the project: Debian's nginx and openssl. Does nothing
# when both are on the PATH. The package's own start of nginx is held back (apt-need.sh): the check runs its own.
set -euo pipefail
PATH=$PATH:/usr/sbin
command -v nginx >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 && exit 0
"$(dirname "$0")/apt-need.sh" "The deploy check" "" nginx-light openssl
command -v nginx >/dev/null 2>&1 || { echo "apt-get installed no 'nginx' command." >&2; exit 1; }
