"""`spacy train` on the GPU when spaCy can use one (`python -m spacy_kogner train`)."""
from pathlib import Path
from typing import Any, Dict

from ..util import gpu_missing


def resolve_gpu_id(gpu_id: str) -> int:
    """'auto': 0 if spaCy can train on a GPU here, else -1; otherwise the given
    int. ValueError for a GPU id spaCy cannot use, saying what is missing."""
    if gpu_id == "auto":
        return 0 if gpu_missing() is None else -1
    try:
        gpu = int(gpu_id)
    except ValueError:
        raise ValueError(f"{gpu_id!r} is neither 'auto' nor a GPU id (-1: CPU)") from None
    problem = gpu_missing() if gpu >= 0 else None
    if problem:
        raise ValueError(f"GPU {gpu} asked for, but {problem}")
    return gpu


def train(config_path: Path, output_path: Path, gpu_id: int, overrides: Dict[str, Any]) -> None:
    """spaCy's `train` with config overrides (e.g. {"paths.train": ...}) on `gpu_id` (-1: CPU)."""
    from spacy.cli.train import train as spacy_train

    spacy_train(config_path, output_path, use_gpu=gpu_id, overrides=overrides)
