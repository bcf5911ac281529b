#!/usr/bin/env bash
# Make sure Debian's chromium exists for the browser tests (tests/browser/). Quiet when it is present;
# otherwise `apt-get update` once and install it. The tests drive it headless over the DevTools protocol and
# never download a browser of their own.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium not found and apt-get is unavailable; install Chromium for this system and retry" >&2
  exit 1
fi
echo "chromium not found; installing Debian's chromium" >&2
if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
