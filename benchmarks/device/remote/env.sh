# Sourced from the repository root on the device machine: the travelled stack
# goes before the image's packages (its numpy 2 and transformers 5 do not fit).
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export PYTHONPATH=$PWD:$PWD/benchmarks:/root/kg/numpy:/root/kg/site:/root/kg/package
