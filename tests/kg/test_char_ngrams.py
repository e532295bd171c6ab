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


def test_scores_are_scikit_learns_tfidf_cosines_over_the_aliases_of_the_type():
    kg = table()
    index = CharNgramIndex(kg)
    for query, label in [("ischemi", "Disease"), ("cisplatinum", "Chemical"), ("renalinsufficient", "Disease")]:
        keys = [key for key, rows in kg.aliases.items() if any(kg.type_of(row) == label for row in rows)]
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), lowercase=False, sublinear_tf=True)
        matrix = vectorizer.fit_transform(keys)
        expected = (vectorizer.transform([query]) @ matrix.T).toarray().ravel()
        found = index.nearest(query, label, top_k=3)
        assert found and found[0][0] in kg.aliases.get(keys[int(np.argmax(expected))]), query
        assert all(kg.type_of(row) == label for row, _ in found)
        assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)
    # a query of seen 3-grams only scores as scikit-learn does
    keys = [key for key, rows in kg.aliases.items() if kg.type_of(rows[0]) == "Disease"]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), lowercase=False, sublinear_tf=True)
    matrix = vectorizer.fit_transform(keys)
    expected = (vectorizer.transform(["ischemia"]) @ matrix.T).toarray().ravel()
    assert index.nearest("ischemia", "Disease", top_k=1)[0][1] == pytest.approx(expected.max(), abs=1e-4)
    assert set(index.by_label) == {"Chemical", "Disease"}  # made for the types queried


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
