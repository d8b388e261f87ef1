#!/usr/bin/env bash
# Each layer's exhaustive best re-timed in a fresh process, beside tfjs's conv2d timed in that same
# process with the GPU to itself: one process per network. NETS names the networks (their records are
# docs/h200/exhaustive-igemm-NET-nhwc.jsonl.gz). After bench/h200/pack.sh here, run from the project
# root in the device call with carry [".device"].
set -uo pipefail
source bench/h200/bundles.sh
OUT=${OUT:-runs}; mkdir -p "$OUT"
LOG="$OUT/retime-bests-log.txt"
NETS=${NETS:-"resnet18 vgg16 yolov3-tiny"}
log_clocks "$OUT/retime-bests-clocks.csv" 200
for net in $NETS; do
  stamp "retime $net"
  node dist-cli/retime.mjs --best --tfjs --data "docs/h200/exhaustive-igemm-$net-nhwc.jsonl.gz" \
    --out "$OUT/exhaustive-igemm-$net-best-retime.json" 2>> "$LOG" | grep -E 'compared|medianAbs|maxAbs'
done
kill $SMI
gzip -f "$OUT/retime-bests-clocks.csv"
