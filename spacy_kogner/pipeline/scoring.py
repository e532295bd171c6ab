"""Scoring of entities and their KG ids: spaCy's NER scores plus its entity
linking scores (`Scorer.score_links`: `nel_micro_p/r/f` and `nel_f_per_type`),
so that `spacy evaluate` reports both and `spacy train` can select on either."""
from typing import Any, Callable, Dict, Iterable

from spacy.scorer import Scorer, get_ner_prf
from spacy.training import Example
from spacy.util import registry

from .partial_labels import annotated_examples

NO_ID = ""  # the kb_id of an entity without a KG id (PubTator's "-1")
LINK_SCORE_KEYS = ("nel_score", "nel_score_desc", "nel_micro_p", "nel_micro_r", "nel_micro_f", "nel_macro_p",
                   "nel_macro_r", "nel_macro_f", "nel_f_per_type")


def score_entities_and_links(examples: Iterable[Example], **kwargs: Any) -> Dict[str, Any]:
    """Entity P/R/F (`ents_*`) and, where the gold entities carry KG ids
    (`kb_id`), linking P/R/F on the entities predicted with the gold offsets
    (`nel_*`; an empty kb_id means no id); linking scores are None when no
    gold entity has an id (corpora without concept ids, e.g. IOB files).
    Predictions of labels a gold doc does not annotate (its
    `user_data["annotated_labels"]`) are left out of its scores."""
    examples = annotated_examples(list(examples))
    scores = get_ner_prf(examples)
    if any(ent.kb_id_ for eg in examples for ent in eg.reference.ents):
        scores.update(Scorer.score_links(examples, negative_labels=[NO_ID]))
    else:
        scores.update({key: None for key in LINK_SCORE_KEYS})
    return scores


@registry.scorers("spacy_kogner.entity_and_link_scorer.v1")
def make_entity_and_link_scorer() -> Callable[..., Dict[str, Any]]:
    """The scorer of `kogner_ner` and `kg_dictionary_ner`: `score_entities_and_links`."""
    return score_entities_and_links
