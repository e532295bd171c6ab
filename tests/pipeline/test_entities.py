import numpy as np
import pytest
import spacy
from spacy.tokens import Span

from spacy_kogner.kg_build import KGEntity, build_table
from spacy_kogner.pipeline.entities import decoded_spans, link_spans


def table():
    entities = [KGEntity("MESH:D000001", "Chemical", "Cisplatinol"),
                KGEntity("MESH:D002945", "Chemical", "Cisplatin"),
                KGEntity("MESH:D000002", "Chemical", "Carboplatin")]
    return build_table(entities, np.zeros((len(entities), 2), dtype="float32"))


def fixed_candidates(kg, words, label):
    """Exact aliases score 1; "cisplatinum" is nearer to Cisplatinol than to Cisplatin."""
    text = " ".join(words).lower()
    if text in ("cisplatin", "carboplatin"):
        return [(kg.index_of({"cisplatin": "MESH:D002945", "carboplatin": "MESH:D000002"}[text]), 1.0)]
    if text == "cisplatinum":
        return [(kg.index_of("MESH:D000001"), 0.81), (kg.index_of("MESH:D002945"), 0.79)]
    return []


def test_a_variant_takes_the_concept_the_document_names_exactly():
    kg = table()
    doc = spacy.blank("en")("Cisplatin and cisplatinum and carboplatin .")
    spans = [Span(doc, 0, 1, label="Chemical"), Span(doc, 2, 3, label="Chemical"), Span(doc, 4, 5, label="Chemical")]
    linked, candidates = link_spans(kg, doc, spans, [], fixed_candidates)
    assert [s.kb_id_ for s in linked] == ["MESH:D002945", "MESH:D002945", "MESH:D000002"]
    assert candidates[1] == [("MESH:D000001", 0.81), ("MESH:D002945", 0.79)]  # the candidates stay as the generator gave them
    # alone, the variant takes its nearest alias; below the threshold, no id
    alone, _ = link_spans(kg, doc, spans[1:2], [], fixed_candidates)
    assert alone[0].kb_id_ == "MESH:D000001"
    strict, _ = link_spans(kg, doc, spans, [], fixed_candidates, threshold=0.8)
    assert [s.kb_id_ for s in strict] == ["MESH:D002945", "", "MESH:D000002"]


def test_a_variant_takes_a_candidate_related_in_the_kg_to_a_named_concept():
    entities = [KGEntity("MESH:D000001", "Chemical", "Cisplatinol"),
                KGEntity("MESH:D002945", "Chemical", "Cisplatin"),
                KGEntity("MESH:D007674", "Disease", "Kidney Diseases", ["nephrotoxicity"])]
    kg = build_table(entities, np.zeros((3, 2), dtype="float32"), relations=[("MESH:D002945", "CID", "MESH:D007674")])
    doc = spacy.blank("en")("cisplatinum nephrotoxicity")

    def candidates(kg, words, label):
        if words == ["nephrotoxicity"]:
            return [(kg.index_of("MESH:D007674"), 1.0)]
        return [(kg.index_of("MESH:D000001"), 0.81), (kg.index_of("MESH:D002945"), 0.79)]

    spans = [Span(doc, 0, 1, label="Chemical"), Span(doc, 1, 2, label="Disease")]
    linked, _ = link_spans(kg, doc, spans, [], candidates)
    assert [s.kb_id_ for s in linked] == ["MESH:D002945", "MESH:D007674"]


def cancer_table():
    entities = [KGEntity("MESH:D001943", "Disease", "Breast Neoplasms", ["breast cancer"]),
                KGEntity("MESH:D010051", "Disease", "Ovarian Neoplasms", ["ovarian cancer"]),
                KGEntity("MESH:D009369", "Disease", "Neoplasms", ["cancer"])]
    return build_table(entities, np.zeros((3, 2), dtype="float32"))


def test_a_coordinated_mention_gets_each_conjuncts_id():
    from spacy_kogner.kg.candidates import create_exact_alias_candidates

    kg, exact = cancer_table(), create_exact_alias_candidates()
    doc = spacy.blank("en")("breast and ovarian cancer , breast cancer , and cancer")
    spans = [Span(doc, 0, 4, label="Disease"), Span(doc, 5, 7, label="Disease"), Span(doc, 9, 10, label="Disease")]
    linked, candidates = link_spans(kg, doc, spans, [], exact)
    assert [s.kb_id_ for s in linked] == ["MESH:D001943|MESH:D010051", "MESH:D001943", "MESH:D009369"]
    assert candidates[0] == [("MESH:D001943|MESH:D010051", 1.0)]  # the composite heads its candidates
    assert candidates[1] == [("MESH:D001943", 1.0)]


