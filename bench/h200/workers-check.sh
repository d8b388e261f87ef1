#!/usr/bin/env bash
# Measuring workers on the H200: the mid-size layer swept with 1 to 16 workers (200 candidates a run,
# different seeds); a 1,500-candidate sweep with WORKERS workers; 40 of its candidates re-timed in a
# fresh process by a serial engine; the SM clock logged beside it all. After bench/h200/pack.sh here,
# run from the project root in the device call with carry [".device"]; writes under $OUT.
set -uo pipefail
source bench/h200/bundles.sh
OUT=${OUT:-runs}; mkdir -p "$OUT"
WORKERS=${WORKERS:-8}
P=${P:-4x96x33x33,160x3x3,pad=1,layout=NHWC}
T="node dist-cli/tunelab.mjs"
STORE=/tmp/store.jsonl; LOG="$OUT/log.txt"
A="--problem $P --family igemm,splitk --strategy random --baseline none --store $STORE --json"
log_clocks "$OUT/clocks.csv" 100
stamp devices
$T devices --json --store "$STORE" > "$OUT/devices.json"
seed=31
for n in ${COUNTS:-1 2 4 8 12 16}; do
  stamp "workers $n"
  $T sweep $A --budget 100 --seed $seed --workers $n --out /tmp/t$n.jsonl > /tmp/t$n.json 2>> "$LOG"
  echo "workers $n: $(python3 -c "import json; d=json.load(open('/tmp/t$n.json')); t=d['throughput']; print(round(t['perSecond'],1), '/s,', d['drift']['checks'], 'checks,', d['drift']['drifted'], 'drifted')")" | tee -a "$OUT/workers.txt"
  seed=$((seed + 1))
done
stamp "long sweep, $WORKERS workers"
$T sweep $A --budget ${BUDGET:-750} --seed 41 --workers "$WORKERS" --out "$OUT/pooled.jsonl" > "$OUT/pooled.json" 2>> "$LOG"
stamp retime-serial
node dist-cli/retime.mjs --data "$OUT/pooled.jsonl" --sample 40 --compile-ahead 0 --out "$OUT/retime.json" 2>> "$LOG"
stamp done
kill $SMI
gzip "$OUT/pooled.jsonl" "$OUT/clocks.csv"
cat "$OUT/workers.txt"; grep -v "^\[" "$LOG" | tail -c 2500
