import spacy
from spacy.tokens import Doc, Span

from spacy_kogner.evaluation.linking import (component_linker, concept_scores, document_linker, end_to_end_scores,
                                             doc_mentions, gold_mention_accuracy, pubtator_mentions, same_id)
from spacy_kogner.kg import KGTable
from tests.util import TINY_KG

WORDS = "Naloxone reverses clonidine effects in Parkinson 's disease".split()


def doc_with(ents, doc_id="1"):
    doc = Doc(spacy.blank("en").vocab, words=WORDS)
    doc.ents = [Span(doc, s, e, label=label, kb_id=kb) for s, e, label, kb in ents]
    doc.user_data["pubtator_id"] = doc_id
    return doc


GOLD = [doc_with([(0, 1, "Chemical", "MESH:D009270"), (2, 3, "Chemical", "MESH:D003000"),
                  (5, 8, "Disease", "MESH:D010300"), (3, 4, "Disease", "")])]


def test_exact_alias_accuracy_on_gold_mentions():
    kg = KGTable.from_disk(TINY_KG)
    scores = gold_mention_accuracy(GOLD, component_linker(kg))
    assert scores["all"]["mentions"] == 3  # the mention without an id is left out
    assert scores["Chemical"]["acc_at_1"] == 100.0 and scores["Disease"]["acc_at_1"] == 100.0
    wrong = gold_mention_accuracy(GOLD, lambda span: "")
    assert wrong["all"] == {"mentions": 3, "acc_at_1": 0.0, "with_any_id": 0.0}


def test_the_document_linker_links_a_doc_s_entities_together():
    from tests.pipeline.test_entities import fixed_candidates, table

    kg = table()
    doc = Doc(spacy.blank("en").vocab, words="Cisplatin and cisplatinum .".split())
    doc.ents = [Span(doc, 0, 1, label="Chemical", kb_id="MESH:D002945"),
                Span(doc, 2, 3, label="Chemical", kb_id="MESH:D002945")]
    alone = gold_mention_accuracy([doc], component_linker(kg, fixed_candidates))
    together = gold_mention_accuracy([doc], document_linker(kg, fixed_candidates))
    assert alone["Chemical"]["acc_at_1"] == 50.0 and together["Chemical"]["acc_at_1"] == 100.0


def test_end_to_end_and_concept_scores():
    predicted = [doc_with([(0, 1, "Chemical", "MESH:D009270"), (2, 3, "Chemical", "CHEBI:1"),
                           (5, 8, "Disease", "MESH:D010300")])]
    e2e = end_to_end_scores(doc_mentions(GOLD), doc_mentions(predicted))
    assert e2e["all"] == {"p": 66.67, "r": 50.0, "f": 57.14}  # the id-less gold mention counts as a span to find
    concepts = concept_scores(doc_mentions(GOLD), doc_mentions(predicted))
    assert concepts["Chemical"] == {"p": 50.0, "r": 50.0, "f": 50.0} and concepts["Disease"]["f"] == 100.0
    # a concept mentioned twice in a document counts once
    twice = [doc_with([(0, 1, "Chemical", "MESH:D009270"), (2, 3, "Chemical", "MESH:D009270")])]
    assert concept_scores(doc_mentions(twice), doc_mentions(twice))["all"] == {"p": 100.0, "r": 100.0, "f": 100.0}


def test_composite_ids_match_as_sets_and_count_each_concept():
    gold_docs = [doc_with([(5, 8, "Disease", "MESH:D1|MESH:D2")])]
    gold = doc_mentions(gold_docs)
    reversed_ids = doc_mentions([doc_with([(5, 8, "Disease", "MESH:D2|MESH:D1")])])
    one_of_them = doc_mentions([doc_with([(5, 8, "Disease", "MESH:D1")])])
    assert same_id("MESH:D2|MESH:D1", "MESH:D1|MESH:D2") and not same_id("MESH:D1", "MESH:D1|MESH:D2")
    assert gold_mention_accuracy(gold_docs, lambda span: "MESH:D2|MESH:D1")["Disease"]["acc_at_1"] == 100.0
    assert end_to_end_scores(gold, reversed_ids)["all"]["f"] == 100.0
    assert end_to_end_scores(gold, one_of_them)["all"]["f"] == 0.0
    # the concept measure takes each id of a composite: one of two concepts found
    assert concept_scores(gold, one_of_them)["Disease"] == {"p": 100.0, "r": 50.0, "f": 66.67}


