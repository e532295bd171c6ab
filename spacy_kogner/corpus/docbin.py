"""Reading the docs of spaCy's .spacy (DocBin) files."""
from pathlib import Path
from typing import List, Optional

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab


class CorpusFileError(ValueError):
    """A corpus file that is missing or cannot be read (the message names it)."""


def read_docs(path: Path, vocab: Optional[Vocab] = None) -> List[Doc]:
    """The docs of a .spacy file (a blank English vocab when none is given)."""
    path = Path(path)
    if not path.is_file():
        raise CorpusFileError(f"corpus file not found: {path}")
    if vocab is None:
        import spacy

        vocab = spacy.blank("en").vocab
    try:
        return list(DocBin().from_disk(path).get_docs(vocab))
    except Exception as err:
        raise CorpusFileError(f"corpus file {path} could not be read as a DocBin: {err}") from err
