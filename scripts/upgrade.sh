#!/usr/bin/env bash
# Upgrade a deployment after `git pull` (README "Running it for real"): install the pinned dependencies, migrate the
# database, collect the static files, restart the services. Run it as the service user from the checkout, e.g.
#   sudo -u smartkampung sh -c 'cd /opt/smartkampung && git pull && scripts/upgrade.sh'
# Reads the deployment's settings from SMARTKAMPUNG_ENV_FILE (default /etc/smartkampung/smartkampung.env) when it
# exists. Take a backup first (`smartkampung backup`); the migrations never drop data, and a failed one rolls back.
set -euo pipefail
cd "$(dirname "$0")/.."

env_file=${SMARTKAMPUNG_ENV_FILE:-/etc/smartkampung/smartkampung.env}
if [ -r "$env_file" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
fi
umask 077

scripts/bootstrap.sh
sk=.venv/bin/smartkampung
# Refuse to go on with a settings mistake (DEBUG on, no secret key, …) before anything changes.
$sk check --deploy --fail-level WARNING
echo "Migrations to apply:" >&2
$sk showmigrations --plan | grep -F '[ ]' >&2 || echo "  (none)" >&2
$sk migrate --noinput
$sk collectstatic --noinput --clear -v0
# nginx (another user) serves the static files: open them for reading, nothing else of ours.
static_root=$($sk shell --no-imports -c 'from django.conf import settings; print(settings.STATIC_ROOT)' | tail -1)
chmod -R u=rwX,go=rX "$static_root"
$sk load_regions >/dev/null

# Restart whatever runs it: systemd's units when they are installed, else nothing (say so).
if [ "${SMARTKAMPUNG_RESTART:-auto}" != "no" ] && command -v systemctl >/dev/null 2>&1 &&
   systemctl list-unit-files smartkampung.target >/dev/null 2>&1 &&
   systemctl cat smartkampung.target >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then systemctl restart smartkampung.target; else sudo -n systemctl restart smartkampung.target; fi
  echo "restarted smartkampung.target" >&2
else
  echo "upgraded; restart the web process and the workers now (no systemd unit smartkampung.target found)" >&2
fi
