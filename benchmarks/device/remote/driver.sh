#!/bin/bash
# Started with setsid on the device machine, from the repository root: train
# kogner and no-kg of SETTING (default bc5cdr-full) seed 0 on GPU 0 side by
# side (16 cores; training is bound by host work), then time both on the GPU.
source benchmarks/device/remote/env.sh
export OMP_NUM_THREADS=8
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
$HARNESS --systems kogner,no-kg --speed --speed-devices gpu > $LOGS/speed.log 2>&1
date -u +%FT%TZ > $LOGS/done
kill $SMI
