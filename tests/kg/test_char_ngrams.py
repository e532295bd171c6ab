import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from spacy_kogner.kg.char_ngrams import CharNgramIndex, trigram_codes
from tests.kg.test_candidates import table


def test_trigram_codes_are_the_char_wb_trigrams_of_each_key():
    keys = ["ab", "cisplatin", "é-ß", ""]
    codes, key_of = trigram_codes(keys)
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), lowercase=False).build_analyzer()
    for i, key in enumerate(keys):
        expected = [sum(ord(c) << (21 * (2 - j)) for j, c in enumerate(gram)) for gram in analyzer(key)]
        assert codes[key_of == i].tolist() == expected


def test_scores_are_scikit_learns_tfidf_cosines():
    kg = table()
    index = CharNgramIndex(kg)
    keys = list(kg.aliases)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), lowercase=False, sublinear_tf=True)
    matrix = vectorizer.fit_transform(keys)
    for query, label in [("ischemi", "Disease"), ("cisplatinum", "Chemical"), ("renalinsufficient", "Disease")]:
        # scikit-learn leaves the query's unseen 3-grams out; they lower every cosine alike, so the order is the same
        expected = (vectorizer.transform([query]) @ matrix.T).toarray().ravel()
        found = index.nearest(query, label, top_k=3)
        assert found, query
        best_alias = max((i for i, key in enumerate(keys) if kg.type_of(kg.aliases.get(key)[0]) == label),
                         key=lambda i: expected[i])
        assert found[0][0] in kg.aliases.get(keys[best_alias])
        assert all(kg.type_of(row) == label for row, _ in found)
        assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_the_best_entities_when_aliases_of_one_entity_crowd_the_top(monkeypatch):
    import spacy_kogner.kg.char_ngrams as char_ngrams

    monkeypatch.setattr(char_ngrams, "RANK_FACTOR", 1)  # the partial sort first sees a single alias per slot
    kg = table()
    found = CharNgramIndex(kg).nearest("ischaemiarenal", "Disease", top_k=2)  # ischaemia, ischemia: one entity
    assert [row for row, _ in found] == [kg.index_of("MESH:D007511"), kg.index_of("MESH:D051437")]


@pytest.mark.parametrize("key", ["", "x", "\u200b", "\U0001f9ea"])
def test_short_odd_and_unseen_keys_and_labels(key):
    index = CharNgramIndex(table())
    assert index.nearest(key, "Disease", 3) == []  # no 3-gram of these is in any alias
    assert index.nearest("ischemia", "Gene", 3) == []  # a type the table has no aliases of
