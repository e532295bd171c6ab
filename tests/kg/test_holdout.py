from spacy_kogner.kg.holdout import abstract_units, held_out_links


def test_sentences_are_found_in_their_abstracts_whatever_the_order_and_spacing():
    abstracts = {"11": "Lithium toxicity. Renal failure was seen.", "22": "Naloxone and clonidine. No effect."}
    docs = ["Naloxone and clonidine .", "No effect .", "Lithium toxicity .", "Renal  failure was seen .",
            "Not in any abstract .", ""]
    assert abstract_units(docs, abstracts) == ["22", "22", "11", "11", None, None]
    assert abstract_units(docs[:1], {}) == [None]


def test_only_links_that_one_unit_gave_are_held_out_from_that_units_docs():
    gold_links = {("narcan", "MESH:D009270"): {"pmid:1"}, ("hbp", "MESH:D006973"): {"pmid:1", "pmid:2"},
                  ("lico", "corpus:Chemical:lico"): {"doc:c"}}
    doc_units = {"a": "pmid:1", "b": "pmid:1", "c": "doc:c", "d": "pmid:2"}
    assert held_out_links(gold_links, doc_units) == {
        "a": {("narcan", "MESH:D009270")}, "b": {("narcan", "MESH:D009270")}, "c": {("lico", "corpus:Chemical:lico")},
    }
