#!/usr/bin/env bash
# What Dawn's bounds checks cost. STAGE=ab (the default): each resnet50 layer's exhaustive igemm best
# and its f16 tensor-core best re-timed in fresh processes, with the checks (the default) and without
# (--unchecked-bounds), alternately, so the GPU's state drifts alike over both. STAGE=search: the
# 300-candidate tensor-core search of five of the largest batch-32 layers (seed 7) again without the
# checks, and its bests re-timed in a fresh process. The SM clock is logged beside. After
# bench/h200/pack.sh here, run from the project root in the device call with carry [".device"].
set -uo pipefail
source bench/h200/bundles.sh
OUT=${OUT:-runs}; mkdir -p "$OUT"
LOG="$OUT/unchecked-bounds-log.txt"
R="node dist-cli/retime.mjs --best"
IGEMM=docs/h200/exhaustive-igemm-resnet50-nhwc.jsonl.gz
MMA=docs/h200/tensor-cores/mma-b32.jsonl.gz
log_clocks "$OUT/unchecked-bounds-clocks.csv" 200
if [ "${STAGE:-ab}" = search ]; then
  FIVE="32x3x224x224,64x7x7,pad=3,stride=2;32x64x56x56,64x3x3,pad=1;32x128x28x28,128x3x3,pad=1;32x256x14x14,256x3x3,pad=1;32x512x7x7,512x3x3,pad=1"
  stamp "mma search without bounds checks"
  node dist-cli/tunelab.mjs sweep --unsafe-features --unchecked-bounds \
    --problem "$(echo "$FIVE" | sed 's/;/,layout=NHWC,precision=f16;/g'),layout=NHWC,precision=f16" \
    --family mma --strategy random --budget 300 --seed 7 --baseline none --workers 6 \
    --out "$OUT/mma-headroom-unchecked.jsonl" --json 2>> "$LOG" | tail -1 > "$OUT/mma-headroom-unchecked-sweep.json"
  stamp "retime the bests"
  $R --unsafe-features --unchecked-bounds --data "$OUT/mma-headroom-unchecked.jsonl" \
    --out "$OUT/mma-headroom-unchecked-best.json" 2>> "$LOG" | grep -E 'compared|medianAbs|maxAbs'
  kill $SMI
  gzip -f "$OUT/unchecked-bounds-clocks.csv" "$OUT/mma-headroom-unchecked.jsonl"
  exit 0
fi
for round in 1 2; do
  for mode in checked unchecked; do
    flag=$([ "$mode" = unchecked ] && echo --unchecked-bounds)
    stamp "igemm $mode $round"
    $R --data "$IGEMM" $flag --out "$OUT/igemm-$mode-$round.json" 2>> "$LOG" | grep -E 'compared|medianAbs|maxAbs' | tee -a "$LOG"
  done
done
for mode in checked unchecked; do
  flag=$([ "$mode" = unchecked ] && echo --unchecked-bounds)
  stamp "mma $mode"
  $R --unsafe-features --data "$MMA" $flag --out "$OUT/mma-$mode.json" 2>> "$LOG" | grep -E 'compared|medianAbs|maxAbs' | tee -a "$LOG"
done
kill $SMI
gzip -f "$OUT/unchecked-bounds-clocks.csv"
