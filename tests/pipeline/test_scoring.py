import pytest
import spacy
from spacy.tokens import Span
from spacy.training import Example

from spacy_kogner.pipeline.scoring import score_entities_and_links

WORDS = "Naloxone reverses clonidine effects in hypotension".split()


def example(gold, predicted):
    nlp = spacy.blank("en")

    def doc_with(ents):
        doc = spacy.tokens.Doc(nlp.vocab, words=WORDS)
        doc.ents = [Span(doc, s, e, label=label, kb_id=kb) for s, e, label, kb in ents]
        return doc

    return Example(doc_with(predicted), doc_with(gold))


def test_links_are_scored_on_the_entities_found_with_gold_offsets():
    gold = [(0, 1, "Chemical", "MESH:D009270"), (2, 3, "Chemical", "MESH:D003000"), (5, 6, "Disease", "")]
    predicted = [(0, 1, "Chemical", "MESH:D009270"), (2, 3, "Chemical", "CHEBI:46631"), (5, 6, "Disease", ""),
                 (3, 4, "Disease", "MESH:D1")]
    scores = score_entities_and_links([example(gold, predicted)])
    assert scores["ents_p"] == pytest.approx(0.75) and scores["ents_r"] == 1.0
    # naloxone right; clonidine's wrong id counts as a false positive and a false negative; no-id pairs are ignored
    assert scores["nel_micro_p"] == pytest.approx(0.5) and scores["nel_micro_r"] == pytest.approx(0.5)
    assert set(scores["nel_f_per_type"]) == {"Chemical", "Disease"}


def test_corpora_without_ids_get_no_link_scores():
    scores = score_entities_and_links([example([(0, 1, "Chemical", "")], [(0, 1, "Chemical", "MESH:D009270")])])
    assert scores["ents_f"] == 1.0 and scores["nel_micro_f"] is None and scores["nel_f_per_type"] is None


def test_the_components_use_it(trained_nlp):
    from spacy.util import registry

    assert registry.scorers.get("spacy_kogner.entity_and_link_scorer.v1")() is score_entities_and_links
    assert trained_nlp.get_pipe("kogner_ner").scorer is score_entities_and_links
    doc = trained_nlp.make_doc("Naloxone reverses the antihypertensive effect of clonidine .")
    gold = Example.from_dict(doc, {"entities": [(0, 8, "Chemical")], "links": {(0, 8): {"MESH:D009270": 1.0}}})
    scores = trained_nlp.evaluate([gold])
    assert "nel_micro_f" in scores and scores["ents_f"] is not None
