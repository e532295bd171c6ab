"""Words/s of one kogner pipeline on GPU 0, with entity linking as configured
and with it switched off (`link_entities`), `nlp.pipe` over a .spacy file's
texts as the harness times them (median of the passes, after a warm-up that
also builds the n-gram index). Adds a record under TAG to OUTPUT (JSON), so
that runs with different code (PYTHONPATH) can share one file.

    python3 linking_speed.py MODEL TEST.spacy OUTPUT.json TAG
"""
import json
import sys
import time
from pathlib import Path
from statistics import median

import spacy
import spacy_kogner
from spacy.tokens import DocBin
from thinc.api import require_gpu

PASSES = 3


def words_per_s(nlp, texts) -> int:
    """Median words/s of PASSES passes of `nlp.pipe` over the texts."""
    rates = []
    for _ in range(PASSES):
        start = time.perf_counter()
        words = sum(len(doc) for doc in nlp.pipe(texts))
        rates.append(words / (time.perf_counter() - start))
    return round(median(rates))


def main(model: str, test: str, output: str, tag: str) -> None:
    require_gpu(0)
    nlp = spacy.load(model)
    texts = [doc.text for doc in DocBin().from_disk(test).get_docs(nlp.vocab)]
    pipe = nlp.get_pipe("kogner_ner")
    list(nlp.pipe(texts[:512]))
    record = {"code": spacy_kogner.__file__, "texts": len(texts)}
    for link in (True, False):
        pipe.cfg["link_entities"] = link
        record["linking" if link else "no_linking"] = words_per_s(nlp, texts)
        path = Path(output)
        results = json.loads(path.read_text()) if path.exists() else {}
        results[tag] = record
        path.write_text(json.dumps(results, indent=1))
        print(tag, record, flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
