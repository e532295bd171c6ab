"""How well a KG table covers a corpus: the share of gold mentions whose text
is an alias of an entity of the gold type."""
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from spacy.tokens import Doc

from ..corpus.docbin import read_docs
from ..kg.holdout import ResolvedHoldOut, doc_key
from ..kg.table import KGTable


def alias_share(table: KGTable, docs: Sequence[Doc], hold_out: Optional[ResolvedHoldOut] = None) -> Dict[str, float]:
    """Per label and in all ("all"), the share of the docs' gold mentions that
    are aliases of their type; with `hold_out`, each doc's held-out links left out."""
    per_label: Dict[str, List[int]] = {}
    for doc in docs:
        exclude = hold_out.get(doc_key(doc.text), frozenset()) if hold_out else frozenset()
        for ent in doc.ents:
            hit = table.entity_of_type([t.text for t in ent], ent.label_, exclude) is not None
            counts = per_label.setdefault(ent.label_, [0, 0])
            counts[0] += int(hit)
            counts[1] += 1
    share = {label: round(h / n, 4) for label, (h, n) in sorted(per_label.items())}
    share["all"] = round(sum(c[0] for c in per_label.values()) / max(1, sum(c[1] for c in per_label.values())), 4)
    return share


def coverage(table: KGTable, corpus: Path, hold_out: Optional[ResolvedHoldOut] = None) -> Dict[str, Dict]:
    """`alias_share` of the train and dev splits (`train.spacy`, `dev.spacy` in
    `corpus`, where present); "train_with_hold_out": of train with the hold-out applied."""
    result = {}
    for split in ("train", "dev"):
        path = corpus / f"{split}.spacy"
        if not path.exists():
            continue
        docs = read_docs(path)
        result[split] = alias_share(table, docs)
        if split == "train" and hold_out:
            result["train_with_hold_out"] = alias_share(table, docs, hold_out)
    return result
