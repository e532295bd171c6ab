"""Scoring pipelines: P/R/F1 helpers on spaCy's PRFScore, and NER on raw
PubTator text scored on character offsets."""
from .raw_text import TOKENIZERS, evaluate_raw, read_pubtator_documents
from .scores import counts_prf, percent, set_prf

__all__ = ["TOKENIZERS", "counts_prf", "evaluate_raw", "percent", "read_pubtator_documents", "set_prf"]
