"""Corpus handling: IOB readers and conversion to spaCy DocBin files."""
from .iob import IOBFormatError, read_iob_sentences, sentences_to_docs

__all__ = ["IOBFormatError", "read_iob_sentences", "sentences_to_docs"]
