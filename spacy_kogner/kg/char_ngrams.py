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
from typing import Dict, List, Tuple

import numpy as np
from scipy import sparse

Candidate = Tuple[int, float]  # (entity row, score)
# a 3-gram as one integer: three Unicode code points of 21 bits each
CODE_BITS = np.uint64(21)
# aliases ranked per query: several times top_k, as aliases of one entity may follow each other
RANK_FACTOR = 8


def trigram_codes(keys: List[str]) -> Tuple[np.ndarray, np.ndarray]:
    """The 3-gram codes of the space-padded keys, and the key each comes from."""
    padded = [f" {key} " for key in keys]
    points = np.frombuffer("".join(padded).encode("utf-32-le"), dtype="uint32").astype("uint64")
    lengths = np.fromiter((len(p) for p in padded), dtype="int64", count=len(padded))
    ends = np.cumsum(lengths)
    per_key = np.maximum(lengths - 2, 0)
    starts = np.repeat(ends - lengths, per_key) + (np.arange(per_key.sum()) - np.repeat(np.cumsum(per_key) - per_key, per_key))
    codes = (points[starts] << (CODE_BITS * np.uint64(2))) | (points[starts + 1] << CODE_BITS) | points[starts + 2]
    return codes, np.repeat(np.arange(len(keys)), per_key)


class CharNgramIndex:
    """TF-IDF vectors of the character 3-grams of a table's alias keys, by 3-gram."""

    def __init__(self, kg):
        self.kg = kg
        keys = list(kg.aliases)
        codes, key_of = trigram_codes(keys)
        self.vocab = np.unique(codes)
        features = np.searchsorted(self.vocab, codes).astype("int32")
        # a 3-gram's count in a key: scipy sums the duplicate (3-gram, key) entries
        counts = sparse.csr_matrix((np.ones(len(codes), dtype="float32"), (features, key_of.astype("int32"))),
                                   shape=(len(self.vocab), len(keys)))
        counts.sum_duplicates()
        self.n_keys = len(keys)
        document_frequency = np.diff(counts.indptr)
        self.idf = np.log((1 + self.n_keys) / (1 + document_frequency)) + 1
        by_feature = counts
        by_feature.data = (1 + np.log(by_feature.data)) * np.repeat(self.idf, document_frequency).astype("float32")
        norms = np.sqrt(np.bincount(by_feature.indices, weights=by_feature.data.astype("float64") ** 2,
                                    minlength=self.n_keys))
        by_feature.data /= norms[by_feature.indices].astype("float32")
        # the types each alias has an entity of: a bit per type label
        cand_rows = kg.aliases.entity_rows
        type_bits = (1 << kg.types[cand_rows].astype("int64"))
        offsets = kg.aliases.candidate_offsets
        alias_type_bits = np.bitwise_or.reduceat(type_bits, offsets[:-1]) if len(cand_rows) else type_bits
        # per type: the aliases with an entity of that type and their columns, so a query touches only those
        self.by_label: Dict[str, Tuple[np.ndarray, sparse.csr_matrix]] = {}
        for bit, label in enumerate(kg.type_labels):
            aliases = np.flatnonzero(alias_type_bits & (1 << bit)).astype("int32")
            self.by_label[label] = (aliases, by_feature[:, aliases].tocsr())

    def query_vector(self, key: str) -> Tuple[np.ndarray, np.ndarray]:
        """The key's known 3-gram features and weights (unit norm over all its 3-grams)."""
        codes, _ = trigram_codes([key])
        codes, counts = np.unique(codes, return_counts=True)
        at = np.minimum(np.searchsorted(self.vocab, codes), max(len(self.vocab) - 1, 0))
        known = self.vocab[at] == codes if len(self.vocab) else np.zeros(len(codes), bool)
        idf = np.where(known, self.idf[at] if len(self.vocab) else 0, np.log(1 + self.n_keys) + 1)
        weights = (1 + np.log(counts)) * idf
        weights /= np.sqrt((weights ** 2).sum()) or 1.0
        return at[known], weights[known].astype("float32")  # the index's dtype: no copy of it per query

    def nearest(self, key: str, label: str, top_k: int) -> List[Candidate]:
        """The `top_k` entities of type `label` whose best alias is nearest to `key`,
        with the cosine of that alias."""
        features, weights = self.query_vector(key)
        if not len(features) or label not in self.by_label:
            return []
        query = sparse.csr_matrix((weights, (np.zeros(len(features), dtype="int64"), features)),
                                  shape=(1, len(self.vocab)))
        aliases, by_feature = self.by_label[label]
        result = (query @ by_feature).tocsr()
        hit, scores = aliases[result.indices], result.data
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


def _best(scores: np.ndarray, hit: np.ndarray, size: int) -> np.ndarray:
    """Indices of the `size` best scores, best first (ties: the earlier alias)."""
    best = np.argpartition(-scores, size - 1)[:size] if size < len(scores) else np.arange(len(scores))
    return best[np.lexsort((hit[best], -scores[best]))]
