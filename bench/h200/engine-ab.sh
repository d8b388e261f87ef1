#!/usr/bin/env bash
# What each engine guard costs in throughput on the H200: the same mid-size layer, 200 candidates a run
# (different seeds), one option changed at a time; the first run is profiled (node --cpu-prof).
# Run as bench/h200/engine-check.sh is; writes $OUT/ab.txt and $OUT/a.cpuprofile.gz
# (docs/h200/engine-throughput-ab.txt, docs/h200/engine-sweep.cpuprofile.gz).
set -uo pipefail
source .device/gpu-env.sh >/dev/null
OUT=${OUT:-runs}; mkdir -p "$OUT"
T=dist-cli/tunelab.mjs
A="--problem 4x96x33x33,160x3x3,pad=1,layout=NHWC --family igemm,splitk --strategy random --budget 100 --baseline none --store /tmp/s.jsonl --json"
node $T devices --store /tmp/s.jsonl > /dev/null
node --cpu-prof --cpu-prof-dir=/tmp/prof $T sweep $A --seed 21 --out /tmp/a.jsonl > /tmp/a.json 2>/dev/null
gzip -c /tmp/prof/*.cpuprofile > "$OUT/a.cpuprofile.gz"
i=22
for opt in "--keep-warm off" "--sentinel off" "--compile-ahead 0" "--compile-ahead 16" "--keep-warm off --sentinel off" ""; do
  node $T sweep $A --seed $i $opt --out /tmp/x$i.jsonl > /tmp/x$i.json 2>/dev/null
  echo "[$opt] $(python3 -c "import json; d=json.load(open('/tmp/x$i.json')); print(round(d['throughput']['perSecond'],1), d['drift']['checks'])")"
  i=$((i + 1))
done | tee "$OUT/ab.txt"
