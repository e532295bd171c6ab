"""spacy_kogner: knowledge-graph-augmented biomedical NER for spaCy (KoGNER)."""
from .kg import KGEntity, KGTable, KGTableError, create_kg_table_loader
from .ml import build_kogner_model
from .pipeline import KoGNERecognizer, create_scispacy_tokenizer, make_kogner_ner

__version__ = "0.1.0"

__all__ = [
    "KGEntity", "KGTable", "KGTableError", "KoGNERecognizer", "build_kogner_model",
    "create_kg_table_loader", "create_scispacy_tokenizer", "make_kogner_ner",
]
