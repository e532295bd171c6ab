"""`python -m spacy_kogner convert` and `evaluate-raw`: corpora in, scores out."""
from pathlib import Path
from typing import List

import typer
from wasabi import msg

from .app import app


@app.command("convert")
def convert_cli(
    corpus: str = typer.Argument(..., help="Corpus name (folder under --corpora-root) or a folder of train/devel/test.tsv (IOB) or train/devel/test.PubTator.txt; several, comma-separated, to train one model on all"),
    output_dir: Path = typer.Argument(..., help="Folder for train.spacy, dev.spacy, test.spacy, stats.json"),
    corpora_root: Path = typer.Option(Path("assets/corpora"), help="Where named corpora live"),
    file_format: str = typer.Option("iob", "--format", help="iob or pubtator"),
    tokenizer: str = typer.Option("spacy", help="pubtator: spacy, scispacy, or a pipeline folder whose tokenizer to use"),
    train_fraction: float = typer.Option(1.0, min=0.0, max=1.0, help="Share of training documents kept (seeded)"),
    seed: int = typer.Option(0, help="Seed of the train-fraction sample"),
    train_splits: str = typer.Option("train", help="Splits in train.spacy: train, or train,dev for a final model (dev.spacy is still written, but no longer held out)"),
) -> None:
    """Convert a corpus (or several, combined) to .spacy files and print entity counts
    per label and split (PubTator: also composite, id-less, misaligned and overlapping mentions)."""
    from ..corpus.convert import FORMATS, convert_corpora, resolve_corpus_dir
    from ..corpus.docbin import CorpusFileError
    from ..corpus.iob import IOBFormatError
    from ..corpus.pubtator import PubTatorFormatError

    if file_format not in FORMATS:
        msg.fail(f"--format must be one of {', '.join(FORMATS)}, not {file_format!r}", exits=1)
    try:
        corpus_dirs = [resolve_corpus_dir(name.strip(), corpora_root) for name in corpus.split(",") if name.strip()]
        stats = convert_corpora(corpus_dirs, output_dir, file_format, train_fraction, seed, tokenizer,
                                [split.strip() for split in train_splits.split(",")])
    except (CorpusFileError, IOBFormatError, PubTatorFormatError, ValueError) as err:
        msg.fail(str(err), exits=1)
    msg.good(f"Converted {', '.join(map(str, corpus_dirs))} -> {output_dir}")
    splits = [split for split in ("train", "dev", "test") if split in stats]
    rows = [(split, stats[split]["docs"], stats[split]["tokens"],
             ", ".join(f"{k} {v}" for k, v in stats[split]["entities"].items())) for split in splits]
    msg.table(rows, header=("split", "docs", "tokens", "entities"))
    for split, report in stats.get("pubtator", {}).items():
        msg.text(f"{split}: {report['mentions']} mentions, {report['composite']} composite, {report['without_id']} "
                 f"without id; not entities: {report['misaligned']} misaligned with tokens, "
                 f"{report['overlapping']} overlapping a longer mention (examples in stats.json)")


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
    left_out = f", without {', '.join(exclude)}" if exclude else ""
    msg.good(f"{model} on {pubtator} (tokenizer {tokenizer}{left_out}): {scores['overall']}")
    msg.table({label: f"P {s['p']}  R {s['r']}  F {s['f']}" for label, s in scores["per_type"].items()})
