"""`python -m spacy_kogner convert`: IOB train/devel/test.tsv -> .spacy DocBins."""
import random
from collections import Counter
from pathlib import Path
from typing import Dict, List

import spacy
import srsly
import typer
from spacy.tokens import DocBin
from wasabi import msg

from ..corpus.iob import IOBFormatError, read_iob_sentences, sentences_to_docs
from .app import app
from .util import atomic_path

SPLITS = {"train": "train.tsv", "dev": "devel.tsv", "test": "test.tsv"}


def resolve_corpus_dir(corpus: str, corpora_root: Path) -> Path:
    """A corpus given as a folder, or by name under `corpora_root`."""
    path = Path(corpus)
    if path.is_dir():
        return path
    named = corpora_root / corpus
    if named.is_dir():
        return named
    raise FileNotFoundError(f"Corpus {corpus!r} is neither a folder nor a corpus under {corpora_root}")


@app.command("convert")
def convert(
    corpus: str = typer.Argument(..., help="Corpus name (folder under --corpora-root) or a folder of train/devel/test.tsv"),
    output_dir: Path = typer.Argument(..., help="Folder for train.spacy, dev.spacy, test.spacy, stats.json"),
    corpora_root: Path = typer.Option(Path("assets/corpora"), help="Where named corpora live"),
    train_fraction: float = typer.Option(1.0, min=0.0, max=1.0, help="Share of training documents kept (seeded)"),
    seed: int = typer.Option(0, help="Seed of the train-fraction sample"),
) -> None:
    """Convert an IOB corpus to .spacy files and print entity counts per label and split."""
    try:
        corpus_dir = resolve_corpus_dir(corpus, corpora_root)
    except FileNotFoundError as err:
        msg.fail(str(err), exits=1)
    nlp = spacy.blank("en")
    output_dir.mkdir(parents=True, exist_ok=True)
    stats: Dict[str, Dict] = {"corpus": str(corpus_dir), "train_fraction": train_fraction, "seed": seed}
    rows: List = []
    for split, filename in SPLITS.items():
        path = corpus_dir / filename
        if not path.exists():
            msg.fail(f"Missing corpus file: {path}", exits=1)
        try:
            docs = [
                sentences_to_docs(nlp.vocab, sentences, f"{path} (document {i + 1})")
                for i, sentences in enumerate(read_iob_sentences(path))
            ]
        except IOBFormatError as err:
            msg.fail(str(err), exits=1)
        n_all = len(docs)
        if split == "train" and train_fraction < 1.0:
            keep = sorted(random.Random(seed).sample(range(n_all), max(1, round(n_all * train_fraction))))
            docs = [docs[i] for i in keep]
        counts = Counter(ent.label_ for doc in docs for ent in doc.ents)
        with atomic_path(output_dir / f"{split}.spacy") as tmp:
            DocBin(docs=docs, store_user_data=False).to_disk(tmp)
        stats[split] = {"docs": len(docs), "docs_in_source": n_all, "tokens": sum(len(d) for d in docs),
                        "entities": dict(sorted(counts.items()))}
        rows.append((split, len(docs), stats[split]["tokens"], ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))))
    srsly.write_json(output_dir / "stats.json", stats)
    msg.good(f"Converted {corpus_dir} -> {output_dir}")
    msg.table(rows, header=("split", "docs", "tokens", "entities"))
