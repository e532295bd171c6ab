"""Do longer transformer windows help on whole abstracts? A pipeline annotates
the raw abstracts of a PubTator file once per window setting of its span getter
(`spacy_kogner.byte_budget_strided_spans.v1`: window and stride in tokens, a cap
in bytes of token text); each setting is scored on exact character offsets
against the gold mentions, with a paired bootstrap over abstracts against the
first setting (`paired_bootstrap.py`). Also counted: the windows whose
wordpieces exceed the encoder's limit, whose last pieces spacy-transformers
drops without a word.

For choosing on dev only:

    python benchmarks/transformer_windows.py training/model-last halves/B.PubTator.txt \\
        --settings 128/96/500,256/192/1000 --output benchmarks/experiments/transformer-windows-dev-b.json
"""
import argparse
import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import spacy
from spacy.tokens import Doc

from kogner_benchmark.measure import code_version, machine_description
from paired_bootstrap import f1, paired_bootstrap
from repeated_names import counts
from spacy_kogner.evaluation.raw_text import read_pubtator_documents

GET_SPANS = "components.transformer.model.get_spans"


def overflowing_windows(nlp, docs: List[Doc]) -> Tuple[int, int, int]:
    """(windows, windows over the tokenizer's limit, most wordpieces in one window) of the docs."""
    model = nlp.get_pipe("transformer").model
    tokenizer = model.tokenizer
    windows = [span.text for spans in model.attrs["get_spans"](docs) for span in spans]
    lengths = [len(ids) for ids in tokenizer(windows)["input_ids"]]
    return len(lengths), sum(n > tokenizer.model_max_length for n in lengths), max(lengths)


def window_settings(text: str) -> List[Tuple[int, int, int]]:
    """'128/96/500,256/192/1000' -> [(window, stride, max_bytes), ...]."""
    try:
        settings = [tuple(int(n) for n in item.split("/")) for item in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"settings must be window/stride/max_bytes,... in integers, not {text!r}")
    if any(len(setting) != 3 for setting in settings):
        raise argparse.ArgumentTypeError(f"each setting is window/stride/max_bytes, not {text!r}")
    return settings


def main(argv=None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="pipeline folder or package")
    parser.add_argument("pubtator", type=Path, help="PubTator file of abstracts with gold mentions (a dev split)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--settings", type=window_settings, default="128/96/500,256/192/1000,512/384/1500",
                        help="window/stride/max_bytes settings, comma-separated; the first is the baseline")
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args(argv)
    texts, gold = read_pubtator_documents(args.pubtator)
    ids = list(texts)
    labels = sorted({m[3] for m in gold})
    rows: List[Dict[str, Any]] = []
    base = None
    for window, stride, max_bytes in args.settings:
        nlp = spacy.load(args.model, config={f"{GET_SPANS}.window": window, f"{GET_SPANS}.stride": stride,
                                             f"{GET_SPANS}.max_bytes": max_bytes})
        start = time.perf_counter()
        docs = list(nlp.pipe((texts[i] for i in ids), batch_size=16))
        seconds = time.perf_counter() - start
        n_windows, n_over, most_pieces = overflowing_windows(nlp, docs)
        pred: Set[Tuple] = {(pmid, e.start_char, e.end_char, e.label_) for pmid, doc in zip(ids, docs) for e in doc.ents}
        table = counts(pred, gold, ids)
        row = {"window": window, "stride": stride, "max_bytes": max_bytes, "windows": n_windows,
               "windows_over_limit": n_over, "most_wordpieces": most_pieces, "seconds": round(seconds, 1),
               "f1": round(float(f1(table.sum(axis=0))), 2),
               "per_type_f1": {label: round(float(f1(counts({m for m in pred if m[3] == label},
                                                             {m for m in gold if m[3] == label}, ids).sum(axis=0))), 2)
                               for label in labels}}
        if base is None:
            base = table
        else:
            result = paired_bootstrap(base, table, args.samples, seed=0)
            row.update({k: v for k, v in result.items() if k not in ("f_a", "f_b")})
        rows.append(row)
        print(json.dumps(row))
    record = {
        "command": shlex.join(["python", sys.argv[0], *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine_description(), "code": code_version(), "docs": len(ids), "gold_mentions": len(gold),
        "settings": rows,
    }
    args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf8")
    return record


if __name__ == "__main__":
    main()
