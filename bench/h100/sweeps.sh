# resnet50 in NHWC at batch 32 and 1: every family, local search for the GEMM families, tfjs beside each layer.
S="--store /tmp/st/store.jsonl"
run() { timeout -s INT "$1" node dist-cli/tunelab.mjs sweep "${@:2}" $S; }
for b in 32 1; do
  O="--suite resnet50 --batch $b --layout NHWC --out ${OUT:-.}/resnet50-b$b-nhwc.jsonl"
  [ $b = 32 ] && T=170 || T=130
  run $T $O --family igemm,splitk --strategy local --budget 14
  run 70 $O --family im2col --strategy local --budget 6
  run 40 $O --family direct --strategy random --budget 2
done
