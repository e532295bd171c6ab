"""spacy_kogner: knowledge-graph-augmented biomedical NER for spaCy (KoGNER).

Importing the package loads nothing heavy: the names below are imported on
first use, and spaCy finds the registered factories, architecture, loaders,
tokenizer and callback through entry points without importing it.

Layers, each importing only those before it: `util` (and `lazy`, the lazy
exports of this package and `pipeline`) -> `corpus` -> `kg` (the
runtime KG table) -> `kg_build` (building tables) and `ml` (model layers) ->
`pipeline` (components) -> `evaluation`, `project` -> `cli`."""
from .lazy import lazy_getattr

__version__ = "0.1.0"

_EXPORTS = {
    "KGTable": "spacy_kogner.kg", "KGTableError": "spacy_kogner.kg", "GoldHoldOut": "spacy_kogner.kg",
    "create_kg_table_loader": "spacy_kogner.kg", "create_gold_hold_out_loader": "spacy_kogner.kg",
    "KGEntity": "spacy_kogner.kg_build", "build_table": "spacy_kogner.kg_build", "build_kg": "spacy_kogner.kg_build",
    "build_kogner_model": "spacy_kogner.ml", "KoGNERInput": "spacy_kogner.ml",
    "KoGNERecognizer": "spacy_kogner.pipeline", "make_kogner_ner": "spacy_kogner.pipeline",
    "KGDictionaryNER": "spacy_kogner.pipeline", "make_kg_dictionary_ner": "spacy_kogner.pipeline",
    "create_scispacy_tokenizer": "spacy_kogner.pipeline",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
