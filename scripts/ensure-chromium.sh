#!/usr/bin/env bash
# Browser tests need Debian's Chromium and ChromeDriver. Install them when missing (as root), or say how.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium and ChromeDriver from Debian's packages…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  exit 0
fi
echo "The browser tests need Chromium and ChromeDriver. Install them with:" >&2
echo "  sudo apt-get install -y chromium chromium-driver" >&2
exit 1
