"""`python -m spacy_kogner evaluate-raw`: NER on raw PubTator text, scored on
character offsets, with a choice of tokenizer and of pipes to leave out."""
from pathlib import Path
from typing import Dict, List, Set, Tuple

import spacy
import srsly
import typer
from spacy.util import registry
from wasabi import msg

from ..kg.sources import read_pubtator
from .app import app

TOKENIZERS = {"pipeline": None, "spacy": "spacy.Tokenizer.v1", "scispacy": "spacy_kogner.SciSpacyTokenizer.v1"}
Mention = Tuple[str, int, int, str]


def read_pubtator_documents(path: Path) -> Tuple[Dict[str, str], Set[Mention]]:
    """Texts (title + ' ' + abstract) and gold (doc, start, end, label) mentions."""
    data = read_pubtator([path])
    return data.texts, {(m.pmid, m.start, m.end, m.label) for m in data.mentions}


def prf(pred: Set[Mention], gold: Set[Mention]) -> Dict[str, float]:
    """Precision, recall and F1 (in %) of exact-offset matches."""
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"p": round(100 * p, 2), "r": round(100 * r, 2), "f": round(100 * (2 * p * r / (p + r) if p + r else 0.0), 2)}


@app.command("evaluate-raw")
def evaluate_raw(
    model: str = typer.Argument(..., help="Pipeline name or folder"),
    pubtator: Path = typer.Argument(..., exists=True, help="PubTator file with raw text and gold offsets"),
    output: Path = typer.Option(..., help="JSON file for the scores"),
    tokenizer: str = typer.Option("pipeline", help="pipeline (as saved), spacy (default English) or scispacy"),
    exclude: List[str] = typer.Option([], help="Pipes to leave out, e.g. abbreviation_detector"),
    batch_size: int = typer.Option(16, help="Docs per batch"),
) -> None:
    """Run the pipeline on raw abstracts and score entities on exact character offsets."""
    if tokenizer not in TOKENIZERS:
        msg.fail(f"--tokenizer must be one of {sorted(TOKENIZERS)}", exits=1)
    nlp = spacy.load(model, exclude=exclude)
    if TOKENIZERS[tokenizer]:
        nlp.tokenizer = registry.tokenizers.get(TOKENIZERS[tokenizer])()(nlp)
    texts, gold = read_pubtator_documents(pubtator)
    pred: Set[Mention] = set()
    ids = list(texts)
    for pmid, doc in zip(ids, nlp.pipe((texts[i] for i in ids), batch_size=batch_size)):
        pred.update((pmid, ent.start_char, ent.end_char, ent.label_) for ent in doc.ents)
    labels = sorted({m[3] for m in gold} | {m[3] for m in pred})
    scores = {
        "model": model, "data": str(pubtator), "tokenizer": tokenizer, "exclude": exclude,
        "docs": len(texts), "gold_mentions": len(gold), "predicted": len(pred),
        "overall": prf(pred, gold),
        "per_type": {label: prf({m for m in pred if m[3] == label}, {m for m in gold if m[3] == label}) for label in labels},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(output, scores)
    msg.good(f"{model} on {pubtator} (tokenizer {tokenizer}, without {exclude or 'nothing'}): {scores['overall']}")
    msg.table({label: f"P {s['p']}  R {s['r']}  F {s['f']}" for label, s in scores["per_type"].items()})
