"""`spacy train` on the GPU when torch sees one (`python -m spacy_kogner train`)."""
from pathlib import Path
from typing import Any, Dict


def resolve_gpu_id(gpu_id: str) -> int:
    """'auto': 0 if torch sees a CUDA device, else -1; otherwise the given int."""
    if gpu_id == "auto":
        import torch

        return 0 if torch.cuda.is_available() else -1
    return int(gpu_id)


def train(config_path: Path, output_path: Path, gpu_id: int, overrides: Dict[str, Any]) -> None:
    """spaCy's `train` with config overrides (e.g. {"paths.train": ...}) on `gpu_id` (-1: CPU)."""
    from spacy.cli.train import train as spacy_train

    spacy_train(config_path, output_path, use_gpu=gpu_id, overrides=overrides)
