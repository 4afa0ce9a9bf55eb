#!/usr/bin/env bash
# The test suite: lint, migration check, then pytest (SQLite, or PostgreSQL when DATABASE_URL says so).
# Extra arguments go to pytest, e.g. scripts/test.sh -k import
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
export SMARTKAMPUNG_DATA_DIR=${SMARTKAMPUNG_DATA_DIR:-$(mktemp -d)}
.venv/bin/ruff check --quiet src deploy
.venv/bin/lint-imports --no-cache --no-logo  # the layers and cycles in pyproject.toml [tool.importlinter]
.venv/bin/smartkampung makemigrations --check --dry-run >/dev/null || {
  echo "Models and migrations differ: run 'smartkampung makemigrations'." >&2; exit 1; }
# pytest-xdist: one worker per core by default (TEST_WORKERS=0 runs in this process, e.g. for a debugger).
# The browser tests (marker "browser") run in a pytest of their own, after the rest: on PostgreSQL, a worker that
# had served them left the connection pool short for the race tests after them (README, "Tests and CI").
# Exit code 5 is "no test collected" (arguments that select only one of the two kinds).
status=0
.venv/bin/pytest -n "${TEST_WORKERS:-auto}" -m "not browser" "$@" || status=$?
[ "$status" = 5 ] && status=0
browser=0
.venv/bin/pytest -n "${TEST_WORKERS:-auto}" -m browser "$@" || browser=$?
[ "$browser" = 5 ] && browser=0
exit $(( status != 0 ? status : browser ))
