"""Candidate generators: the KG entities (rows, with scores) a mention of a
given type may be, for linking. Registered functions that return a generator,
swappable in the component config as spaCy's EntityLinker swaps `get_candidates`:

- `spacy_kogner.ExactAliasCandidates.v1`: entities of the type whose alias is
  exactly the mention text (score 1.0), in the table's rank order;
- `spacy_kogner.CharNgramCandidates.v1`: the exact candidates when there are
  any, else the entities of the type whose aliases are nearest to the text by
  the cosine of TF-IDF-weighted character 3-grams of alias keys (scispaCy's
  linker method, built into the table and offline).

The character n-gram index (`char_ngrams.py`) is built from the table the
first time a mention has no exact candidate and kept for the table's lifetime."""
from typing import Callable, Dict, List, Sequence

from spacy.util import registry

from .char_ngrams import Candidate, CharNgramIndex
from .normalize import fold_plural, normalize_tokens
from .table import KGTable

CandidateGenerator = Callable[[KGTable, Sequence[str], str], List[Candidate]]


@registry.misc("spacy_kogner.ExactAliasCandidates.v1")
def create_exact_alias_candidates() -> CandidateGenerator:
    """Entities of the label's type whose alias is the mention's text."""
    def get_candidates(kg: KGTable, words: Sequence[str], label: str) -> List[Candidate]:
        return [(row, 1.0) for row in kg.candidates(words) if kg.type_of(row) == label]

    return get_candidates


@registry.misc("spacy_kogner.CharNgramCandidates.v1")
def create_char_ngram_candidates(top_k: int = 5) -> CandidateGenerator:
    """Exact alias candidates, else the `top_k` entities of the label's type with
    the aliases nearest to the mention by character 3-gram TF-IDF cosine."""
    exact = create_exact_alias_candidates()
    indexes: Dict[int, CharNgramIndex] = {}

    def get_candidates(kg: KGTable, words: Sequence[str], label: str) -> List[Candidate]:
        found = exact(kg, words, label)
        if found:
            return found
        key = fold_plural("".join(normalize_tokens(words)))
        if not key:
            return []
        if id(kg) not in indexes:
            indexes.clear()  # one table at a time
            indexes[id(kg)] = CharNgramIndex(kg)
        return indexes[id(kg)].nearest(key, label, top_k)

    return get_candidates
