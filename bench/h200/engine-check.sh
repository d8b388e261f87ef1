#!/usr/bin/env bash
# The measurement engine on the H200: a long sweep of one problem with the clock guards on (clocks
# logged beside it), the same re-timed in a fresh process by a serial engine, and a sweep with the
# guards off for comparison. Run in the device call from the project root, after
#   npm run build:cli && node bench/run.mjs --bundle dist-cli/retime.mjs bench/retime.ts
# with carry [".device", "dist-cli"]; writes under $OUT (default: runs/).
set -uo pipefail
source .device/gpu-env.sh
OUT=${OUT:-runs}; mkdir -p "$OUT"
BUDGET=${BUDGET:-750}
P=${P:-4x96x33x33,160x3x3,pad=1,layout=NHWC}
T="node dist-cli/tunelab.mjs"
LOG="$OUT/phases.txt"; STORE=/tmp/store.jsonl
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$LOG"
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,utilization.gpu,clocks_event_reasons.active --format=csv -lms 100 > "$OUT/clocks.csv" &
SMI=$!
stamp() { echo "$(date +%H:%M:%S.%N | cut -c1-12) $*" | tee -a "$LOG"; }
stamp devices
$T devices --json --store "$STORE" > "$OUT/devices.json"
stamp guarded-sweep
$T sweep --problem "$P" --family igemm,splitk --strategy random --budget "$BUDGET" --baseline none \
  --store "$STORE" --out "$OUT/guarded.jsonl" --json > "$OUT/guarded.json" 2>> "$LOG"
stamp retime-serial
node dist-cli/retime.mjs --data "$OUT/guarded.jsonl" --sample 40 --compile-ahead 0 --out "$OUT/retime.json" 2>> "$LOG"
stamp unguarded-sweep
$T sweep --problem "$P" --family igemm,splitk --strategy random --budget 100 --seed 9 --baseline none \
  --keep-warm off --sentinel off --store "$STORE" --out "$OUT/unguarded.jsonl" --json > "$OUT/unguarded.json" 2>> "$LOG"
stamp done
kill $SMI
grep -v "^\[" "$LOG" | tail -c 4000
