import spacy
from spacy.tokens import Doc, Span

from spacy_kogner.evaluation.linking import concept_scores, end_to_end_scores, exact_alias_linker, gold_mention_accuracy
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
    scores = gold_mention_accuracy(GOLD, exact_alias_linker(kg))
    assert scores["all"]["mentions"] == 3  # the mention without an id is left out
    assert scores["Chemical"]["acc_at_1"] == 100.0 and scores["Disease"]["acc_at_1"] == 100.0
    wrong = gold_mention_accuracy(GOLD, lambda span: "")
    assert wrong["all"] == {"mentions": 3, "acc_at_1": 0.0, "with_any_id": 0.0}


def test_end_to_end_and_concept_scores():
    predicted = [doc_with([(0, 1, "Chemical", "MESH:D009270"), (2, 3, "Chemical", "CHEBI:1"),
                           (5, 8, "Disease", "MESH:D010300")])]
    e2e = end_to_end_scores(GOLD, predicted)
    assert e2e["all"] == {"p": 66.67, "r": 50.0, "f": 57.14}  # the id-less gold mention counts as a span to find
    concepts = concept_scores(GOLD, predicted)
    assert concepts["Chemical"] == {"p": 50.0, "r": 50.0, "f": 50.0} and concepts["Disease"]["f"] == 100.0
    # a concept mentioned twice in a document counts once
    twice = [doc_with([(0, 1, "Chemical", "MESH:D009270"), (2, 3, "Chemical", "MESH:D009270")])]
    assert concept_scores(twice, twice)["all"] == {"p": 100.0, "r": 100.0, "f": 100.0}
