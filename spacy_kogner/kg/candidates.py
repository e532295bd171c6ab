"""Candidate generators: the KG entities (rows, with scores) a mention of a
given type may be, for linking. Registered functions that return a generator,
swappable in the component config as spaCy's EntityLinker swaps `get_candidates`:

- `spacy_kogner.ExactAliasCandidates.v1`: entities of the type whose alias is
  exactly the mention text (score 1.0), in the table's rank order;
- `spacy_kogner.CharNgramCandidates.v1`: the exact candidates when there are
  any, else the entities of the type whose aliases are nearest to the text by
  the cosine of TF-IDF-weighted character 3-grams of alias keys (scispaCy's
  linker method, built into the table and offline).

The character n-gram index is built from the table the first time a mention
has no exact candidate (a few seconds for a BC5CDR-sized table) and kept for
the table's lifetime."""
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
from spacy.util import registry

from .normalize import fold_plural, normalize_tokens
from .table import KGTable

Candidate = Tuple[int, float]  # (entity row, score)
CandidateGenerator = Callable[[KGTable, Sequence[str], str], List[Candidate]]
N_FEATURES = 1 << 20


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


class CharNgramIndex:
    """TF-IDF vectors of the hashed character 3-grams of a table's alias keys,
    stored by n-gram (a posting list per feature), so a query costs the lengths
    of its n-grams' lists rather than a pass over all aliases."""

    def __init__(self, kg: KGTable):
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

        self.kg = kg
        self.keys = list(kg.aliases)
        self.vectorizer = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 3), n_features=N_FEATURES,
                                            alternate_sign=False, norm=None, lowercase=False)
        counts = self.vectorizer.transform(self.keys)
        self.tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        self.by_feature = self.tfidf.transform(counts).astype(np.float32).T.tocsr()

    def nearest(self, key: str, label: str, top_k: int) -> List[Candidate]:
        """The `top_k` entities of type `label` whose best alias is nearest to `key`,
        with the cosine of that alias."""
        query = self.tfidf.transform(self.vectorizer.transform([key])).astype(np.float32)
        scores = (query @ self.by_feature).tocsr()
        order = np.argsort(-scores.data, kind="stable")
        found: Dict[int, float] = {}
        for position, score in zip(scores.indices[order].tolist(), scores.data[order].tolist()):
            for row in self.kg.aliases.get(self.keys[position]):
                if row not in found and self.kg.type_of(row) == label:
                    found[row] = round(float(score), 4)
            if len(found) >= top_k:
                break
        return list(found.items())[:top_k]
