"""A character 3-gram TF-IDF index over a KG table's alias keys, for the
nearest aliases of a mention that is no alias (scispaCy's linker method, built
into the table and offline).

The features are those of scikit-learn's `TfidfVectorizer(analyzer="char_wb",
ngram_range=(3, 3), sublinear_tf=True)` on single-word keys (each key padded
with a space on both sides), computed with numpy over all keys at once: the
per-string analyzer of scikit-learn takes seconds for a BC5CDR-sized table
(half a million keys), numpy a fraction of that. Vectors are stored by
feature (a posting list per 3-gram), so a query costs the lengths of its
3-grams' lists; the best aliases of the wanted type are picked with a partial
sort."""
import ctypes
from typing import Dict, List, Tuple

import numpy as np
from scipy import sparse

Candidate = Tuple[int, float]  # (entity row, score)
# a 3-gram as one integer: three Unicode code points of 21 bits each
CODE_BITS = np.uint64(21)
# aliases ranked per query: several times top_k, as aliases of one entity may follow each other
RANK_FACTOR = 8


def trigram_codes(keys: List[str], chunk: int = 1 << 16) -> Tuple[np.ndarray, np.ndarray]:
    """The 3-gram codes of the space-padded keys, and the key each comes from
    (computed a chunk of keys at a time, to bound the memory it takes)."""
    codes, key_of = [], []
    for first in range(0, len(keys), chunk):
        padded = [f" {key} " for key in keys[first:first + chunk]]
        points = np.frombuffer("".join(padded).encode("utf-32-le"), dtype="uint32").astype("uint64")
        lengths = np.fromiter((len(p) for p in padded), dtype="int64", count=len(padded))
        per_key = np.maximum(lengths - 2, 0)
        starts = np.repeat(np.cumsum(lengths) - lengths - np.cumsum(per_key) + per_key, per_key) + np.arange(per_key.sum())
        codes.append((points[starts] << (CODE_BITS * np.uint64(2))) | (points[starts + 1] << CODE_BITS) | points[starts + 2])
        key_of.append(np.repeat(np.arange(first, first + len(padded), dtype="int32"), per_key))
    if not codes:
        return np.zeros(0, dtype="uint64"), np.zeros(0, dtype="int32")
    return np.concatenate(codes), np.concatenate(key_of)


class CharNgramIndex:
    """TF-IDF vectors of the character 3-grams of a table's alias keys, by
    3-gram, one index per entity type (made on the type's first query, over the
    aliases with an entity of that type: a query touches only those, and types
    never queried cost nothing)."""

    def __init__(self, kg):
        self.kg = kg
        type_bits = 1 << kg.types[kg.aliases.entity_rows].astype("int64")
        offsets = kg.aliases.candidate_offsets
        self.alias_type_bits = (np.bitwise_or.reduceat(type_bits, offsets[:-1]) if len(type_bits)
                                else np.zeros(len(kg.aliases), dtype="int64"))
        self.by_label: Dict[str, "TypeIndex"] = {}

    def type_index(self, label: str) -> "TypeIndex":
        """The index of the aliases with an entity of type `label`."""
        if label not in self.by_label:
            bit = 1 << self.kg.type_labels.index(label)
            aliases = np.flatnonzero(self.alias_type_bits & bit).astype("int32")
            keys = [self.kg.aliases.key_at(position) for position in aliases.tolist()]
            self.by_label[label] = TypeIndex(keys, aliases)
            del keys
            _release_freed_memory()
        return self.by_label[label]

    def nearest(self, key: str, label: str, top_k: int) -> List[Candidate]:
        """The `top_k` entities of type `label` whose best alias is nearest to `key`,
        with the cosine of that alias."""
        if label not in self.kg.type_labels:
            return []
        index = self.type_index(label)
        hit, scores = index.scores(key)
        found = self._entities(hit, scores, _best(scores, hit, top_k * RANK_FACTOR), label, top_k)
        if len(found) < top_k and len(hit) > top_k * RANK_FACTOR:  # aliases of the same entities crowded the best
            found = self._entities(hit, scores, _best(scores, hit, len(hit)), label, top_k)
        return found

    def _entities(self, hit: np.ndarray, scores: np.ndarray, order: np.ndarray, label: str,
                  top_k: int) -> List[Candidate]:
        """The first `top_k` entities of type `label` of the aliases in this order."""
        found: Dict[int, float] = {}
        for position, score in zip(hit[order].tolist(), scores[order].tolist()):
            for row in self.kg.aliases.candidates_at(position):
                if row not in found and self.kg.type_of(row) == label:
                    found[row] = round(float(score), 4)
            if len(found) >= top_k:
                break
        return list(found.items())[:top_k]


