#!/usr/bin/env bash
# Chromium for the browser tests (src/smartkampung/browser): Debian's package, never a browser downloaded by
# Playwright. Does nothing when it is there already (SMARTKAMPUNG_CHROMIUM, or `chromium` on the PATH); fails
# loudly when it cannot be had, since CI must run those tests.
set -euo pipefail

wanted=${SMARTKAMPUNG_CHROMIUM:-}
if [ -n "$wanted" ]; then
  [ -x "$wanted" ] && exit 0
  echo "SMARTKAMPUNG_CHROMIUM=$wanted is not an executable file." >&2
  exit 1
fi
command -v chromium >/dev/null 2>&1 && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser tests need Chromium: install it (Debian/Ubuntu: apt-get install chromium)," >&2
  echo "or point SMARTKAMPUNG_CHROMIUM at a Chromium or Chrome binary." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "The browser tests need Chromium, and installing it needs root: run 'apt-get install chromium' as root," >&2
    echo "or point SMARTKAMPUNG_CHROMIUM at a Chromium or Chrome binary." >&2
    exit 1
  fi
fi
echo "Installing Chromium for the browser tests ..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "apt-get installed no 'chromium' command." >&2; exit 1; }
