#!/usr/bin/env bash
# System packages the project needs: Pango and fonts for WeasyPrint, Chromium for browser tests,
# poppler-utils (pdftotext) for the tests that read the documents' text.
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core fontconfig)
if [ "${CQPM_BROWSER_TESTS:-1}" = 1 ] && ! command -v chromium >/dev/null; then need+=(chromium); fi
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Paquets système manquants : ${need[*]} (installez-les avec apt-get en tant que root)." >&2
  exit 1
fi
echo "Installation des paquets système : ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
