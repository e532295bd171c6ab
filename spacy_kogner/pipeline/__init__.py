"""Pipeline components (kogner_ner, kg_dictionary_ner) and what they register:
scispaCy's tokenizer and the CPU bf16 inference callback.

The names below are imported on first use: spaCy imports this package for its
entry-point factories whenever it creates a Language, and the kogner_ner
component pulls in torch-geometric."""
from ..lazy import lazy_getattr

_EXPORTS = {
    "KGDictionaryNER": ".dictionary_ner", "make_kg_dictionary_ner": ".dictionary_ner",
    "make_kogner_ner": ".kogner_factory", "KoGNERecognizer": ".kogner_ner",
    "create_scispacy_tokenizer": ".tokenizer",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
