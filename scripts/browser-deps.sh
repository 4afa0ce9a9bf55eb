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
"$(dirname "$0")/apt-need.sh" "The browser tests" "Or point SMARTKAMPUNG_CHROMIUM at a Chromium or Chrome binary." chromium
command -v chromium >/dev/null 2>&1 || { echo "apt-get installed no 'chromium' command." >&2; exit 1; }
