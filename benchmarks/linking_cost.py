"""What the candidate generator costs the pipeline (issue 21): `nlp.pipe` over
a corpus's texts with each generator, set by a `spacy.load` config override,
in alternating fresh processes (64-text warm-up, so the n-gram index is built
before the timing), with seconds, words/s and the process's peak RSS.

    python benchmarks/linking_cost.py training/model-best corpus/test.spacy --output benchmarks/linking_cost.json
"""
import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

from kogner_benchmark.measure import code_version, machine_description

GENERATORS = {"exact": {"@misc": "spacy_kogner.ExactAliasCandidates.v1"},
              "char_ngram": {"@misc": "spacy_kogner.CharNgramCandidates.v1", "top_k": 5}}
# one timed pass in a fresh interpreter: model, corpus, generator config (JSON) -> a JSON line
ONE_PASS = """
import json, resource, sys, time
import spacy
from spacy.tokens import DocBin
config = {"components": {"kogner_ner": {"get_candidates": json.loads(sys.argv[3])}}}
nlp = spacy.load(sys.argv[1], config=config)
texts = [doc.text for doc in DocBin().from_disk(sys.argv[2]).get_docs(nlp.vocab)]
list(nlp.pipe(texts[:64]))
start = time.perf_counter()
words = sum(len(doc) for doc in nlp.pipe(texts))
seconds = time.perf_counter() - start
print(json.dumps({"words": words, "seconds": seconds, "words_per_s": round(words / seconds),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def one_pass(model: str, corpus: Path, generator: Dict[str, Any]) -> Dict[str, Any]:
    """A timed pass of the pipeline with this generator, in a fresh process."""
    result = subprocess.run([sys.executable, "-c", ONE_PASS, model, str(corpus), json.dumps(generator)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("corpus", type=Path, help=".spacy corpus whose texts are annotated")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    passes: Dict[str, list] = {name: [] for name in GENERATORS}
    for _ in range(args.repeats):  # alternated, so that a slow phase of the machine hits both
        for name, generator in GENERATORS.items():
            passes[name].append(one_pass(args.model, args.corpus, generator))
    mean = {name: sum(p["seconds"] for p in runs) / len(runs) for name, runs in passes.items()}
    record = {"command": "python " + " ".join(shlex.quote(a) for a in [sys.argv[0], *(argv or sys.argv[1:])]),
              "machine": machine_description(), "code": code_version(), "passes": passes,
              "char_ngram_time_ratio": round(mean["char_ngram"] / mean["exact"], 3)}
    args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf8")
    print(json.dumps({k: v for k, v in record.items() if k not in ("machine", "command")}, indent=1))
    return record


if __name__ == "__main__":
    main()
