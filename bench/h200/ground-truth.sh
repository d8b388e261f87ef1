#!/usr/bin/env bash
# Exhaustive sweeps (every valid config) of resnet50's layers in NHWC on the H200, with the engine's clock
# guards and WORKERS measuring processes, the SM clock logged beside. JOBS lists family:layer pairs; each
# family's records go to $OUT/exhaustive-FAMILY.jsonl, resumed from docs/h200/exhaustive-FAMILY-NET*.jsonl.gz
# where one exists (so a sweep cut short goes on where it stopped); NET names the network (default resnet50). Stops itself (gracefully, records
# kept) after DEADLINE seconds. CONFIGS=FILE instead of JOBS: one job a line, `family:layer CONFIG;CONFIG;...`
# (bench/seeded-splitk.ts writes them), each sweeping only those configs into $OUT/seeded-FAMILY.jsonl,
# resumed from docs/h200/seeded-FAMILY-NET*.jsonl.gz. After bench/h200/pack.sh here, run from the project
# root in the device call with carry [".device"].
set -uo pipefail
source bench/h200/bundles.sh
OUT=${OUT:-runs}; mkdir -p "$OUT"
DEADLINE=${DEADLINE:-500}
WORKERS=${WORKERS:-8}
T="node dist-cli/tunelab.mjs"
LOG="$OUT/ground-truth-log.txt"; STORE=/tmp/store.jsonl
JOBS=${JOBS:-"igemm:1x512x7x7,512x3x3,pad=1 splitk:1x512x7x7,512x3x3,pad=1 splitk:1x256x14x14,256x3x3,pad=1 splitk:1x128x28x28,128x3x3,pad=1"}
if [ -n "${CONFIGS:-}" ]; then KIND=seeded; LINES=$(zcat -f "$CONFIGS"); else KIND=exhaustive; LINES=$(tr ' ' '\n' <<< "$JOBS"); fi
log_clocks "$OUT/ground-truth-clocks.csv" 200
[ -f "$STORE" ] || $T devices --json --store "$STORE" > /dev/null
for family in $(cut -d' ' -f1 <<< "$LINES" | cut -d: -f1 | sort -u); do
  earlier=$(ls docs/h200/$KIND-$family-${NET:-resnet50}*.jsonl.gz 2>/dev/null | head -1)
  [ -n "$earlier" ] && [ ! -f "$OUT/$KIND-$family.jsonl" ] && gunzip -c "$earlier" > "$OUT/$KIND-$family.jsonl"
done
end=$(( $(date +%s) + DEADLINE ))
while read -r job configs; do
  family=${job%%:*}; layer=${job#*:}
  left=$(( end - $(date +%s) )); [ "$left" -gt 20 ] || break
  echo "$(date +%T) $family $layer" | tee -a "$LOG"
  if [ -n "$configs" ]; then search=(--configs "$configs"); else search=(--strategy exhaustive); fi
  timeout -s INT -k 60 "$left" $T sweep --problem "$layer,layout=NHWC" --family "$family" "${search[@]}" \
    --baseline tfjs --workers "$WORKERS" --store "$STORE" --out "$OUT/$KIND-$family.jsonl" --json \
    >> "$OUT/ground-truth.json" 2>> "$LOG" < /dev/null
done <<< "$LINES"
kill $SMI
for f in "$OUT"/$KIND-*.jsonl "$OUT/ground-truth-clocks.csv"; do gzip -f "$f"; done
grep -v '^\[' "$LOG" | tail -c 3000
