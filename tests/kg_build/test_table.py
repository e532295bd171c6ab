import numpy as np

from spacy_kogner.kg_build import KGEntity, build_table


def test_candidates_rank_preferred_names_first():
    entities = [
        KGEntity("X:1", "Chemical", "Lithium Ion", ["Li"]),
        KGEntity("X:2", "Chemical", "Li", []),
    ]
    table = build_table(entities, np.zeros((2, 4), dtype="float32"))
    assert [table.ids[i] for i in table.candidates("li")] == ["X:2", "X:1"]
    assert table.candidates(["lithium", "ion"]) == (0,)


def test_excluded_keys_drop_stop_word_aliases():
    entities = [KGEntity("HGNC:1", "Gene", "ABC1", ["in", "ATP binding cassette 1"]), KGEntity("HGNC:2", "Gene", "of")]
    table = build_table(entities, np.zeros((2, 4), dtype="float32"), excluded_keys={"in", "of"})
    assert table.candidates("in") == () and table.candidates("of") == ()
    assert table.candidates("abc1") == (0,) and table.candidates("ATP-binding cassette 1") == (0,)


def test_training_gold_counts_rank_candidates_first():
    entities = [KGEntity("MESH:D005971", "Chemical", "Glutamates", ["glutamate"]),
                KGEntity("MESH:D018698", "Chemical", "Glutamic Acid", ["glutamate"])]
    vectors = np.zeros((2, 4), dtype="float32")
    assert build_table(entities, vectors).candidates("glutamate") == (0, 1)  # the preferred name first
    ranked = build_table(entities, vectors, gold_counts={("glutamate", "MESH:D018698"): 3, ("glutamate", "MESH:X"): 9})
    assert ranked.candidates("glutamate") == (1, 0)
