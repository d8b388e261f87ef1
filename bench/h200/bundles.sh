# Sourced on the device by the scripts beside it: the GPU environment, the bundles pack.sh packed, and
# what every run logs beside its work.
source .device/gpu-env.sh > /dev/null
mkdir -p dist-cli
for b in tunelab retime; do
  [ -f ".device/$b.mjs.gz" ] && gunzip -c ".device/$b.mjs.gz" > "dist-cli/$b.mjs"
done

# The card and driver into LOG, then the SM clock every MS ms into FILE (until `kill $SMI`).
log_clocks() {
  nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$LOG"
  nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,utilization.gpu,clocks_event_reasons.active \
    --format=csv -lms "$2" > "$1" &
  SMI=$!
}

# A timestamped line into LOG, so clock readings can be matched to what ran.
stamp() { echo "$(date +%H:%M:%S.%N | cut -c1-12) $*" | tee -a "$LOG"; }
