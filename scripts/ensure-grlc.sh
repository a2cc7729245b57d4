#!/usr/bin/env bash
# Install grlc (CLARIAH's SPARQL-query-to-web-API server, from PyPI) into its own virtualenv,
# .venv-grlc/, for tests/test_grlc.py, which serves queries/questions/ with it.
# grlc pins Flask, rdflib, requests and gunicorn to exact versions that need not agree with
# rekg's own, so it never goes into .venv.
# Idempotent: the stamp names the version installed; while it is there nothing is fetched,
# so the tests run offline after the first install. A failed install leaves no stamp, and
# the next run starts again from an empty folder.
# Usage: scripts/ensure-grlc.sh [VENV]      (default: .venv-grlc in the repository's root;
#        PYTHON chooses the interpreter, default python3)
set -euo pipefail
GRLC_VERSION=1.3.11
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-$root/.venv-grlc}"
stamp="$venv/.installed-grlc-$GRLC_VERSION"
python="${PYTHON:-python3}"

if [ -f "$stamp" ] && [ -x "$venv/bin/gunicorn" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi
fail() {
  echo "rekg: could not install grlc $GRLC_VERSION into $venv: $1" >&2
  echo "  fix: $2" >&2
  exit 2
}
echo "installing grlc $GRLC_VERSION from PyPI into $venv" >&2
rm -rf "$venv"
"$python" -m venv "$venv" ||
  fail "'$python -m venv' failed" "set PYTHON to a Python 3.11 or later that has venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "grlc==$GRLC_VERSION" >&2 ||
  fail "pip could not install it" \
    "run scripts/ensure-grlc.sh once where PyPI can be reached (make test does)"
touch "$stamp"
