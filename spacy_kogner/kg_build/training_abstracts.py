"""The abstracts of a PubTator file that hold a corpus's training documents.

Some corpora publish their splits' abstracts in one PubTator file
(NCBI-disease's train + devel): writing the training abstracts alone to a file
of their own lets `build-kg --pubtator` take gold ids from training documents
only, as BC5CDR's separate train file does."""
from pathlib import Path
from typing import Dict

import bioc.pubtator

from ..corpus.docbin import read_docs
from ..corpus.pubtator import document_text, iter_pubtator
from ..kg.holdout import abstract_units
from ..util import atomic_path
from .build import KGBuildError


def write_training_abstracts(pubtator: Path, corpus: Path, output: Path) -> Dict[str, int]:
    """Write to `output` the documents of `pubtator` that contain a document of
    the .spacy `corpus` (whitespace ignored), in file order, each PMID once (an
    abstract may be in two splits' parts of the file); returns counts.
    Raises KGBuildError when no corpus document is found in the file."""
    documents = list(iter_pubtator(pubtator))
    texts = [doc.text for doc in read_docs(corpus)]
    units = abstract_units(texts, {doc.pmid: document_text(doc) for doc in documents})
    found = {pmid for pmid in units if pmid is not None}
    if not found:
        raise KGBuildError(f"None of the {len(texts)} documents of {corpus} is in an abstract of {pubtator}")
    kept, written = [], set()
    for doc in documents:
        if doc.pmid in found and doc.pmid not in written:
            kept.append(doc)
            written.add(doc.pmid)
    with atomic_path(output) as tmp:
        with tmp.open("w", encoding="utf8") as file:
            bioc.pubtator.dump(kept, file)
    return {"abstracts": len(documents), "abstracts_written": len(kept), "corpus_docs": len(texts),
            "corpus_docs_found": sum(pmid is not None for pmid in units)}
