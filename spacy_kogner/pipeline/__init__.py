"""Pipeline components (kogner_ner, kg_dictionary_ner) and what they register:
scispaCy's tokenizer and the CPU bf16 inference callback."""
from .dictionary_ner import KGDictionaryNER, make_kg_dictionary_ner
from .kogner_factory import make_kogner_ner
from .kogner_ner import KoGNERecognizer
from .tokenizer import create_scispacy_tokenizer

__all__ = ["KGDictionaryNER", "KoGNERecognizer", "create_scispacy_tokenizer", "make_kg_dictionary_ner", "make_kogner_ner"]
