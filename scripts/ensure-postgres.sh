#!/usr/bin/env bash
# Make sure PostgreSQL server binaries exist (tests start their own throwaway server on loopback, see
# tests/support/postgres.py). Installs Debian's postgresql only when initdb is missing; never starts the
# distribution's own cluster service.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL server binaries (initdb, pg_ctl) not found and apt-get is unavailable;" \
       "install the PostgreSQL server package for this system and retry" >&2
  exit 1
fi
echo "PostgreSQL server binaries not found; installing Debian's postgresql" >&2
if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
# policy-rc.d 101 keeps the package from starting a system-wide cluster we do not need.
if [ -d /usr/sbin ] && [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
ls /usr/lib/postgresql/*/bin/initdb >/dev/null
