"""Corpus folders -> .spacy DocBins for train/dev/test with entity counts per
label and split (`python -m spacy_kogner convert`): IOB folders
(train.tsv, devel.tsv, test.tsv) and PubTator folders (train.PubTator.txt,
devel.PubTator.txt, test.PubTator.txt; whichever are present)."""
import random
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence

import srsly
from spacy.tokens import Doc, DocBin

from ..util import ANNOTATED_LABELS, atomic_path
from .docbin import CorpusFileError
from .iob import read_iob_sentences, sentences_to_docs
from .pubtator_docs import pubtator_to_docs

SPLITS = {"train": "train.tsv", "dev": "devel.tsv", "test": "test.tsv"}
PUBTATOR_SPLITS = {"train": "train.PubTator.txt", "dev": "devel.PubTator.txt", "test": "test.PubTator.txt"}
FORMATS = ("iob", "pubtator")
# tokenizers by name; anything else is read as the path of a saved pipeline whose tokenizer is used
TOKENIZERS = {"spacy": "spacy.Tokenizer.v1", "scispacy": "spacy_kogner.SciSpacyTokenizer.v1"}


def resolve_corpus_dir(corpus: str, corpora_root: Path) -> Path:
    """A corpus given as a folder, or by name under `corpora_root`."""
    path = Path(corpus)
    if path.is_dir():
        return path
    named = corpora_root / corpus
    if named.is_dir():
        return named
    raise CorpusFileError(f"Corpus {corpus!r} is neither a folder nor a corpus under {corpora_root}")


def make_tokenizer(tokenizer: str) -> Callable[[str], Doc]:
    """`make_doc` of a blank English pipeline with the named tokenizer
    (TOKENIZERS), or of the saved pipeline at that path."""
    import spacy
    from spacy.util import registry

    if tokenizer in TOKENIZERS:
        nlp = spacy.blank("en")
        nlp.tokenizer = registry.tokenizers.get(TOKENIZERS[tokenizer])()(nlp)
        return nlp.make_doc
    config = Path(tokenizer) / "config.cfg"
    if not config.is_file():
        raise CorpusFileError(f"tokenizer {tokenizer!r} is neither one of {sorted(TOKENIZERS)} nor a pipeline folder")
    return spacy.load(tokenizer, exclude=spacy.util.load_config(config)["nlp"]["pipeline"]).make_doc


def convert_iob_corpus(corpus_dir: Path, output_dir: Path, train_fraction: float = 1.0, seed: int = 0,
                       train_splits: Sequence[str] = ("train",)) -> Dict:
    """Write train.spacy, dev.spacy, test.spacy and stats.json to `output_dir`;
    `train_fraction` of the training documents are kept (sampled with `seed`),
    and with "dev" in `train_splits` the dev documents join them.
    Returns the stats. IOBFormatError names a malformed file and line."""
    import spacy

    vocab = spacy.blank("en").vocab
    missing = [corpus_dir / name for name in SPLITS.values() if not (corpus_dir / name).exists()]
    if missing:
        raise CorpusFileError(f"Missing corpus file: {missing[0]}")
    split_docs = {}
    for split, filename in SPLITS.items():
        path = corpus_dir / filename
        split_docs[split] = [sentences_to_docs(vocab, sentences, f"{path} (document {i + 1})")
                             for i, sentences in enumerate(read_iob_sentences(path))]
    stats: Dict = {"corpus": str(corpus_dir), "format": "iob", "train_fraction": train_fraction, "seed": seed}
    return write_splits(split_docs, output_dir, stats, train_fraction, seed, train_splits)


def convert_pubtator_corpus(corpus_dir: Path, output_dir: Path, train_fraction: float = 1.0, seed: int = 0,
                            tokenizer: str = "spacy", labels: Optional[Mapping[str, str]] = None,
                            train_splits: Sequence[str] = ("train",)) -> Dict:
    """Write the .spacy file of each PubTator split present in `corpus_dir` and
    stats.json (with each split's conversion report: composite and id-less
    mentions, misaligned and overlapping mentions with examples)."""
    present = {split: corpus_dir / name for split, name in PUBTATOR_SPLITS.items() if (corpus_dir / name).exists()}
    if not present:
        raise CorpusFileError(f"No PubTator split in {corpus_dir}: expected {', '.join(PUBTATOR_SPLITS.values())}")
    make_doc = make_tokenizer(tokenizer)
    split_docs, reports = {}, {}
    for split, path in present.items():
        split_docs[split], report = pubtator_to_docs(path, make_doc, labels)
        reports[split] = report.as_dict()
    stats: Dict = {"corpus": str(corpus_dir), "format": "pubtator", "tokenizer": tokenizer,
                   "train_fraction": train_fraction, "seed": seed, "pubtator": reports}
    return write_splits(split_docs, output_dir, stats, train_fraction, seed, train_splits)


