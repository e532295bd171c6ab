"""Does making a document's repeated names agree help? A pipeline annotates the
raw abstracts of a PubTator file once; then each rule below rewrites the
entities of every abstract, and all are scored on exact character offsets
against the gold mentions, with a paired bootstrap over abstracts against the
pipeline's own entities (`paired_bootstrap.py`). An abstract often names a
chemical or disease several times, and the model may tag some occurrences and
miss others.

- propagate: each unpredicted occurrence of a predicted entity's exact token
  sequence gets that text's most frequent label (occurrences that overlap an
  entity are left alone; longer texts first), counting only entities whose
  confidence reaches `min_confidence`.
- majority: a text predicted at `add_at` or more of its occurrences is tagged at
  all of them; one predicted at fewer than `drop_below` of them at none.

For choosing on dev only:

    python benchmarks/repeated_names.py training/model-best assets/corpora/bc5cdr-pubtator/devel.PubTator.txt \\
        --output benchmarks/experiments/repeated-names-bc5cdr-dev.json
"""
import argparse
import json
import shlex
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Sequence, Set, Tuple

import numpy as np
import spacy

from kogner_benchmark.measure import code_version, machine_description
from paired_bootstrap import f1, paired_bootstrap
from spacy_kogner.evaluation.raw_text import read_pubtator_documents

TokenEntity = Tuple[int, int, str]  # start token, end token, label
RULES: List[Dict[str, Any]] = [
    {"rule": "propagate", "min_confidence": 0.0},
    {"rule": "propagate", "min_confidence": 0.5},
    {"rule": "propagate", "min_confidence": 0.8},
    {"rule": "majority", "add_at": 0.5, "drop_below": 0.0},
    {"rule": "majority", "add_at": 0.67, "drop_below": 0.0},
    {"rule": "majority", "add_at": 2.0, "drop_below": 0.34},
    {"rule": "majority", "add_at": 2.0, "drop_below": 0.5},
    {"rule": "majority", "add_at": 0.67, "drop_below": 0.34},
]


def occurrences(words: Sequence[str], text: Tuple[str, ...]) -> List[int]:
    """Start tokens of every occurrence of the token sequence `text`."""
    n = len(text)
    return [i for i in range(len(words) - n + 1) if tuple(words[i:i + n]) == text]


def rewrite(words: Sequence[str], entities: List[TokenEntity], confidences: Sequence[float],
            rule: Dict[str, Any]) -> List[TokenEntity]:
    """The entities of one document after a rule of RULES."""
    by_text: Dict[Tuple[str, ...], List[TokenEntity]] = defaultdict(list)
    for (start, end, label), confidence in zip(entities, confidences):
        if rule["rule"] == "majority" or confidence >= rule["min_confidence"]:
            by_text[tuple(words[start:end])].append((start, end, label))
    kept = set(entities)
    taken = np.zeros(len(words), dtype=bool)
    for start, end, _ in entities:
        taken[start:end] = True
    added = []
    for text in sorted(by_text, key=len, reverse=True):
        found = occurrences(words, text)
        share = len(by_text[text]) / len(found)
        if rule["rule"] == "majority":
            if share < rule["drop_below"]:
                kept.difference_update(by_text[text])
                continue
            if share < rule["add_at"]:
                continue
        label = Counter(label for _, _, label in by_text[text]).most_common(1)[0][0]
        for start in found:
            if not taken[start:start + len(text)].any():
                added.append((start, start + len(text), label))
                taken[start:start + len(text)] = True
    return sorted(kept) + added


def counts(pred: Set[Tuple], gold: Set[Tuple], ids: Sequence[str]) -> np.ndarray:
    """(true positives, predicted, gold) mentions per document (a mention's first field is its document)."""
    index = {pmid: row for row, pmid in enumerate(ids)}
    table = np.zeros((len(ids), 3), dtype=np.int64)
    for column, mentions in enumerate((pred & gold, pred, gold)):
        np.add.at(table[:, column], [index[m[0]] for m in mentions], 1)
    return table


def main(argv=None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="pipeline folder or package")
    parser.add_argument("pubtator", type=Path, help="PubTator file of abstracts with gold mentions (a dev split)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args(argv)
    nlp = spacy.load(args.model)
    texts, gold = read_pubtator_documents(args.pubtator)
    ids = list(texts)
    docs = list(nlp.pipe((texts[i] for i in ids), batch_size=16))

    def mentions(rule=None) -> Set[Tuple]:
        found = set()
        for pmid, doc in zip(ids, docs):
            entities = [(e.start, e.end, e.label_) for e in doc.ents]
            if rule is not None:
                words = [t.text for t in doc]
                entities = rewrite(words, entities, doc.spans["kogner"].attrs["scores"], rule)
            found.update((pmid, doc[s:e].start_char, doc[s:e].end_char, label) for s, e, label in entities)
        return found

    base = counts(mentions(), gold, ids)
    rows = []
    for rule in RULES:
        pred = mentions(rule)
        result = paired_bootstrap(base, counts(pred, gold, ids), args.samples, seed=0)
        rows.append({**rule, "predicted": len(pred), **{k: v for k, v in result.items() if k != "f_a"}})
    record = {
        "command": shlex.join(["python", sys.argv[0], *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine_description(), "code": code_version(), "docs": len(ids), "gold_mentions": len(gold),
        "pipeline_f1": round(float(f1(base.sum(axis=0))), 2), "rules": rows,
    }
    args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf8")
    print(json.dumps({k: v for k, v in record.items() if k not in ("machine", "command")}, indent=1))
    return record


if __name__ == "__main__":
    main()
