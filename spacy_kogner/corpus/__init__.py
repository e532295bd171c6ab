"""Corpus readers (IOB, PubTator) and conversion to spaCy DocBin files."""
from .iob import IOBFormatError, read_iob_sentences, sentences_to_docs
from .pubtator import PubTatorData, PubTatorFormatError, PubTatorMention, read_pubtator

__all__ = ["IOBFormatError", "PubTatorData", "PubTatorFormatError", "PubTatorMention", "read_iob_sentences",
           "read_pubtator", "sentences_to_docs"]