class TypeIndex:
    """The 3-gram TF-IDF vectors of some alias keys (those of one type), by 3-gram."""

    def __init__(self, keys: List[str], aliases: np.ndarray):
        self.aliases = aliases  # the keys' positions in the table's alias index
        self.n_keys = len(keys)
        codes, key_of = trigram_codes(keys)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(key_of, minlength=self.n_keys))])
        del keys, key_of
        self.vocab = np.unique(codes)
        features = np.searchsorted(self.vocab, codes).astype("int32")
        del codes
        # a 3-gram's count in a key: scipy sums the duplicate entries of a key's row (in place)
        by_key = sparse.csr_matrix((np.ones(len(features), dtype="float32"), features, indptr),
                                   shape=(self.n_keys, len(self.vocab)))
        del features
        by_key.sum_duplicates()
        self.idf = (np.log((1 + self.n_keys) / (1 + np.bincount(by_key.indices, minlength=len(self.vocab)))) + 1
                    ).astype("float32")
        data = by_key.data
        np.log(data, out=data)
        data += 1
        data *= self.idf[by_key.indices]
        lengths = np.diff(by_key.indptr)
        norms = np.zeros(self.n_keys, dtype="float32")
        nonempty = lengths > 0
        norms[nonempty] = np.sqrt(np.add.reduceat(data * data, by_key.indptr[:-1][nonempty]))
        data /= np.repeat(norms, lengths)
        self.by_feature = by_key.T.tocsr()  # a posting list per 3-gram

    def query_vector(self, key: str) -> Tuple[np.ndarray, np.ndarray]:
        """The key's known 3-gram features and weights (unit norm over all its 3-grams)."""
        if not len(self.vocab):
            return np.zeros(0, dtype="int64"), np.zeros(0, dtype="float32")
        codes, _ = trigram_codes([key])
        codes, counts = np.unique(codes, return_counts=True)
        at = np.minimum(np.searchsorted(self.vocab, codes), len(self.vocab) - 1)
        known = self.vocab[at] == codes
        idf = np.where(known, self.idf[at], np.log(1 + self.n_keys) + 1)
        weights = (1 + np.log(counts)) * idf
        weights /= np.sqrt((weights ** 2).sum()) or 1.0
        return at[known], weights[known].astype("float32")  # the index's dtype: no copy of it per query

    def scores(self, key: str) -> Tuple[np.ndarray, np.ndarray]:
        """The aliases (positions in the table's alias index) sharing a 3-gram with `key`, and their cosines."""
        features, weights = self.query_vector(key)
        if not len(features):
            return np.zeros(0, dtype="int32"), np.zeros(0, dtype="float32")
        query = sparse.csr_matrix((weights, (np.zeros(len(features), dtype="int64"), features)),
                                  shape=(1, len(self.vocab)))
        result = (query @ self.by_feature).tocsr()
        return self.aliases[result.indices], result.data


def _release_freed_memory() -> None:
    """Hand the memory the build freed (its key strings and temporary arrays) back
    to the OS: glibc keeps it in the process's heap otherwise, where it adds to
    the resident size for the pipeline's lifetime. A no-op without glibc."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _best(scores: np.ndarray, hit: np.ndarray, size: int) -> np.ndarray:
    """Indices of the `size` best scores, best first (ties: the earlier alias)."""
    best = np.argpartition(-scores, size - 1)[:size] if size < len(scores) else np.arange(len(scores))
    return best[np.lexsort((hit[best], -scores[best]))]
