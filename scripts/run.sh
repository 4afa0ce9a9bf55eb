#!/usr/bin/env bash
# The platform on the embedded default (SQLite): set-up, demo data, logins, then serve.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# The data directory holds personal data: whatever the steps below create is the service user's alone.
umask 077
sk=.venv/bin/smartkampung
$sk migrate --noinput
$sk load_regions
$sk demo --residents "${DEMO_RESIDENTS:-3000}" --seed "${DEMO_SEED:-1}" --if-empty
$sk demo_logins
$sk demo_letters  # Bakungan's signing officials (keys of a demo authority) and letters in every state
$sk demo_tourism  # 30 places across the regency, certified by dispar's key of that authority; visitors inside
$sk demo_arrivals --count "${DEMO_ARRIVALS:-60}"
$sk demo_houses
$sk demo_aid
# KTP photos to try the desk's scan with (show one on a screen, photograph it): residents of the demo register.
samples="${SMARTKAMPUNG_DATA_DIR:-var}/ktp-samples"
[ -e "$samples/truth.json" ] || $sk ktp_sample --out "$samples" --count 6 --from-register --seed 1
exec $sk run --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
