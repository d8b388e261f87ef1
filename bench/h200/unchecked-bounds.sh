#!/usr/bin/env bash
# What Dawn's bounds checks cost: each resnet50 layer's exhaustive igemm best and its f16 tensor-core
# best re-timed in fresh processes, with the checks (the default) and without (--unchecked-bounds),
# alternately, so the GPU's state drifts alike over both. The SM clock is logged beside. After
# bench/h200/pack.sh here, run from the project root in the device call with carry [".device"].
set -uo pipefail
source bench/h200/bundles.sh
OUT=${OUT:-runs}; mkdir -p "$OUT"
LOG="$OUT/unchecked-bounds-log.txt"
R="node dist-cli/retime.mjs --best"
IGEMM=docs/h200/exhaustive-igemm-resnet50-nhwc.jsonl.gz
MMA=docs/h200/tensor-cores/mma-b32.jsonl.gz
log_clocks "$OUT/unchecked-bounds-clocks.csv" 200
for round in 1 2; do
  for mode in checked unchecked; do
    flag=$([ "$mode" = unchecked ] && echo --unchecked-bounds)
    stamp "igemm $mode $round"
    $R --data "$IGEMM" $flag --out "$OUT/igemm-$mode-$round.json" 2>> "$LOG" | tail -2 | tee -a "$LOG"
  done
done
for mode in checked unchecked; do
  flag=$([ "$mode" = unchecked ] && echo --unchecked-bounds)
  stamp "mma $mode"
  $R --unsafe-features --data "$MMA" $flag --out "$OUT/mma-$mode.json" 2>> "$LOG" | tail -2 | tee -a "$LOG"
done
kill $SMI
gzip -f "$OUT/unchecked-bounds-clocks.csv"
