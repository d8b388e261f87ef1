#!/usr/bin/env bash
# f16 and the tensor-core family on the H200. Run in the device call from the project root, after
#   npm run build:cli
# with carry [".device", "dist-cli"]; writes under $OUT (default: runs/). STAGE picks the part:
#   probe:  the adapter with --unsafe-features, its peaks, and every f16 family verified on sampled
#           configs of a few layers, then a short tensor-core sweep beside tfjs (fp32) on one layer.
#   layers: resnet50's layers in NHWC f16 at batch 32 and 1, random search of mma (BUDGET each)
#           and of f16 igemm/splitk (BUDGET_GEMM), with tfjs's fp32 conv2d timed per problem.
set -uo pipefail
source .device/gpu-env.sh
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
  $T devices --unsafe-features --json --store "$STORE" > "$OUT/devices.json" 2>> "$LOG"
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
  for B in 32 1; do
    stamp "mma batch $B"
    $T sweep --unsafe-features --suite resnet50 --batch "$B" --layout NHWC --precision f16 --family mma --strategy random \
      --budget "${BUDGET:-60}" --store "$STORE" --out "$OUT/mma-b$B.jsonl" --json > "$OUT/mma-b$B.json" 2>> "$LOG"
  done
  ;;
esac
stamp done
kill $SMI
tail -c 3000 "$LOG"
