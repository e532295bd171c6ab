#!/bin/bash
# Copy the run records, evaluations and logs (not the models) under $OUT.
for path in training/device-results training/device-logs training/benchmark/logs training/benchmark/evals training/benchmark/speed; do
  [ -e $path ] && mkdir -p $OUT/$(dirname $path) && cp -r $path $OUT/$path
done
ls training/device-logs
tail -n 3 training/device-logs/*.log
