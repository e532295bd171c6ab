import pickle

import numpy as np
from spacy.util import registry

from spacy_kogner.kg.candidates import memoized
from spacy_kogner.kg_build import KGEntity, build_table


def table():
    entities = [KGEntity("MESH:D007511", "Disease", "Ischemia", ["ischaemia"]),
                KGEntity("MESH:D051437", "Disease", "Renal Insufficiency", ["impaired renal function"]),
                KGEntity("MESH:D002945", "Chemical", "Cisplatin", ["cis-diamminedichloroplatinum"]),
                KGEntity("MESH:D007512", "Chemical", "Ischemic agent")]
    return build_table(entities, np.zeros((len(entities), 2), dtype="float32"))


def test_exact_alias_candidates_keep_the_label_and_rank():
    kg = table()
    exact = registry.misc.get("spacy_kogner.ExactAliasCandidates.v1")()
    assert exact(kg, ["Cisplatin"], "Chemical") == [(2, 1.0)]
    assert exact(kg, ["Cisplatin"], "Disease") == [] and exact(kg, ["ischemic"], "Disease") == []


def test_char_ngram_candidates_find_unseen_variants_of_the_label():
    kg = table()
    get = registry.misc.get("spacy_kogner.CharNgramCandidates.v1")(top_k=2)
    assert get(kg, ["Cisplatin"], "Chemical") == [(2, 1.0)]  # an exact alias first
    found = get(kg, ["ischemic"], "Disease")
    assert found[0][0] == kg.index_of("MESH:D007511") and 0 < found[0][1] < 1.0
    assert all(kg.type_of(row) == "Disease" for row, _ in found)
    renal = get(kg, ["decreased", "renal", "function"], "Disease")
    assert renal[0][0] == kg.index_of("MESH:D051437")
    assert get(kg, ["…"], "Disease") == [] and get(kg, [], "Chemical") == []
    assert len(get(kg, ["is", "chem"], "Chemical")) <= 2


def test_candidate_generators_pickle_without_their_index():
    kg = table()
    get = registry.misc.get("spacy_kogner.CharNgramCandidates.v1")(top_k=2)
    found = get(kg, ["ischemic"], "Disease")  # builds the n-gram index
    data = pickle.dumps(get)
    assert len(data) < 200  # the index is rebuilt, not carried
    assert pickle.loads(data)(kg, ["ischemic"], "Disease") == found
    exact = pickle.loads(pickle.dumps(registry.misc.get("spacy_kogner.ExactAliasCandidates.v1")()))
    assert exact(kg, ["Cisplatin"], "Chemical") == [(2, 1.0)]


def test_a_memoized_generator_looks_each_mention_up_once_and_hands_out_copies():
    kg, other = table(), table()
    asked = []
    get = registry.misc.get("spacy_kogner.CharNgramCandidates.v1")(top_k=2)

    def counted(table_, words, label):
        asked.append((tuple(words), label))
        return get(table_, words, label)

    memo = memoized(counted)
    first = memo(kg, ["ischemic"], "Disease")
    first.clear()  # a caller's change to its answer reaches no later caller
    assert memo(kg, ("ischemic",), "Disease") == get(kg, ["ischemic"], "Disease") != []
    assert memo(kg, ["ischemic"], "Chemical") == get(kg, ["ischemic"], "Chemical")
    assert memo(other, ["ischemic"], "Disease") == get(other, ["ischemic"], "Disease")
    assert asked == [(("ischemic",), "Disease"), (("ischemic",), "Chemical"), (("ischemic",), "Disease")]
