#!/usr/bin/env bash
# Setup for the consumer tests (tests/test_view.py, tests/test_export.py), called by .ci/run.
#  - Chromium for the headless check of the HTML view (skipped without /usr/bin/chromium);
#  - a CJK font so that screenshots show Chinese labels (optional);
#  - graphology + graphology-gexf, pinned by tests/js/package-lock.json, for the GEXF check.
# Idempotent: does nothing that is already done. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "consumers-setup: not root and no sudo; cannot install $*" >&2; return 0
    fi
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

if ! [ -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    apt_install chromium fonts-wqy-microhei
  else
    echo "consumers-setup: no apt-get; tests/test_view.py will skip the Chromium check" >&2
  fi
fi

if command -v npm >/dev/null 2>&1; then
  if ! [ -d tests/js/node_modules/graphology-gexf ]; then
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  fi
else
  echo "consumers-setup: no npm; tests/test_export.py will skip the graphology-gexf check" >&2
fi
