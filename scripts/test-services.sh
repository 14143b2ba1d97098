#!/usr/bin/env bash
# Make sure what the tests need is there: PostgreSQL with PostGIS (running, with a `portal` role),
# Debian's Chromium and CJK fonts. Installs through apt only when run as root and something is missing.
# --no-browser: no Chromium (for `make test-fast`, which runs no browser test).
set -euo pipefail

need=()
dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
[ "${1:-}" = "--no-browser" ] || [ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
[ -x /usr/bin/ogrinfo ] || need+=(gdal-bin)  # ogrinfo: the exports opened in GDAL (tests/geodata/io/test_export_standard.py)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing ${need[*]} ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "Missing ${need[*]}: install them (sudo apt-get install ${need[*]}); their tests will skip." >&2
    exit 0
  fi
fi

if command -v pg_lsclusters >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2" "$4}')
  read -r ver name status <<<"$cluster"
  if [ -n "${ver:-}" ] && [ "$status" != "online" ]; then
    pg_ctlcluster "$ver" "$name" start
  fi
  # A superuser role for the tests, which create and drop their own databases.
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'portal'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE portal LOGIN SUPERUSER PASSWORD 'portal'\""
fi
