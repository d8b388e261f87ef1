#!/usr/bin/env bash
# The exhaustive sweeps' best igemm config of each layer (docs/h200/exhaustive-igemm-resnet50-nhwc.jsonl.gz),
# re-timed beside tfjs's conv2d in a fresh process per layer. Run as bench/h200/ground-truth.sh is.
set -uo pipefail
source .device/gpu-env.sh >/dev/null
S="--store /tmp/st/store.jsonl"; mkdir -p /tmp/st
for_one() { node dist-cli/tunelab.mjs sweep --problem "$1" --family igemm --configs "$2" --baseline tfjs --out ${OUT:-.}/exhaustive-best-vs-tfjs.jsonl $S --json | tail -c 400; }
for_one "32x64x56x56,64x3x3,pad=1,layout=NHWC" "BM=256,BN=64,BK=16,TM=8,TN=8,VA=4,VB=1,PAD=4,DB=0"
for_one "32x128x28x28,128x3x3,pad=1,layout=NHWC" "BM=64,BN=128,BK=16,TM=8,TN=8,VA=4,VB=4,PAD=4,DB=0"
for_one "1x128x28x28,128x3x3,pad=1,layout=NHWC" "BM=32,BN=32,BK=32,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=0"
for_one "32x256x14x14,256x3x3,pad=1,layout=NHWC" "BM=64,BN=64,BK=16,TM=4,TN=8,VA=4,VB=1,PAD=4,DB=0"
for_one "1x256x14x14,256x3x3,pad=1,layout=NHWC" "BM=32,BN=32,BK=32,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=0"
for_one "32x512x7x7,512x3x3,pad=1,layout=NHWC" "BM=32,BN=64,BK=32,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=0"
for_one "1x512x7x7,512x3x3,pad=1,layout=NHWC" "BM=32,BN=32,BK=32,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=0"
