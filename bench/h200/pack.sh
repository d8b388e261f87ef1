#!/usr/bin/env bash
# Here, before a device call: builds the one-file CLI and the re-timing script, and packs both into
# .device/ (compressed: the working tree, .device and the bundles must fit one call's 64 MiB).
# The scripts in bench/h200 unpack them on the device (bundles.sh). Then carry [".device"].
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build:cli > /dev/null
node bench/run.mjs --bundle dist-cli/retime.mjs bench/retime.ts > /dev/null
for b in tunelab retime; do gzip -9 -c "dist-cli/$b.mjs" > ".device/$b.mjs.gz"; done
ls -la .device/*.mjs.gz
