import numpy as np
import spacy
from spacy.tokens import Doc, Span
from spacy.training import Example
from thinc.api import SequenceCategoricalCrossentropy

from spacy_kogner.pipeline.decoding import biluo_tag_names
from spacy_kogner.pipeline.partial_labels import allowed_tags, annotated_examples, marginal_loss, unannotated_labels
from spacy_kogner.pipeline.scoring import score_entities_and_links

TAGS = biluo_tag_names(("Chemical", "Disease"))


def test_an_o_token_of_a_disease_only_doc_may_be_any_chemical_tag():
    mask = allowed_tags(["O", "U-Disease", None], TAGS, {"Chemical"})
    allowed = [{TAGS[i] for i in np.flatnonzero(row)} for row in mask]
    assert allowed[0] == {"O", "B-Chemical", "I-Chemical", "L-Chemical", "U-Chemical"}
    assert allowed[1] == {"U-Disease"} and allowed[2] == set()


def test_with_one_allowed_tag_the_gradient_is_thincs_cross_entropy():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((4, len(TAGS))).astype("float32")
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truths = ["O", "B-Chemical", "L-Chemical", None]
    d_thinc, loss_thinc = SequenceCategoricalCrossentropy(names=TAGS, normalize=False, missing_value=None)([probs], [truths])
    loss, (d_ours,) = marginal_loss([probs], [allowed_tags(truths, TAGS, set())], np)
    np.testing.assert_allclose(d_ours, d_thinc[0], atol=1e-6)
    assert abs(loss - float(loss_thinc)) < 1e-4
    # an "O" of a doc without Chemical annotation: no gradient pushes the chemical tags down
    _, (d_partial,) = marginal_loss([probs], [allowed_tags(truths, TAGS, {"Chemical"})], np)
    chemical = [i for i, tag in enumerate(TAGS) if tag.endswith("Chemical")]
    o_row = d_partial[0]
    assert np.all(o_row[chemical] <= 1e-6) and o_row[TAGS.index("U-Disease")] > 0


def disease_only_example(predicted_ents):
    nlp = spacy.blank("en")
    gold = nlp("Haloperidol caused parkinsonism .")
    gold.ents = [Span(gold, 2, 3, label="Disease")]
    gold.user_data["annotated_labels"] = ["Disease"]
    pred = Doc(nlp.vocab, words=[t.text for t in gold])
    pred.ents = [Span(pred, s, e, label=label) for s, e, label in predicted_ents]
    return Example(pred, gold)


def test_scores_leave_out_labels_the_gold_doc_does_not_annotate():
    eg = disease_only_example([(0, 1, "Chemical"), (2, 3, "Disease")])
    assert unannotated_labels(eg.reference, ["Chemical", "Disease"]) == {"Chemical"}
    assert [e.label_ for e in annotated_examples([eg])[0].predicted.ents] == ["Disease"]
    assert score_entities_and_links([eg])["ents_p"] == 1.0
    wrong = disease_only_example([(0, 1, "Disease")])  # a wrong Disease still counts
    assert score_entities_and_links([wrong])["ents_p"] == 0.0
    # a doc that does not say what it annotates is scored on every label
    eg.reference.user_data.pop("annotated_labels")
    assert unannotated_labels(eg.reference, ["Chemical"]) == set() and score_entities_and_links([eg])["ents_p"] == 0.5


def train_on_two_corpora(bert, disease_only_says_so: bool):
    from thinc.api import fix_random_seed

    from tests.util import TINY_KG, kg_initialize_config, make_nlp

    fix_random_seed(0)
    nlp = make_nlp(bert)
    nlp.config["initialize"]["components"]["kogner_ner"] = kg_initialize_config(TINY_KG)
    text = "Haloperidol caused parkinsonism ."
    both = Example.from_dict(nlp.make_doc(text), {"entities": [(0, 11, "Chemical"), (19, 31, "Disease")]})
    disease_only = Example.from_dict(nlp.make_doc(text), {"entities": [(19, 31, "Disease")]})
    if disease_only_says_so:
        disease_only.reference.user_data["annotated_labels"] = ["Disease"]
    optimizer = nlp.initialize(get_examples=lambda: [both])
    for _ in range(80):
        losses = nlp.update([both, disease_only], sgd=optimizer)
    assert np.isfinite(losses["kogner_ner"])
    return [(e.text, e.label_) for e in nlp(text).ents]


def test_a_doc_that_annotates_diseases_only_does_not_unteach_a_chemical(tiny_bert):
    """The same text from two corpora, one of which annotates diseases only:
    told so, the model keeps the chemical; not told, the "O" wins it over."""
    assert train_on_two_corpora(tiny_bert, True) == [("Haloperidol", "Chemical"), ("parkinsonism", "Disease")]
    assert train_on_two_corpora(tiny_bert, False) == [("parkinsonism", "Disease")]
