#!/usr/bin/env bash
# Exhaustive igemm sweeps of resnet50's 3x3 layers in NHWC on the H200 (every valid config), with the
# engine's clock guards on, after a throughput check on a mid-size layer; clocks logged beside it.
# Run in the device call from the project root (carry [".device", "dist-cli"]) after npm run build:cli.
# Resumable: each sweep appends to $EXH (carry an earlier one to go on from it). Stops itself after $DEADLINE seconds.
set -uo pipefail
source .device/gpu-env.sh >/dev/null
OUT=${OUT:-runs}; mkdir -p "$OUT"
DEADLINE=${DEADLINE:-500}
T="node dist-cli/tunelab.mjs"
LOG="$OUT/log.txt"; STORE=/tmp/store.jsonl; EXH=${EXH:-/tmp/exhaustive.jsonl}
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$LOG"
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,utilization.gpu,clocks_event_reasons.active --format=csv -lms 200 > "$OUT/clocks.csv" &
SMI=$!
$T devices --json --store "$STORE" > /dev/null
[ -n "${SKIP_THROUGHPUT:-}" ] || $T sweep --problem 4x96x33x33,160x3x3,pad=1,layout=NHWC --family igemm,splitk --strategy random --budget 300 --seed 11 \
  --baseline none --store "$STORE" --out /tmp/throughput.jsonl --json > "$OUT/throughput.json" 2>> "$LOG"
LAYERS=${LAYERS:-"32x64x56x56,64x3x3,pad=1 32x128x28x28,128x3x3,pad=1 1x128x28x28,128x3x3,pad=1 32x256x14x14,256x3x3,pad=1 1x256x14x14,256x3x3,pad=1 32x512x7x7,512x3x3,pad=1"}
timeout "$DEADLINE" bash -c "for p in $LAYERS; do $T sweep --problem \$p,layout=NHWC --family igemm --strategy exhaustive --baseline tfjs --store $STORE --out $EXH --json >> $OUT/exhaustive.json 2>> $LOG; done"
kill $SMI
gzip -c "$EXH" > "$OUT/exhaustive.jsonl.gz"
grep -v '^\[' "$LOG" | tail -c 3000
