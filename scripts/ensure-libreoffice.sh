#!/usr/bin/env bash
# Make sure LibreOffice Impress (to render decks to PDF) and pdftoppm (PDF pages to PNG) exist, for the deck
# rendering test (tests/deck/test_render.py). Installs Debian's libreoffice-impress and poppler-utils only when
# missing; quiet when both are present.
set -euo pipefail
if command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "soffice (LibreOffice Impress) or pdftoppm (poppler-utils) not found and apt-get is unavailable;" \
       "install them for this system and retry" >&2
  exit 1
fi
echo "LibreOffice Impress or pdftoppm not found; installing Debian's libreoffice-impress and poppler-utils" >&2
if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libreoffice-impress \
  poppler-utils >/dev/null
command -v soffice >/dev/null && command -v pdftoppm >/dev/null
