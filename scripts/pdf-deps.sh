#!/usr/bin/env bash
# poppler's pdfsig for the letters tests: an independent validator of the PAdES signatures pyHanko applies
# (src/smartkampung/letters/tests), and NSS's certutil, with which the tests make pdfsig trust the test root.
# Debian's poppler-utils and libnss3-tools; does nothing when both commands are on the PATH already.
set -euo pipefail
command -v pdfsig >/dev/null 2>&1 && command -v certutil >/dev/null 2>&1 && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The letters tests check signatures with poppler's pdfsig: install poppler-utils." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "The letters tests need poppler's pdfsig, and installing it needs root: run 'apt-get install poppler-utils libnss3-tools'." >&2
    exit 1
  fi
fi
echo "Installing poppler-utils (pdfsig) and libnss3-tools (certutil) for the letters tests ..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends poppler-utils libnss3-tools >/dev/null
for tool in pdfsig certutil; do
  command -v "$tool" >/dev/null 2>&1 || { echo "apt-get installed no '$tool' command." >&2; exit 1; }
done
