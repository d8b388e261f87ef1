# Targeted timing: the same configs on two layers, twice (two processes), to see whether tile orientation or run-to-run drift explains the spread.
S="--store /tmp/st/store.jsonl --baseline none"
IM="BM=256,BN=64,BK=32,TM=8,TN=4,PAD=4,DB=0,WG=64;BM=256,BN=64,BK=32,TM=4,TN=8,PAD=4,DB=0,WG=64;BM=256,BN=64,BK=32,TM=4,TN=8,PAD=4,DB=0,WG=128;BM=256,BN=64,BK=32,TM=8,TN=4,PAD=4,DB=0,WG=128;BM=128,BN=128,BK=16,TM=8,TN=8,PAD=4,DB=0,WG=64"
IG="BM=128,BN=128,BK=16,TM=8,TN=8,VA=4,VB=4,PAD=4,DB=0;BM=256,BN=64,BK=32,TM=8,TN=4,VA=4,VB=4,PAD=4,DB=0;BM=128,BN=64,BK=16,TM=8,TN=4,VA=4,VB=4,PAD=4,DB=0;BM=64,BN=128,BK=16,TM=4,TN=8,VA=4,VB=4,PAD=4,DB=0;BM=128,BN=128,BK=8,TM=8,TN=8,VA=4,VB=4,PAD=0,DB=1;BM=64,BN=64,BK=16,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=0;BM=128,BN=128,BK=32,TM=8,TN=8,VA=4,VB=4,PAD=4,DB=0"
for round in 1 2; do
  for p in 32x512x7x7,2048x1x1,layout=NHWC 32x256x14x14,256x3x3,pad=1,layout=NHWC; do
    node dist-cli/tunelab.mjs sweep --problem $p --family im2col --configs "$IM" --out ${OUT:-.}/exp$round.jsonl $S
    node dist-cli/tunelab.mjs sweep --problem $p --family igemm --configs "$IG" --out ${OUT:-.}/exp$round.jsonl $S
  done
done
