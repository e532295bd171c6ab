import numpy as np
import spacy
from spacy.tokens import Span

from spacy_kogner.kg_build import KGEntity, build_table
from spacy_kogner.pipeline.entities import link_spans


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
    assert candidates[1][0] == (kg.index_of("MESH:D000001"), 0.81)  # the candidates stay as the generator gave them
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