def test_a_composite_must_beat_the_mentions_own_best_candidate():
    kg = cancer_table()
    doc = spacy.blank("en")("breast and ovarian cancer")

    def candidates(kg, words, label):
        if words == ["breast", "and", "ovarian", "cancer"]:
            return [(kg.index_of("MESH:D009369"), 0.9)]
        if words in (["breast", "cancer"], ["ovarian", "cancer"]):
            return [(kg.index_of("MESH:D001943" if words[0] == "breast" else "MESH:D010051"), 0.8)]
        return []

    span = Span(doc, 0, 4, label="Disease")
    linked, listed = link_spans(kg, doc, [span], [], candidates)
    assert linked[0].kb_id_ == "MESH:D009369" and listed[0] == [("MESH:D009369", 0.9)]

    def conjuncts_only(kg, words, label):
        return [] if len(words) == 4 else candidates(kg, words, label)

    linked, listed = link_spans(kg, doc, [span], [], conjuncts_only)
    assert linked[0].kb_id_ == "MESH:D001943|MESH:D010051" and listed[0] == [("MESH:D001943|MESH:D010051", 0.8)]
    strict, _ = link_spans(kg, doc, [span], [], conjuncts_only, threshold=0.85)  # below the no-id threshold
    assert strict[0].kb_id_ == ""


def test_decoded_spans_shed_symbol_only_edge_tokens_and_keep_punctuation():
    nlp = spacy.blank("en")
    doc = nlp.make_doc("💊 💊 𝔸spirin ™ ( IL ) - 2 © ™ .")
    tags = ["B-Chemical", "I-Chemical", "I-Chemical", "L-Chemical",
            "B-Chemical", "I-Chemical", "I-Chemical", "I-Chemical", "L-Chemical", "U-Chemical", "U-Chemical", "O"]
    logp = np.log(np.array([0.5, 0.5, 0.5, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]))
    spans, confidences = decoded_spans(doc, tags, logp)
    # the emoji and "™" leave the first entity; brackets and hyphens stay; symbols alone are no entity
    assert [(s.text, s.label_) for s in spans] == [("𝔸spirin", "Chemical"), ("( IL ) - 2", "Chemical")]
    assert confidences == pytest.approx([0.5, 0.9])


def test_a_coordination_that_is_an_alias_of_several_concepts_gets_all_their_ids():
    from spacy_kogner.kg.candidates import create_exact_alias_candidates

    # a composite gold mention's text becomes an alias of each of its ids
    entities = [KGEntity("MESH:D058186", "Disease", "Acute Kidney Injury", ["renal and hepatic failure"]),
                KGEntity("MESH:D017093", "Disease", "Liver Failure", ["renal and hepatic failure", "hepatic failure"]),
                KGEntity("MESH:D000003", "Disease", "Other Failure", ["failure"])]
    kg, exact = build_table(entities, np.zeros((3, 2), dtype="float32")), create_exact_alias_candidates()
    doc = spacy.blank("en")("renal and hepatic failure , hepatic failure")
    spans = [Span(doc, 0, 4, label="Disease"), Span(doc, 5, 7, label="Disease")]
    linked, listed = link_spans(kg, doc, spans, [], exact)
    assert set(linked[0].kb_id_.split("|")) == {"MESH:D058186", "MESH:D017093"}
    assert listed[0][0] == (linked[0].kb_id_, 1.0) and len(listed[0]) == 3
    assert linked[1].kb_id_ == "MESH:D017093"  # one concept, no composite
    # an alias of more concepts than the mention has conjuncts is not read as a composite
    crowded = [KGEntity(f"MESH:D00000{i}", "Disease", f"Failure {i}", ["renal and hepatic failure"]) for i in range(3)]
    kg = build_table(crowded, np.zeros((3, 2), dtype="float32"))
    linked, listed = link_spans(kg, doc, spans[:1], [], exact)
    assert "|" not in linked[0].kb_id_ and len(listed[0]) == 3
