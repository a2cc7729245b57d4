#!/usr/bin/env bash
# Install the Debian packages rekg needs beyond PyPI, only when missing:
#   graphviz  (dot)      the supply-chain diagram of `rekg publish`
#   chromium             the real-browser test (tests/test_browser.py)
#   virtuoso-opensource  the Virtuoso 7.2 store the store tests push to and query
# Usage: scripts/ensure-system-packages.sh graphviz chromium
set -euo pipefail
declare -A COMMAND=([graphviz]=dot [chromium]=chromium [virtuoso-opensource]=virtuoso-t)
missing=()
for package in "$@"; do
  command -v "${COMMAND[$package]:-$package}" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "rekg needs the Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 2
fi
echo "installing Debian packages: ${missing[*]}" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
