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
first time a mention has no exact candidate, and kept while the generator is
given that same table (a pickled generator builds it again)."""
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from spacy.util import registry

from .char_ngrams import Candidate, CharNgramIndex
from .normalize import fold_plural, normalize_tokens
from .table import KGTable

CandidateGenerator = Callable[[KGTable, Sequence[str], str], List[Candidate]]


def exact_alias_candidates(kg: KGTable, words: Sequence[str], label: str) -> List[Candidate]:
    """Entities of the label's type whose alias is the mention's text, in rank order."""
    return [(row, 1.0) for row in kg.candidates(words) if kg.type_of(row) == label]


@registry.misc("spacy_kogner.ExactAliasCandidates.v1")
def create_exact_alias_candidates() -> CandidateGenerator:
    """Entities of the label's type whose alias is the mention's text."""
    return exact_alias_candidates


class CharNgramCandidates:
    """Exact alias candidates, else the `top_k` entities of the label's type with
    the aliases nearest to the mention by character 3-gram TF-IDF cosine. A class
    rather than a closure so that a pipeline holding it pickles (`nlp.pipe` with
    `n_process` > 1 under the spawn or forkserver start method)."""

    def __init__(self, top_k: int):
        self.top_k = top_k
        self._index: Optional[CharNgramIndex] = None
        self._indexed_table: Optional[KGTable] = None

    def __call__(self, kg: KGTable, words: Sequence[str], label: str) -> List[Candidate]:
        found = exact_alias_candidates(kg, words, label)
        if found:
            return found
        key = fold_plural("".join(normalize_tokens(words)))
        if not key:
            return []
        if self._index is None or self._indexed_table is not kg:  # one table at a time
            self._index, self._indexed_table = CharNgramIndex(kg), kg
        return self._index.nearest(key, label, self.top_k)

    def __getstate__(self) -> Dict[str, int]:
        return {"top_k": self.top_k}

    def __setstate__(self, state: Dict[str, int]) -> None:
        self.__init__(state["top_k"])


def memoized(get_candidates: CandidateGenerator) -> CandidateGenerator:
    """`get_candidates` answering a mention asked before from memory (a copy of
    its first answer): for one batch of documents, in which names repeat (an
    abstract names its subject again and again) and a table does not change."""
    answers: Dict[Tuple[int, Tuple[str, ...], str], List[Candidate]] = {}

    def get_memoized(kg: KGTable, words: Sequence[str], label: str) -> List[Candidate]:
        key = (id(kg), tuple(words), label)
        if key not in answers:
            answers[key] = get_candidates(kg, words, label)
        return list(answers[key])

    return get_memoized


@registry.misc("spacy_kogner.CharNgramCandidates.v1")
def create_char_ngram_candidates(top_k: int = 5) -> CandidateGenerator:
    """Exact alias candidates, else the `top_k` entities of the label's type with
    the aliases nearest to the mention by character 3-gram TF-IDF cosine."""
    return CharNgramCandidates(top_k)
