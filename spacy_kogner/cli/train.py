"""`python -m spacy_kogner train`: `spacy train` on the GPU when torch sees one."""
from pathlib import Path

import typer
from spacy.cli._util import parse_config_overrides
from spacy.cli.train import train as spacy_train
from wasabi import msg

from .app import app


def resolve_gpu_id(gpu_id: str) -> int:
    """'auto': 0 if torch sees a CUDA device, else -1; otherwise the given int."""
    if gpu_id == "auto":
        import torch

        return 0 if torch.cuda.is_available() else -1
    return int(gpu_id)


@app.command("train", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def train(
    ctx: typer.Context,
    config_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Training config"),
    output_path: Path = typer.Option(..., "--output", "-o", help="Output folder (model-best, model-last)"),
    gpu_id: str = typer.Option("auto", help="'auto' (GPU if present), -1 (CPU) or a GPU id"),
) -> None:
    """Run spaCy's train with config overrides (--paths.train ...), on GPU when present."""
    use_gpu = resolve_gpu_id(gpu_id)
    msg.info(f"Training on {'GPU ' + str(use_gpu) if use_gpu >= 0 else 'CPU'}")
    spacy_train(config_path, output_path, use_gpu=use_gpu, overrides=parse_config_overrides(ctx.args))
