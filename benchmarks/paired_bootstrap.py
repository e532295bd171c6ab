"""How much of an F1 difference between two pipelines on one corpus is the
corpus's sample: a paired bootstrap over its documents (Berg-Kirkpatrick et al.
2012). Each pipeline annotates the corpus once; every resample draws documents
with replacement and scores both on the same draw (exact entity spans and
labels, as spaCy's NER scorer counts them). With `--pubtator`, the documents
(sentences of an IOB corpus) are resampled by the abstract of that PubTator
file they lie in, since mentions of one abstract go together; a document in
none is a unit of its own. Written: each pipeline's F1 (the harness's test F1
for a run's model-best), the difference (b - a), its bootstrap standard
deviation and 95% interval, and the share of resamples in which b does not
beat a.

    python benchmarks/paired_bootstrap.py training/s4/work/models/ncbi-full-s4-no-kg/model-best \\
        training/s4/work/models/ncbi-full-s4-kogner/model-best training/s4/work/data/ncbi-full-s4/corpus/test.spacy \\
        --output benchmarks/experiments/bootstrap-ncbi-full-s4-test.json
"""
import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from kogner_benchmark.measure import code_version, load_pipeline, machine_description, read_examples
from spacy_kogner.corpus.pubtator import document_text, iter_pubtator
from spacy_kogner.kg.holdout import abstract_units


DRAWS_PER_BLOCK = 500


def entity_counts(predicted: Sequence, reference: Sequence) -> np.ndarray:
    """(true positives, predicted, gold) entities per document pair: an entity
    is its label and character span."""
    rows = []
    for pred_doc, gold_doc in zip(predicted, reference):
        found = {(ent.label_, ent.start_char, ent.end_char) for ent in pred_doc.ents}
        gold = {(ent.label_, ent.start_char, ent.end_char) for ent in gold_doc.ents}
        rows.append((len(found & gold), len(found), len(gold)))
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def f1(counts: np.ndarray) -> np.ndarray:
    """F1 in % of summed (tp, predicted, gold) counts along the last axis; 0 where nothing was found or expected."""
    tp, pred, gold = counts[..., 0], counts[..., 1], counts[..., 2]
    total = pred + gold
    return np.where(total > 0, 200.0 * tp / np.maximum(total, 1), 0.0)


def paired_bootstrap(counts_a: np.ndarray, counts_b: np.ndarray, samples: int, seed: int) -> Dict[str, Any]:
    """F1 of a and b, and the bootstrap distribution of F1(b) - F1(a) over resampled documents."""
    if len(counts_a) != len(counts_b) or not len(counts_a):
        raise ValueError(f"the two pipelines have {len(counts_a)} and {len(counts_b)} units; need the same number, > 0")
    rng = np.random.default_rng(seed)
    diffs = np.empty(samples)
    for start in range(0, samples, DRAWS_PER_BLOCK):  # in blocks: a draw matrix per block, not per run
        draws = rng.integers(0, len(counts_a), size=(min(DRAWS_PER_BLOCK, samples - start), len(counts_a)))
        diffs[start:start + len(draws)] = f1(counts_b[draws].sum(axis=1)) - f1(counts_a[draws].sum(axis=1))
    f_a, f_b = float(f1(counts_a.sum(axis=0))), float(f1(counts_b.sum(axis=0)))
    low, high = np.percentile(diffs, [2.5, 97.5])
    return {"units": len(counts_a), "gold_entities": int(counts_a[:, 2].sum()), "f_a": round(f_a, 2),
            "f_b": round(f_b, 2), "difference": round(f_b - f_a, 2), "samples": samples, "seed": seed,
            "bootstrap_sd": round(float(diffs.std(ddof=1)), 3),
            "interval_95": [round(float(low), 2), round(float(high), 2)],
            "share_b_not_better": round(float((diffs <= 0).mean()), 4)}


def unit_counts(counts: np.ndarray, units: Sequence[str]) -> np.ndarray:
    """The per-document counts summed per unit (units in order of first appearance)."""
    index: Dict[str, int] = {}
    rows = [index.setdefault(unit, len(index)) for unit in units]
    summed = np.zeros((len(index), 3), dtype=np.int64)
    np.add.at(summed, rows, counts)
    return summed


def abstract_of_each_doc(texts: Sequence[str], pubtator: Path) -> List[str]:
    """"pmid:<PMID>" of the abstract of `pubtator` each text lies in, else "doc:<index>"."""
    abstracts = {doc.pmid: document_text(doc) for doc in iter_pubtator(pubtator)}
    return [f"pmid:{pmid}" if pmid is not None else f"doc:{i}"
            for i, pmid in enumerate(abstract_units(texts, abstracts))]


def annotate(model: str, corpus: Path) -> Tuple[np.ndarray, List[str]]:
    """Per-document entity counts of a pipeline on a .spacy corpus, and the documents' texts."""
    nlp, _ = load_pipeline(model)
    examples = read_examples(nlp, corpus)
    predicted = list(nlp.pipe([eg.predicted for eg in examples]))
    return entity_counts(predicted, [eg.reference for eg in examples]), [eg.reference.text for eg in examples]


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_a", help="pipeline a (the reference, e.g. no-kg)")
    parser.add_argument("model_b", help="pipeline b (e.g. kogner)")
    parser.add_argument("corpus", type=Path, help=".spacy corpus with gold entities")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pubtator", type=Path, help="resample by the abstracts of this PubTator file")
    args = parser.parse_args(argv)
    (counts_a, texts), (counts_b, _) = annotate(args.model_a, args.corpus), annotate(args.model_b, args.corpus)
    units = "documents"
    if args.pubtator:
        doc_units = abstract_of_each_doc(texts, args.pubtator)
        counts_a, counts_b = unit_counts(counts_a, doc_units), unit_counts(counts_b, doc_units)
        units = f"abstracts of {args.pubtator.name} ({sum(u.startswith('doc:') for u in doc_units)} documents in none)"
    result = {"resampled": units, **paired_bootstrap(counts_a, counts_b, args.samples, args.seed)}
    record = {"command": shlex.join(["python", sys.argv[0], *(argv if argv is not None else sys.argv[1:])]),
              "machine": machine_description(), "code": code_version(), "model_a": args.model_a,
              "model_b": args.model_b, "corpus": str(args.corpus), **result}
    args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf8")
    print(json.dumps(result, indent=1))
    return record


if __name__ == "__main__":
    main()
