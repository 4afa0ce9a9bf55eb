#!/usr/bin/env bash
# Create .venv and install the pinned dependencies; does nothing when they are already in place.
# Usage: scripts/bootstrap.sh [dev]   (dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PYTHON=$candidate; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "smartkampung needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

lock=requirements.lock
[ "${1:-}" = "dev" ] && lock=requirements-dev.lock
stamp=.venv/.installed-$(basename "$lock")
wanted=$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "Installing pinned dependencies from $lock ..." >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$wanted" > "$stamp"
fi
