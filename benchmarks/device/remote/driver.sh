#!/bin/bash
# Started with setsid on the device machine, from the repository root: train
# kogner and no-kg of SETTING (default bc5cdr-full) seed 0 on GPU 0 side by
# side (16 cores; training is bound by host work), then time both on the GPU.
# With SPEED_AFTER (epoch seconds) set, the timing waits until encoder_driver.sh
# is done or that time has come, so that no other training shares the GPU then.
source benchmarks/device/remote/env.sh
export OMP_NUM_THREADS=4
SETTING=${1:-bc5cdr-full}
LOGS=training/device-logs; mkdir -p $LOGS
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 15 > $LOGS/nvidia-smi.csv 2>&1 &
SMI=$!
HARNESS="python3 benchmarks/benchmark.py run --settings $SETTING --seeds 0 --gpu-id 0 --results training/device-results"
date -u +%FT%TZ > $LOGS/started
$HARNESS --systems kogner --no-speed > $LOGS/kogner.log 2>&1 &
KOGNER=$!
$HARNESS --systems no-kg --no-speed > $LOGS/no-kg.log 2>&1 &
NO_KG=$!
wait $KOGNER $NO_KG
date -u +%FT%TZ > $LOGS/trained
while [ -n "${SPEED_AFTER:-}" ] && [ ! -e $LOGS/encoder-done ] && [ "$(date +%s)" -lt "$SPEED_AFTER" ]; do sleep 5; done
{ date -u +%FT%TZ; nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv; } > $LOGS/speed-started
$HARNESS --systems kogner,no-kg --speed --speed-devices gpu > $LOGS/speed.log 2>&1
date -u +%FT%TZ > $LOGS/done
kill $SMI
