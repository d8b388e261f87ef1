# Sourced on the device by the scripts beside it: the GPU environment, and the bundles pack.sh packed.
source .device/gpu-env.sh > /dev/null
mkdir -p dist-cli
for b in tunelab retime; do
  [ -f ".device/$b.mjs.gz" ] && gunzip -c ".device/$b.mjs.gz" > "dist-cli/$b.mjs"
done
