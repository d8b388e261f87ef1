#!/usr/bin/env bash
# f16 and the tensor-core family on the H200. After bench/h200/pack.sh here, run from the project root
# in the device call with carry [".device"]; writes under $OUT (default: runs/). STAGE picks the part:
#   probe:  the adapter with --unsafe-features, its peaks, and every f16 family verified on sampled
#           configs of a few layers, then a short tensor-core sweep beside tfjs (fp32) on one layer.
#   layers: resnet50's layers in NHWC f16 at batch $BATCH, a random search of the tensor-core family
#           (BUDGET candidates each, by WORKERS measuring processes), then each layer's best re-timed in a fresh process beside tfjs's
#           f32 conv2d (timed in that process too), with the measured error.
set -uo pipefail
source bench/h200/bundles.sh
OUT=${OUT:-runs}; mkdir -p "$OUT"
STAGE=${STAGE:-probe}
T="node dist-cli/tunelab.mjs"
STORE=/tmp/store.jsonl
LOG="$OUT/log.txt"
stamp() { echo "$(date +%H:%M:%S) $*" | tee -a "$LOG"; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee -a "$LOG"
nvidia-smi --query-gpu=timestamp,clocks.sm,clocks_event_reasons.active --format=csv -lms 200 > "$OUT/clocks.csv" &
SMI=$!
case "$STAGE" in
probe)
  stamp devices
  $T devices --unsafe-features --json --store "$STORE" 2>> "$LOG" | tail -1 > "$OUT/devices.json"
  P="1x64x56x56,64x3x3,pad=1,layout=NHWC,precision=f16;2x24x17x17,40x3x3,pad=1,layout=NHWC,precision=f16;1x3x30x30,20x7x7,pad=3,stride=2,layout=NHWC,precision=f16;1x512x7x7,2048x1x1,layout=NHWC,precision=f16"
  stamp verify-mma
  $T verify --unsafe-features --problem "$P" --family mma --sample 12 --json > "$OUT/verify-mma.json" 2>> "$LOG"
  for F in igemm splitk; do
    stamp "verify-$F-f16"
    $T verify --unsafe-features --problem "$P" --family $F --sample 4 --json > "$OUT/verify-$F.json" 2>> "$LOG"
  done
  stamp sweep
  $T sweep --unsafe-features --problem "32x256x14x14,256x3x3,pad=1,layout=NHWC,precision=f16" --family mma \
    --strategy random --budget "${BUDGET:-120}" --store "$STORE" --out "$OUT/sweep.jsonl" --json > "$OUT/sweep.json" 2>> "$LOG"
  ;;
layers)
  B=${BATCH:-32}
  stamp "verify-mma"
  $T verify --unsafe-features --problem "1x64x56x56,64x3x3,pad=1,layout=NHWC,precision=f16" --family mma --sample 8 2>&1 | grep -v "^ \|^:\|warning\|^$\|Compilation" >> "$LOG"
  stamp "mma batch $B"
  $T sweep --unsafe-features --suite resnet50 --batch "$B" --layout NHWC --precision f16 --family mma --strategy random \
    --budget "${BUDGET:-36}" --baseline none --workers "${WORKERS:-1}" --store "$STORE" --out "$OUT/mma-b$B.jsonl" --json 2>> "$LOG" | tail -1 > "$OUT/mma-b$B.json"
  stamp "retime batch $B"
  node dist-cli/retime.mjs --unsafe-features --data "$OUT/mma-b$B.jsonl" --best --tfjs --out "$OUT/best-b$B.json" 2>> "$LOG" | tail -12 >> "$LOG"
  gzip -f "$OUT/mma-b$B.jsonl"
  ;;
esac
stamp done
kill $SMI
tail -c 3000 "$LOG"
