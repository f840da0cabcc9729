#!/usr/bin/env bash
# Headless Chromium (Debian's `chromium` package) for the tests that load the sandbox status page and
# the SLA report: `chromium --headless --dump-dom` / `--screenshot`. Installed from the Debian archive
# when missing; prints the binary's path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "[chromium] not installed and cannot install it (needs root and apt-get): apt-get install chromium" >&2
    exit 1
  fi
  echo "[chromium] installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends chromium >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends chromium >&2; }
fi
command -v chromium
