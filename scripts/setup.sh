#!/usr/bin/env bash
# Installs what a fresh machine lacks, and nothing twice. Used by `npm start`, `npm test` and .ci/run.
#   scripts/setup.sh           node_modules (npm ci) when missing or older than package-lock.json
#   scripts/setup.sh --tests   also Debian's Chromium (SwiftShader's Vulkan driver inside) and the Vulkan loader
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--tests" ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' || missing+=(libvulkan1)
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]} from Debian's packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