def test_promoted_supplementary_concepts_map_to_their_descriptors():
    import numpy as np

    from spacy_kogner.evaluation.mesh_versions import map_id, updated_ids
    from spacy_kogner.kg_build import KGEntity, build_table

    kg = build_table([KGEntity("MESH:D000077287", "Chemical", "Levetiracetam"), KGEntity("DOID:1", "Disease", "effects")],
                     np.zeros((2, 2), dtype="float32"))
    words = "levetiracetam and levetiracetam effects".split()

    def gold(ents):
        doc = Doc(spacy.blank("en").vocab, words=words)
        doc.ents = [Span(doc, s, e, label=label, kb_id=kb) for s, e, label, kb in ents]
        return doc

    docs = [gold([(0, 1, "Chemical", "MESH:C026098"), (2, 3, "Chemical", "MESH:C026098"),
                  (3, 4, "Disease", "MESH:C000001")])]
    mapping = updated_ids(kg, docs)
    assert mapping == {"MESH:C026098": "MESH:D000077287"}  # a DOID target is no descriptor: not mapped
    assert [map_id(e.kb_id_, mapping) for e in docs[0].ents] == ["MESH:D000077287", "MESH:D000077287", "MESH:C000001"]
    assert map_id("MESH:C026098|MESH:D1", mapping) == "MESH:D000077287|MESH:D1" and map_id("", mapping) == ""
    link = component_linker(kg)
    assert gold_mention_accuracy(docs, link)["Chemical"]["acc_at_1"] == 0.0
    assert gold_mention_accuracy(docs, link, mapping)["Chemical"]["acc_at_1"] == 100.0
    disagreeing = [gold([(0, 1, "Chemical", "MESH:C026098"), (3, 4, "Chemical", "MESH:C026098")])]
    assert updated_ids(kg, disagreeing) == {}


def test_abbreviations_are_linked_through_their_long_form():
    nlp = spacy.blank("en")
    nlp.add_pipe("abbreviation_detector")
    doc = nlp("Patients with Parkinson's disease ( PD ) improved . PD was stable .")
    doc.ents = [Span(doc, 2, 5, label="Disease", kb_id="MESH:D010300"), Span(doc, 6, 7, label="Disease", kb_id="MESH:D010300"),
                Span(doc, 10, 11, label="Disease", kb_id="MESH:D010300")]
    scores = gold_mention_accuracy([doc], component_linker(KGTable.from_disk(TINY_KG)))
    assert scores["Disease"] == {"mentions": 3, "acc_at_1": 100.0, "with_any_id": 100.0}


def test_pubtator_gold_mentions_keep_exact_offsets_inside_tokens(tmp_path):
    path = tmp_path / "test.PubTator.txt"
    path.write_text("7|t|Naloxone-induced hypotension\n7|a|\n7\t0\t8\tNaloxone\tChemical\tD009270\n"
                    "7\t17\t28\thypotension\tDisease\tD007022|D1\n\n")
    gold = pubtator_mentions(path)
    assert gold == {("7", 0, 8, "Chemical", "MESH:D009270"), ("7", 17, 28, "Disease", "MESH:D007022|MESH:D1")}
    doc = Doc(spacy.blank("en").vocab, words=["Naloxone-induced", "hypotension"])
    doc.ents = [Span(doc, 1, 2, label="Disease", kb_id="MESH:D1|MESH:D007022")]
    doc.user_data["pubtator_id"] = "7"
    # "Naloxone" is inside a token: the pipeline cannot find it, and it counts as missed
    assert end_to_end_scores(gold, doc_mentions([doc]))["all"] == {"p": 100.0, "r": 50.0, "f": 66.67}