def check_train_splits(train_splits: Sequence[str]) -> List[str]:
    """The splits that make the training data: "train", optionally "dev"
    (for a final model; the test split never joins). ValueError otherwise."""
    splits = list(dict.fromkeys(train_splits))
    if "train" not in splits or not set(splits) <= {"train", "dev"}:
        raise ValueError(f"train splits must be train or train,dev, not {','.join(train_splits)!r}")
    return splits


def write_splits(split_docs: Dict[str, List[Doc]], output_dir: Path, stats: Dict, train_fraction: float,
                 seed: int, train_splits: Sequence[str] = ("train",)) -> Dict:
    """Write each split's DocBin (the training split sampled to `train_fraction`
    with `seed`, then joined by the dev documents when "dev" is in
    `train_splits`; dev.spacy is written either way) and stats.json; return the
    stats. Every doc records the labels its corpus annotates
    (`user_data["annotated_labels"]`), so that one model can train on corpora
    with different label sets (`pipeline/partial_labels.py`)."""
    stats["train_splits"] = check_train_splits(train_splits)
    if "dev" in stats["train_splits"] and "dev" not in split_docs:
        raise CorpusFileError(f"{stats.get('corpus', output_dir)} has no dev split to join the training data")
    output_dir.mkdir(parents=True, exist_ok=True)
    labels = sorted({ent.label_ for docs in split_docs.values() for doc in docs for ent in doc.ents})
    stats[ANNOTATED_LABELS] = labels
    for doc in (doc for docs in split_docs.values() for doc in docs):
        doc.user_data[ANNOTATED_LABELS] = labels
    for split, docs in split_docs.items():
        n_all = len(docs)
        if split == "train" and train_fraction < 1.0:
            keep = sorted(random.Random(seed).sample(range(n_all), max(1, round(n_all * train_fraction))))
            docs = [docs[i] for i in keep]
        if split == "train" and "dev" in stats["train_splits"]:
            docs = docs + split_docs["dev"]
        counts = Counter(ent.label_ for doc in docs for ent in doc.ents)
        with atomic_path(output_dir / f"{split}.spacy") as tmp:
            DocBin(docs=docs, store_user_data=True).to_disk(tmp)
        stats[split] = {"docs": len(docs), "docs_in_source": n_all, "tokens": sum(len(d) for d in docs),
                        "entities": dict(sorted(counts.items()))}
    srsly.write_json(output_dir / "stats.json", stats)
    return stats


def convert_corpora(corpus_dirs: List[Path], output_dir: Path, file_format: str = "iob", train_fraction: float = 1.0,
                    seed: int = 0, tokenizer: str = "spacy", train_splits: Sequence[str] = ("train",)) -> Dict:
    """Convert one corpus, or several into one training set: each corpus to
    `output_dir/corpora/<name>/` (its own splits, docs marked with the labels it
    annotates), and their concatenated splits to `output_dir/{split}.spacy`, so
    that one model trains and selects on all of them (labels a corpus lacks
    count as unknown there). With "dev" in `train_splits`, each corpus's dev
    documents join its training documents. Returns the stats (per corpus under
    "corpora")."""
    train_splits = check_train_splits(train_splits)

    def convert_one(corpus_dir: Path, out: Path) -> Dict:
        if file_format == "iob":
            return convert_iob_corpus(corpus_dir, out, train_fraction, seed, train_splits)
        return convert_pubtator_corpus(corpus_dir, out, train_fraction, seed, tokenizer, train_splits=train_splits)

    if len(corpus_dirs) == 1:
        return convert_one(corpus_dirs[0], output_dir)
    names = [path.name for path in corpus_dirs]
    if len(set(names)) < len(names):
        raise CorpusFileError(f"Corpora to combine need distinct folder names, not {names}")
    per_corpus = {path.name: convert_one(path, output_dir / "corpora" / path.name) for path in corpus_dirs}
    stats: Dict = {"corpora": per_corpus, "format": file_format, "train_fraction": train_fraction, "seed": seed,
                   "train_splits": train_splits}
    for split in ("train", "dev", "test"):
        present = [name for name in names if split in per_corpus[name]]
        if not present:
            continue
        merged = DocBin(store_user_data=True)
        for name in present:
            merged.merge(DocBin(store_user_data=True).from_disk(output_dir / "corpora" / name / f"{split}.spacy"))
        with atomic_path(output_dir / f"{split}.spacy") as tmp:
            merged.to_disk(tmp)
        parts = [per_corpus[name][split] for name in present]
        stats[split] = {key: sum(part[key] for part in parts) for key in ("docs", "docs_in_source", "tokens")}
        stats[split]["entities"] = dict(sorted(sum((Counter(part["entities"]) for part in parts), Counter()).items()))
    srsly.write_json(output_dir / "stats.json", stats)
    return stats
