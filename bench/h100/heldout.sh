# Finish resnet50 batch 32 (GEMM families), then held-out layers of resnet18, vgg16 and yolov3-tiny under the same protocol.
S="--store /tmp/st/store.jsonl"
run() { timeout -s INT "$1" node dist-cli/tunelab.mjs sweep "${@:2}" $S; }
cp runs/resnet50-b32-nhwc.jsonl ${OUT:-.}/
run 110 --suite resnet50 --batch 32 --layout NHWC --out ${OUT:-.}/resnet50-b32-nhwc.jsonl --family igemm,splitk --strategy local --budget 14
for H in "32x64x56x56,128x3x3,pad=1,stride=2,layout=NHWC;32x128x28x28,256x3x3,pad=1,stride=2,layout=NHWC;32x256x14x14,512x3x3,pad=1,stride=2,layout=NHWC;32x64x56x56,128x1x1,stride=2,layout=NHWC;32x256x14x14,512x1x1,stride=2,layout=NHWC;32x128x56x56,256x3x3,pad=1,layout=NHWC;32x256x28x28,512x3x3,pad=1,layout=NHWC;32x512x14x14,512x3x3,pad=1,layout=NHWC;32x64x52x52,128x3x3,pad=1,layout=NHWC;32x1024x13x13,256x1x1,layout=NHWC" "1x64x56x56,128x3x3,pad=1,stride=2,layout=NHWC;1x128x28x28,256x3x3,pad=1,stride=2,layout=NHWC;1x256x14x14,512x3x3,pad=1,stride=2,layout=NHWC;1x64x56x56,128x1x1,stride=2,layout=NHWC;1x256x14x14,512x1x1,stride=2,layout=NHWC;1x128x56x56,256x3x3,pad=1,layout=NHWC;1x256x28x28,512x3x3,pad=1,layout=NHWC;1x512x14x14,512x3x3,pad=1,layout=NHWC;1x64x52x52,128x3x3,pad=1,layout=NHWC;1x1024x13x13,256x1x1,layout=NHWC"; do
  run 120 --problem "$H" --out ${OUT:-.}/heldout-nhwc.jsonl --family igemm,splitk --strategy local --budget 12
  run 45 --problem "$H" --out ${OUT:-.}/heldout-nhwc.jsonl --family im2col --strategy local --budget 4
done
