# The largest resnet50 layers at batch 32: the local search resumed from each layer's best so far, with a larger budget.
S="--store /tmp/st/store.jsonl"
O="--out runs/resnet50-b32-nhwc.jsonl"
L="32x64x56x56,64x3x3,pad=1,layout=NHWC;32x128x56x56,128x3x3,pad=1,stride=2,layout=NHWC;32x128x28x28,128x3x3,pad=1,layout=NHWC;32x256x28x28,256x3x3,pad=1,stride=2,layout=NHWC;32x256x14x14,256x3x3,pad=1,layout=NHWC;32x512x14x14,512x3x3,pad=1,stride=2,layout=NHWC;32x512x7x7,512x3x3,pad=1,layout=NHWC"
timeout -s INT 200 node dist-cli/tunelab.mjs sweep --problem "$L" --family igemm,splitk --strategy local --budget 40 $O $S
timeout -s INT 90 node dist-cli/tunelab.mjs sweep --problem 32x3x224x224,64x7x7,pad=3,stride=2,layout=NHWC --family igemm,im2col --strategy local --budget 40 $O $S
cp runs/resnet50-b32-nhwc.jsonl ${OUT:-.}/
