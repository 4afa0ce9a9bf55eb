#!/usr/bin/env bash
# poppler's pdfsig for the letters tests: an independent validator of the PAdES signatures pyHanko applies
# (src/smartkampung/letters/tests), and NSS's certutil, with which the tests make pdfsig trust the test root.
# Debian's poppler-utils and libnss3-tools; does nothing when both commands are on the PATH already.
set -euo pipefail
command -v pdfsig >/dev/null 2>&1 && command -v certutil >/dev/null 2>&1 && exit 0
"$(dirname "$0")/apt-need.sh" "The letters tests (pdfsig, certutil)" "" poppler-utils libnss3-tools
for tool in pdfsig certutil; do
  command -v "$tool" >/dev/null 2>&1 || { echo "apt-get installed no '$tool' command." >&2; exit 1; }
done
