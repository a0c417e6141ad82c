#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (Playwright drives it; it never
# downloads a browser of its own). Prints the export line for the test script to eval.
set -euo pipefail
case "${1:-ensure}" in
  ensure)
    if ! command -v chromium >/dev/null 2>&1; then
      if [ "$(id -u)" -ne 0 ]; then
        echo "Chromium is missing and this is not root: install it with 'apt-get install -y chromium'." >&2
        exit 1
      fi
      echo "Installing Debian's chromium for the browser tests…" >&2
      if ! apt-get install -y chromium >/dev/null 2>&1; then
        apt-get update >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null
      fi
    fi
    echo "export CROSSTALK_CHROMIUM='$(command -v chromium)'"
    ;;
  *)
    echo "usage: $0 ensure" >&2
    exit 2
    ;;
esac
