"""NER on raw PubTator text, scored on exact character offsets, with a choice of
tokenizer and of pipes to leave out (`python -m spacy_kogner evaluate-raw`)."""
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

from ..corpus.convert import TOKENIZERS as NAMED_TOKENIZERS
from ..corpus.pubtator import read_pubtator
from .scores import set_prf

TOKENIZERS = {"pipeline": None, **NAMED_TOKENIZERS}  # "pipeline": the loaded pipeline's own
Mention = Tuple[str, int, int, str]  # (document id, start char, end char, label)


def read_pubtator_documents(path: Path) -> Tuple[Dict[str, str], Set[Mention]]:
    """Texts (title + ' ' + abstract) and gold (doc, start, end, label) mentions."""
    data = read_pubtator([path])
    return data.texts, {(m.pmid, m.start, m.end, m.label) for m in data.mentions}


def evaluate_raw(model: str, pubtator: Path, tokenizer: str = "pipeline", exclude: Sequence[str] = (),
                 batch_size: int = 16) -> Dict:
    """Annotate the raw abstracts of a PubTator file with a pipeline (its own
    tokenizer, or `tokenizer` from TOKENIZERS) and score its entities against the
    gold character offsets, overall and per type."""
    import spacy
    from spacy.util import registry

    if tokenizer not in TOKENIZERS:
        raise ValueError(f"tokenizer must be one of {sorted(TOKENIZERS)}, not {tokenizer!r}")
    nlp = spacy.load(model, exclude=list(exclude))
    if TOKENIZERS[tokenizer]:
        nlp.tokenizer = registry.tokenizers.get(TOKENIZERS[tokenizer])()(nlp)
    texts, gold = read_pubtator_documents(pubtator)
    pred: Set[Mention] = set()
    ids = list(texts)
    for pmid, doc in zip(ids, nlp.pipe((texts[i] for i in ids), batch_size=batch_size)):
        pred.update((pmid, ent.start_char, ent.end_char, ent.label_) for ent in doc.ents)
    labels: List[str] = sorted({m[3] for m in gold} | {m[3] for m in pred})
    return {
        "model": model, "data": str(pubtator), "tokenizer": tokenizer, "exclude": list(exclude),
        "docs": len(texts), "gold_mentions": len(gold), "predicted": len(pred),
        "overall": set_prf(pred, gold),
        "per_type": {label: set_prf({m for m in pred if m[3] == label}, {m for m in gold if m[3] == label})
                     for label in labels},
    }
