# Sourced on the device machine, first from the repository root: works in a
# private copy of the tree (/root/kg/repo), since the device tool re-syncs the
# working tree at each call and a process starting then can miss a module. The
# travelled stack goes before the image's packages (its transformers 5 does not
# fit); the travelled numpy 1.26 goes first too, unless thinc cannot reach the
# GPU with it (the image's cupy needs numpy 2): the first source tries it.
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
REPO=/root/kg/repo STACK=/root/kg/site:/root/kg/package
if [ ! -d $REPO ]; then
  mkdir -p $REPO/training && cp -a benchmarks configs spacy_kogner assets setup.py $REPO/ && cp -a training/benchmark $REPO/training/
fi
cd $REPO
if [ ! -e /root/kg/numpy-choice ]; then
  if PYTHONPATH=/root/kg/numpy:$STACK python3 -c "import spacy_transformers; from thinc.api import require_gpu; require_gpu(0)" \
      > /root/kg/numpy-check.log 2>&1; then
    echo /root/kg/numpy: > /root/kg/numpy-choice
  else
    echo "travelled numpy cannot reach the GPU (see /root/kg/numpy-check.log): using the image's numpy"
    touch /root/kg/numpy-choice
  fi
fi
export PYTHONPATH=$REPO:$REPO/benchmarks:$(cat /root/kg/numpy-choice)$STACK
