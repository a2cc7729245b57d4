#!/usr/bin/env bash
# Vendor the YASGUI SPARQL editor (@zazuko/yasgui, pinned in vendor/yasgui/package-lock.json)
# into src/rekg/static/yasgui/, from where `rekg publish` copies it into the site and
# `rekg serve` serves it: the pages never load it from a CDN.
#
# Idempotent, and offline after the first run: npm runs only when node_modules does not
# match the lockfile (a copy of the lockfile is kept in node_modules as the stamp), and the
# files are copied only when they differ. To update YASGUI: change the version in
# vendor/yasgui/package.json, run `npm install --package-lock-only --ignore-scripts` in
# vendor/yasgui, then this script (docs/publishing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=vendor/yasgui
BUILD=$VENDOR/node_modules/@zazuko/yasgui/build
TARGET=src/rekg/static/yasgui
STAMP=$VENDOR/node_modules/.rekg-lock-stamp
FILES=(yasgui.min.js yasgui.min.css)

if ! cmp -s "$VENDOR/package-lock.json" "$STAMP" || [ ! -f "$BUILD/yasgui.min.js" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "scripts/vendor-yasgui.sh: npm is missing (install Node.js 20 and npm: apt-get install nodejs npm)" >&2
    exit 2
  fi
  echo "vendoring YASGUI: npm ci in $VENDOR" >&2
  # --ignore-scripts: only the published build is used, nothing of the packages is run;
  # npm ci checks every package against the lockfile's integrity hashes
  (cd "$VENDOR" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null)
  cp "$VENDOR/package-lock.json" "$STAMP"
fi

mkdir -p "$TARGET"
for name in "${FILES[@]}"; do
  if ! cmp -s "$BUILD/$name" "$TARGET/$name"; then
    # through a temporary file, so that an interrupted copy never leaves half a file
    cp "$BUILD/$name" "$TARGET/$name.tmp"
    mv "$TARGET/$name.tmp" "$TARGET/$name"
  fi
done
# the version, for the pages' footers and the docs
version=$(sed -n 's/^ *"version": "\([^"]*\)".*/\1/p' "$VENDOR/node_modules/@zazuko/yasgui/package.json" | head -n 1)
if [ "$(cat "$TARGET/VERSION" 2>/dev/null)" != "$version" ]; then
  echo "$version" >"$TARGET/VERSION"
fi
