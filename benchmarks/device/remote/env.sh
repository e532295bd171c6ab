# Sourced from the repository root on the device machine: the travelled stack
# goes before the image's packages (its transformers 5 does not fit). The
# travelled numpy 1.26 goes first too, unless thinc cannot reach the GPU with it
# (the image's cupy may need numpy 2): the first source tries it and keeps the choice.
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
STACK=/root/kg/site:/root/kg/package
if [ ! -e /root/kg/numpy-choice ]; then
  if PYTHONPATH=/root/kg/numpy:$STACK python3 -c "import spacy_transformers; from thinc.api import require_gpu; require_gpu(0)" \
      > /root/kg/numpy-check.log 2>&1; then
    echo /root/kg/numpy: > /root/kg/numpy-choice
  else
    echo "travelled numpy cannot reach the GPU (see /root/kg/numpy-check.log): using the image's numpy"
    touch /root/kg/numpy-choice
  fi
fi
export PYTHONPATH=$PWD:$PWD/benchmarks:$(cat /root/kg/numpy-choice)$STACK
