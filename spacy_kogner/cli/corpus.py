"""`python -m spacy_kogner convert` and `evaluate-raw`: corpora in, scores out."""
from pathlib import Path
from typing import List

import typer
from wasabi import msg

from .app import app


@app.command("convert")
def convert_cli(
    corpus: str = typer.Argument(..., help="Corpus name (folder under --corpora-root) or a folder of train/devel/test.tsv"),
    output_dir: Path = typer.Argument(..., help="Folder for train.spacy, dev.spacy, test.spacy, stats.json"),
    corpora_root: Path = typer.Option(Path("assets/corpora"), help="Where named corpora live"),
    train_fraction: float = typer.Option(1.0, min=0.0, max=1.0, help="Share of training documents kept (seeded)"),
    seed: int = typer.Option(0, help="Seed of the train-fraction sample"),
) -> None:
    """Convert an IOB corpus to .spacy files and print entity counts per label and split."""
    from ..corpus.convert import SPLITS, convert_iob_corpus, resolve_corpus_dir
    from ..corpus.docbin import CorpusFileError
    from ..corpus.iob import IOBFormatError

    try:
        corpus_dir = resolve_corpus_dir(corpus, corpora_root)
        stats = convert_iob_corpus(corpus_dir, output_dir, train_fraction, seed)
    except (CorpusFileError, IOBFormatError) as err:
        msg.fail(str(err), exits=1)
    msg.good(f"Converted {corpus_dir} -> {output_dir}")
    rows = [(split, stats[split]["docs"], stats[split]["tokens"],
             ", ".join(f"{k} {v}" for k, v in stats[split]["entities"].items())) for split in SPLITS]
    msg.table(rows, header=("split", "docs", "tokens", "entities"))


@app.command("evaluate-raw")
def evaluate_raw_cli(
    model: str = typer.Argument(..., help="Pipeline name or folder"),
    pubtator: Path = typer.Argument(..., exists=True, help="PubTator file with raw text and gold offsets"),
    output: Path = typer.Option(..., help="JSON file for the scores"),
    tokenizer: str = typer.Option("pipeline", help="pipeline (as saved), spacy (default English) or scispacy"),
    exclude: List[str] = typer.Option([], help="Pipes to leave out, e.g. abbreviation_detector"),
    batch_size: int = typer.Option(16, help="Docs per batch"),
) -> None:
    """Run the pipeline on raw abstracts and score entities on exact character offsets."""
    import srsly

    from ..evaluation.raw_text import evaluate_raw

    try:
        scores = evaluate_raw(model, pubtator, tokenizer, exclude, batch_size)
    except ValueError as err:
        msg.fail(str(err), exits=1)
    output.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(output, scores)
    msg.good(f"{model} on {pubtator} (tokenizer {tokenizer}, without {exclude or 'nothing'}): {scores['overall']}")
    msg.table({label: f"P {s['p']}  R {s['r']}  F {s['f']}" for label, s in scores["per_type"].items()})
