import pytest
import spacy

from spacy_kogner.kg import KGTable
from tests.util import TINY_KG

TEXT = "Lithium carbonate induced nephrogenic diabetes insipidus and Parkinson 's disease ."


def make_dictionary_nlp(labels=("Chemical", "Disease")):
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_dictionary_ner", config={"labels": list(labels)})
    nlp.config["initialize"]["components"]["kg_dictionary_ner"] = {
        "kg": {"@misc": "spacy_kogner.KGTableLoader.v1", "path": str(TINY_KG)}}
    nlp.initialize()
    return nlp


def test_alias_matches_become_linked_entities_of_the_chosen_labels():
    nlp = make_dictionary_nlp()
    ents = [(e.text, e.label_, e.kb_id_) for e in nlp(TEXT).ents]
    assert ents == [("Lithium carbonate", "Chemical", "MESH:D016651"),
                    ("nephrogenic diabetes insipidus", "Disease", "MESH:D018500"),
                    ("Parkinson 's disease", "Disease", "MESH:D010300")]
    only_chemicals = make_dictionary_nlp(["Chemical"])
    assert [e.label_ for e in only_chemicals(TEXT).ents] == ["Chemical"]
    kg = KGTable.from_disk(TINY_KG)
    assert make_dictionary_nlp([]).get_pipe("kg_dictionary_ner").labels == kg.type_labels


def test_pipe_batches_and_round_trips(tmp_path):
    nlp = make_dictionary_nlp()
    texts = [TEXT, "", "   ", "No match here .", "naloxone"] * 3
    expected = [[(e.start, e.end, e.label_, e.kb_id_) for e in nlp(t).ents] for t in texts]
    assert [[(e.start, e.end, e.label_, e.kb_id_) for e in d.ents] for d in nlp.pipe(texts, batch_size=4)] == expected
    nlp.to_disk(tmp_path / "dictionary")
    loaded = spacy.load(tmp_path / "dictionary")
    assert [[(e.start, e.end, e.label_, e.kb_id_) for e in d.ents] for d in loaded.pipe(texts)] == expected
    restored = make_dictionary_nlp().get_pipe("kg_dictionary_ner").from_bytes(nlp.get_pipe("kg_dictionary_ner").to_bytes())
    assert restored.kg.meta["files"] == KGTable.from_disk(TINY_KG).meta["files"]
    unlinked = spacy.load(tmp_path / "dictionary", config={"components": {"kg_dictionary_ner": {"link_entities": False}}})
    assert [[(e.start, e.end, e.label_, "") for e in d.ents] for d in unlinked.pipe(texts)] == \
        [[(start, end, label, "") for start, end, label, _ in ents] for ents in expected]
    assert all(not e.kb_id_ for d in unlinked.pipe(texts) for e in d.ents)


def test_without_a_kg_table_it_says_what_to_set():
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_dictionary_ner")
    with pytest.raises(ValueError, match=r"initialize.components.kg_dictionary_ner.kg\] is not set"):
        nlp.initialize()
    with pytest.raises(ValueError, match="no KG table"):
        nlp("aspirin")


def test_spacy_evaluate_scores_it():
    from spacy.training import Example

    nlp = make_dictionary_nlp()
    doc = nlp.make_doc(TEXT)
    example = Example.from_dict(doc, {"entities": [(0, 17, "Chemical"), (26, 56, "Disease")]})
    scores = nlp.evaluate([example])
    assert scores["ents_r"] == 1.0 and scores["ents_p"] == pytest.approx(2 / 3)
