#!/usr/bin/env bash
# The production stack of deploy/ on this machine, on loopback ports, checked through its proxy (deploy/check.py says
# what is checked): an upgrade from the previous release with its data, the systemd units under a supervisor that
# reads them, nginx with TLS, sign-in, an arrival reaching the village's live stream, the aid check, /healthz,
# /readyz, /metrics, and nothing lost when a web worker, the notification worker and the task worker are killed.
# Needs PostgreSQL (DEPLOY_CHECK_POSTGRES, default postgres://postgres@127.0.0.1:5432/postgres). CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/deploy-deps.sh
PATH=$PATH:/usr/sbin exec .venv/bin/python deploy/check.py
