#!/bin/bash
# Build what a benchmark run on the device machine needs, in .device/ (ignored):
# the spaCy stack for its Python 3.12 (its torch stays), this package as a wheel,
# the transformer as float16, and a harness data folder. See README.md.
# Usage, from the repository root: benchmarks/device/pack.sh WORK_ROOT [SETTING_DATA] [ENCODER]
#   WORK_ROOT: a clone whose training/benchmark/data holds the built data folder (and
#              whose assets/transformer built its KG)
#   SETTING_DATA: its name (default bc5cdr-full-s0)
#   ENCODER: a second transformer folder to fine-tune (harness --encoder), packed as
#            float16 in parts of at most 56 MB, one per call
set -euo pipefail
WORK_ROOT=$(cd "$1" && pwd); DATA=${2:-bc5cdr-full-s0}; ENCODER=${3:-}
PY=${PYTHON:-python}
OUT=.device; STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
[ -f "$WORK_ROOT/training/benchmark/data/$DATA/data.json" ] || { echo "no harness data folder $WORK_ROOT/training/benchmark/data/$DATA" >&2; exit 1; }
TRANSFORMER=$WORK_ROOT/assets/transformer  # the encoder that data folder's KG was built with
[ -f $TRANSFORMER/model.safetensors ] || { echo "$TRANSFORMER/model.safetensors missing" >&2; exit 1; }
rm -rf $OUT; mkdir -p $OUT/wheels

# Compiled and pure packages the image lacks or has in other versions, at this venv's versions.
NAMES="spacy thinc blis cymem preshed murmurhash srsly wasabi weasel catalogue confection spacy-legacy
spacy-loggers cloudpathlib smart-open wrapt pydantic pydantic-core annotated-types typing-inspection
typing-extensions spacy-transformers spacy-alignments transformers tokenizers huggingface-hub numpy
scispacy torch-geometric bioc jsonlines typer click"
PINS=$($PY -m pip freeze | tr 'A-Z_' 'a-z-' | grep -E "^($(echo $NAMES | tr ' ' '|'))==")
PLATFORMS=""
for n in 17 24 27 28 31 34 35; do PLATFORMS="$PLATFORMS --platform manylinux_2_${n}_x86_64"; done
$PY -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux2014_x86_64 --platform manylinux1_x86_64 $PLATFORMS -d $OUT/wheels $PINS
$PY -m pip install -q --no-index --no-deps --no-compile --only-binary=:all: --python-version 3.12 \
  --implementation cp --platform manylinux2014_x86_64 $PLATFORMS --target $STAGE/site $OUT/wheels/*.whl
# sdist-only pure-python packages (bioc's), copied from this venv
SITE=$($PY -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
cp -r $SITE/docopt.py $SITE/docopt-*.dist-info $SITE/intervaltree $SITE/intervaltree-*.dist-info $STAGE/site/
rm -rf $OUT/wheels

# Trim: other languages' data (spacy.registrations imports ja, ko, th, vi and zh), model
# code transformers does not load for BERT or MPNet (its auto mappings import every
# configuration module), sources, debug symbols.
cd $STAGE/site
for d in spacy/lang/*/; do case $(basename $d) in en|xx|ja|ko|th|vi|zh) ;; *) rm -rf $d;; esac; done
for d in transformers/models/*/; do
  case $(basename $d) in auto|bert|mpnet|encoder_decoder) ;; *) find $d -type f ! -name "configuration_*.py" ! -name "__init__.py" -delete;; esac
done
find . -name __pycache__ -prune -exec rm -rf {} +
find . \( -name "*.pyx" -o -name "*.pxd" -o -name "*.cpp" -o -name "*.c" -o -name "*.h" \) -delete
find . -name "*.so" -exec strip --strip-unneeded {} + 2>/dev/null || true
tar -cf - --exclude='./numpy' --exclude='./numpy.libs' --exclude='./numpy-*.dist-info' . | xz -T0 -6 > "$OLDPWD/$OUT/stack.tar.xz"
tar -cf - ./numpy ./numpy.libs ./numpy-*.dist-info | xz -T0 -6 > "$OLDPWD/$OUT/numpy.tar.xz"
cd "$OLDPWD"

$PY -m pip wheel -q --no-deps --no-build-isolation -w $OUT .
$PY benchmarks/device/remote/transformer_precision.py half $TRANSFORMER $STAGE/transformer16
tar -cf $OUT/transformer16.tar -C $STAGE transformer16
if [ -n "$ENCODER" ]; then
  $PY benchmarks/device/remote/transformer_precision.py half "$ENCODER" $STAGE/encoder16
  tar -cf - -C $STAGE encoder16 | split -b 56m - $OUT/encoder16.tar.part-
fi
# the gold PubTator file is part of the data folder's recorded KG command (--pubtator-gold)
DATA_PATHS="training/benchmark/data/$DATA assets/corpora/bc5cdr-pubtator/train.PubTator.txt"
[ -d "$WORK_ROOT/training/benchmark/data/cross-ncbi-disease" ] && DATA_PATHS="$DATA_PATHS training/benchmark/data/cross-ncbi-disease"
tar -cf - -C "$WORK_ROOT" $DATA_PATHS | xz -T0 -6 > $OUT/data.tar.xz
ls -la $OUT
