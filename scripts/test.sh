#!/usr/bin/env bash
# The test suite: lint, migration check, then pytest (SQLite, or PostgreSQL when DATABASE_URL says so).
# Extra arguments go to pytest, e.g. scripts/test.sh -k import
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
export SMARTKAMPUNG_DATA_DIR=${SMARTKAMPUNG_DATA_DIR:-$(mktemp -d)}
.venv/bin/ruff check --quiet src
.venv/bin/smartkampung makemigrations --check --dry-run >/dev/null || {
  echo "Models and migrations differ: run 'smartkampung makemigrations'." >&2; exit 1; }
exec .venv/bin/pytest "$@"
