#!/bin/bash
# Started with setsid on the device machine, from the repository root, once
# driver.sh's data folder is unpacked: train kogner and no-kg of SETTING (default
# bc5cdr-full) seed 0 on GPU 0 with ENCODER fine-tuned (harness --encoder) on the
# same corpus sample and KG table, and score them; no speed phase. The harness
# runs in training/encoder-root, a tree whose relative paths match those the data
# folder was built with, so its records and models stay apart from driver.sh's.
source benchmarks/device/remote/env.sh
export OMP_NUM_THREADS=4
ENCODER=$(realpath "$1"); SETTING=${2:-bc5cdr-full}
LOGS=$PWD/training/device-logs; ROOT=training/encoder-root
mkdir -p $LOGS $ROOT/training/benchmark
cp -r benchmarks configs $ROOT/
ln -sfn $PWD/training/benchmark/data $ROOT/training/benchmark/data
ln -sfn $PWD/assets $ROOT/assets
cd $ROOT
HARNESS="python3 benchmarks/benchmark.py run --settings $SETTING --seeds 0 --gpu-id 0 --results training/device-results --encoder $ENCODER --no-speed"
date -u +%FT%TZ > $LOGS/encoder-started
$HARNESS --systems kogner > $LOGS/encoder-kogner.log 2>&1 &
KOGNER=$!
$HARNESS --systems no-kg > $LOGS/encoder-no-kg.log 2>&1 &
NO_KG=$!
wait $KOGNER $NO_KG
date -u +%FT%TZ > $LOGS/encoder-done
