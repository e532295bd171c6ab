#!/bin/bash
# Pack the run records, evaluations and logs (not the models) of both drivers
# into one file under $OUT (the tool returns at most 8 files, 2 folders down).
cd /root/kg/repo || exit 1
PATHS=""
for path in training/device-results training/device-logs training/benchmark/logs training/benchmark/evals \
    training/benchmark/speed training/encoder-root/training/device-results training/encoder-root/training/benchmark/logs \
    training/encoder-root/training/benchmark/evals; do
  [ -e $path ] && PATHS="$PATHS $path"
done
[ -n "$PATHS" ] && tar -czf $OUT/device-results.tgz $PATHS
ls training/device-logs 2>/dev/null | tr '\n' ' '; echo
tail -n 2 training/device-logs/*.log 2>/dev/null
