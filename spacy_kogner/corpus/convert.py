"""IOB corpus folders (train.tsv, devel.tsv, test.tsv) -> .spacy DocBins with
entity counts per label and split; `python -m spacy_kogner convert`."""
import random
from collections import Counter
from pathlib import Path
from typing import Dict

import srsly
from spacy.tokens import DocBin

from ..util import atomic_path
from .docbin import CorpusFileError
from .iob import read_iob_sentences, sentences_to_docs

SPLITS = {"train": "train.tsv", "dev": "devel.tsv", "test": "test.tsv"}


def resolve_corpus_dir(corpus: str, corpora_root: Path) -> Path:
    """A corpus given as a folder, or by name under `corpora_root`."""
    path = Path(corpus)
    if path.is_dir():
        return path
    named = corpora_root / corpus
    if named.is_dir():
        return named
    raise CorpusFileError(f"Corpus {corpus!r} is neither a folder nor a corpus under {corpora_root}")


def convert_iob_corpus(corpus_dir: Path, output_dir: Path, train_fraction: float = 1.0, seed: int = 0) -> Dict:
    """Write train.spacy, dev.spacy, test.spacy and stats.json to `output_dir`;
    `train_fraction` of the training documents are kept (sampled with `seed`).
    Returns the stats. IOBFormatError names a malformed file and line."""
    import spacy

    vocab = spacy.blank("en").vocab
    missing = [corpus_dir / name for name in SPLITS.values() if not (corpus_dir / name).exists()]
    if missing:
        raise CorpusFileError(f"Missing corpus file: {missing[0]}")
    output_dir.mkdir(parents=True, exist_ok=True)
    stats: Dict[str, Dict] = {"corpus": str(corpus_dir), "train_fraction": train_fraction, "seed": seed}
    for split, filename in SPLITS.items():
        path = corpus_dir / filename
        docs = [sentences_to_docs(vocab, sentences, f"{path} (document {i + 1})")
                for i, sentences in enumerate(read_iob_sentences(path))]
        n_all = len(docs)
        if split == "train" and train_fraction < 1.0:
            keep = sorted(random.Random(seed).sample(range(n_all), max(1, round(n_all * train_fraction))))
            docs = [docs[i] for i in keep]
        counts = Counter(ent.label_ for doc in docs for ent in doc.ents)
        with atomic_path(output_dir / f"{split}.spacy") as tmp:
            DocBin(docs=docs, store_user_data=False).to_disk(tmp)
        stats[split] = {"docs": len(docs), "docs_in_source": n_all, "tokens": sum(len(d) for d in docs),
                        "entities": dict(sorted(counts.items()))}
    srsly.write_json(output_dir / "stats.json", stats)
    return stats
