"""The `kogner_ner` factory and its default config (the component itself:
`kogner_ner.py`).

spaCy imports every entry-point factory module whenever it creates a Language
(even `spacy.blank`), so this module imports the component, and with it the
model layers and torch-geometric, only when a kogner_ner is made."""
from typing import TYPE_CHECKING, Callable, List, Optional

from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Config, Model
from thinc.types import Floats2d

from ..kg.candidates import CandidateGenerator
from .scoring import make_entity_and_link_scorer  # noqa: F401  (registers the scorer)

if TYPE_CHECKING:
    from .kogner_ner import KoGNERecognizer

DEFAULT_SPANS_KEY = "kogner"

DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "spacy_kogner.KoGNER.v1"
width = 128
depth = 2
window = 2
max_candidates = 3
kg_relation_slots = 16
use_kg = true
dropout = 0.1
mention_dropout = 0.2
hold_out_gold = false
nO = null

[model.tok2vec]
@architectures = "spacy-transformers.TransformerListener.v1"
grad_factor = 1.0
upstream = "*"

[model.tok2vec.pooling]
@layers = "reduce_mean.v1"
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]

@Language.factory(
    "kogner_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type", "doc.spans"],
    default_config={
        "model": DEFAULT_MODEL,
        "spans_key": DEFAULT_SPANS_KEY,
        "link_entities": True,
        "get_candidates": {"@misc": "spacy_kogner.CharNgramCandidates.v1", "top_k": 5},
        "link_threshold": 0.7,
        "learn_rate_scale": 1.0,
        "scorer": {"@scorers": "spacy_kogner.entity_and_link_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None,
                           "nel_micro_f": None, "nel_micro_p": None, "nel_micro_r": None},
)
def make_kogner_ner(
    nlp: Language,
    name: str,
    model: Model[List[Doc], List[Floats2d]],
    spans_key: str,
    link_entities: bool,
    get_candidates: CandidateGenerator,
    link_threshold: float,
    learn_rate_scale: float,
    scorer: Optional[Callable],
) -> "KoGNERecognizer":
    """Create a kogner_ner component.

    spans_key: doc.spans key of the predicted entities with their scores
        (doc.spans[spans_key].attrs["scores"]).
    link_entities: set ent.kb_id_ to a KG entity of the same type as the prediction.
    get_candidates: the candidate generator (spacy_kogner.CharNgramCandidates.v1 or
        spacy_kogner.ExactAliasCandidates.v1, or your own registered one).
    link_threshold: an entity whose best candidate scores below this gets no kb_id.
    learn_rate_scale: this component's weights learn at the optimizer's rate times
        this; a transformer behind a listener updates its own weights at the
        optimizer's rate, so the freshly initialised head can learn faster.
    """
    from .kogner_ner import KoGNERecognizer

    return KoGNERecognizer(nlp.vocab, model, name, spans_key=spans_key, link_entities=link_entities,
                           get_candidates=get_candidates, link_threshold=link_threshold,
                           learn_rate_scale=learn_rate_scale, scorer=scorer)
