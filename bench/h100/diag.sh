# Is the slowdown inside suite sweeps caused by tfjs's baseline in the same process, or by state built up over problems?
S="--store /tmp/st/store.jsonl"
P=32x512x7x7,2048x1x1,layout=NHWC
C="BM=128,BN=128,BK=16,TM=8,TN=8,VA=4,VB=4,PAD=4,DB=0;BM=64,BN=64,BK=16,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=0"
node dist-cli/tunelab.mjs sweep --problem $P --family igemm --configs "$C" --baseline tfjs --out ${OUT:-.}/diagA.jsonl $S
node dist-cli/tunelab.mjs sweep --problem $P --family igemm --configs "$C" --baseline none --out ${OUT:-.}/diagB.jsonl $S
node dist-cli/tunelab.mjs sweep --suite resnet50 --batch 32 --layout NHWC --family igemm --configs "BM=64,BN=64,BK=16,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=0" --baseline none --out ${OUT:-.}/diagC.jsonl $S
node dist-cli/tunelab.mjs sweep --suite resnet50 --batch 32 --layout NHWC --family igemm --configs "BM=64,BN=64,BK=16,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=0" --baseline tfjs --out ${OUT:-.}/diagD.jsonl $S
