"""The kogner_ner component and the pieces around it."""
from .kogner_ner import KoGNERecognizer, make_kogner_ner
from .tokenizer import create_scispacy_tokenizer

__all__ = ["KoGNERecognizer", "create_scispacy_tokenizer", "make_kogner_ner"]
