"""The `kogner_ner` component: KG-augmented NER with BILUO decoding, KG linking
of predicted entities and per-entity confidence scores (its factory and
default config: `kogner_factory.py`)."""
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
import srsly
from spacy import util
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example, validate_examples, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import Model, Optimizer, SequenceCategoricalCrossentropy, set_dropout_rate
from thinc.types import Floats2d

from ..kg.candidates import CandidateGenerator, create_exact_alias_candidates, memoized
from ..kg.holdout import GoldHoldOut, ResolvedHoldOut
from ..kg.table import KGTable
from ..ml.kogner import KoGNERInput, check_kg_fits
from .decoding import biluo_tag_names, transition_constraints, viterbi_biluo_batch
from .entities import set_entities
from .kogner_factory import DEFAULT_SPANS_KEY
from .partial_labels import allowed_tags, marginal_loss, unannotated_labels


CONFIG_SETTINGS = ("spans_key", "link_entities", "link_threshold", "learn_rate_scale")  # cfg from the factory's arguments


class KoGNERecognizer(TrainablePipe):
    """Named entity recognizer whose model reads a distilled KG table. The
    component owns the table: it is loaded at [initialize] (or with the
    pipeline), saved with the component, and handed to the model with every
    batch (`KoGNERInput`)."""

    def __init__(
        self,
        vocab: Vocab,
        model: Model,
        name: str = "kogner_ner",
        *,
        spans_key: str = DEFAULT_SPANS_KEY,
        link_entities: bool = True,
        get_candidates: Optional[CandidateGenerator] = None,
        link_threshold: float = 0.7,
        learn_rate_scale: float = 1.0,
        scorer: Optional[Callable] = None,
    ):
        self.vocab = vocab
        self.model = model
        self.name = name
        self.scorer = scorer
        self.kg: Optional[KGTable] = None
        self.hold_out: Optional[ResolvedHoldOut] = None  # training only, never saved
        self.get_candidates = get_candidates or create_exact_alias_candidates()
        self.cfg: Dict[str, Any] = {
            "labels": [],
            "spans_key": spans_key,
            "link_entities": link_entities,
            "link_threshold": link_threshold,
            "learn_rate_scale": learn_rate_scale,
            "kg": None,
        }
        self._set_tags()

    @property
    def labels(self) -> Tuple[str, ...]:
        """Entity labels the component predicts."""
        return tuple(self.cfg["labels"])

    @property
    def label_data(self) -> List[str]:
        """Labels, as written by `spacy init labels`."""
        return list(self.labels)

    def add_label(self, label: str) -> int:
        """Add an entity label; returns 1 if it was new, else 0."""
        if not isinstance(label, str):
            raise ValueError(f"kogner_ner labels must be strings, not {label!r}")
        if label in self.cfg["labels"]:
            return 0
        self._allow_extra_label()
        self.cfg["labels"] = sorted([*self.cfg["labels"], label])
        self._set_tags()
        self.vocab.strings.add(label)
        return 1

    def _set_tags(self) -> None:
        self.tags = biluo_tag_names(self.labels)
        self._tag_index = {tag: i for i, tag in enumerate(self.tags)}
        self._constraints = transition_constraints(self.tags)

    def set_kg(self, kg: Optional[KGTable]) -> None:
        """Use this KG table for lookup and linking; its provenance goes into cfg."""
        if kg is not None:
            check_kg_fits(self.model, kg)
        self.kg = kg
        self.cfg["kg"] = None if kg is None else {
            key: value for key, value in kg.meta.items() if key not in ("type_labels", "relation_labels")
        }

    def predict(self, docs: Iterable[Doc]) -> List[Floats2d]:
        """Tag probabilities [n_tokens, n_tags] per doc."""
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [self.model.ops.alloc2f(len(doc), len(self.tags)) for doc in docs]
        return self.model.predict(KoGNERInput(docs, self.kg))

    def set_annotations(self, docs: Iterable[Doc], scores: List[Floats2d]) -> None:
        """Decode valid BILUO sequences, set doc.ents (with KG ids) and the scored span group."""
        log_probs_of = [np.log(np.clip(self.model.ops.to_numpy(s), 1e-12, 1.0)) for s in scores]
        paths = viterbi_biluo_batch(log_probs_of, *self._constraints)
        kg = self.kg if self.cfg["link_entities"] else None
        get_candidates = memoized(self.get_candidates)  # a name the batch repeats is looked up once
        for doc, log_probs, path in zip(docs, log_probs_of, paths):
            set_entities(doc, [self.tags[i] for i in path], log_probs[np.arange(len(path)), path],
                         self.cfg["spans_key"], kg, get_candidates, self.cfg["link_threshold"])

    def update(
        self,
        examples: Iterable[Example],
        *,
        drop: float = 0.0,
        sgd: Optional[Optimizer] = None,
        losses: Optional[Dict[str, float]] = None,
    ) -> Dict[str, float]:
        """Learn from a batch of examples."""
        if losses is None:
            losses = {}
        losses.setdefault(self.name, 0.0)
        validate_examples(examples, "KoGNERecognizer.update")
        examples = list(examples)
        if not any(len(eg.predicted) for eg in examples):
            return losses
        set_dropout_rate(self.model, drop)
        scores, backprop = self.model.begin_update(KoGNERInput([eg.predicted for eg in examples], self.kg, self.hold_out))
        loss, d_scores = self.get_loss(examples, scores)
        backprop(d_scores)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def finish_update(self, sgd: Optimizer) -> None:
        """Update the component's weights with the optimizer's learning rate times
        `learn_rate_scale`."""
        scale = self.cfg.get("learn_rate_scale", 1.0)
        self.model.finish_update(sgd if scale == 1.0 else partial(sgd, lr_scale=scale))

    def get_loss(self, examples: Iterable[Example], scores: List[Floats2d]) -> Tuple[float, List[Floats2d]]:
        """Cross-entropy against the gold BILUO tags (unknown or missing tags
        masked; docs that do not annotate every label: `partial_labels`)."""
        validate_examples(examples, "KoGNERecognizer.get_loss")
        examples = list(examples)
        truths = [[tag if tag in self._tag_index else None for tag in eg.get_aligned_ner()] for eg in examples]
        unannotated = [unannotated_labels(eg.reference, self.labels) for eg in examples]
        if any(unannotated):
            masks = [allowed_tags(truth, self.tags, missing) for truth, missing in zip(truths, unannotated)]
            loss, d_scores = marginal_loss(scores, masks, self.model.ops.xp)
        else:
            loss_func = SequenceCategoricalCrossentropy(names=self.tags, normalize=False, missing_value=None)
            d_scores, loss = loss_func(scores, truths)
        if self.model.ops.xp.isnan(loss):
            raise ValueError("kogner_ner: the loss is NaN")
        return float(loss), d_scores

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Optional[Language] = None,
        labels: Optional[Sequence[str]] = None,
        kg: Optional[Callable[[], KGTable]] = None,
        gold_hold_out: Optional[Callable[[], Optional[GoldHoldOut]]] = None,
    ) -> None:
        """Load the KG table (from the `kg` loader) and, for a model with
        hold_out_gold, the gold hold-out (from the `gold_hold_out` loader); set
        the labels (given, or from the examples) and initialize the model on a sample."""
        validate_get_examples(get_examples, "KoGNERecognizer.initialize")
        if kg is not None:
            self.set_kg(kg() if callable(kg) else kg)
        if self.model.attrs.get("use_kg") and self.kg is None:
            raise ValueError(
                f"[initialize.components.{self.name}.kg] is not set, but the model has use_kg = "
                "true: point it at a KG table (@misc = \"spacy_kogner.KGTableLoader.v1\", path = ...) "
                "or set use_kg = false."
            )
        self._set_hold_out(gold_hold_out() if callable(gold_hold_out) else gold_hold_out)
        if labels is None:
            labels = sorted({ent.label_ for eg in get_examples() for ent in eg.reference.ents})
        for label in labels:
            self.add_label(label)
        if not self.labels:
            raise ValueError(f"{self.name}: no entity labels given or found in the examples")
        self.model.set_dim("nO", len(self.tags))
        doc_sample = [eg.predicted for eg in islice(get_examples(), 10)]
        self.model.initialize(X=KoGNERInput(doc_sample, self.kg))

    def _set_hold_out(self, hold_out: Optional[GoldHoldOut]) -> None:
        """Keep the gold hold-out (resolved against the KG table) for training."""
        wanted = self.model.attrs.get("hold_out_gold") and self.model.attrs.get("use_kg")
        if wanted and hold_out is None:
            raise ValueError(
                f"The {self.name} model has hold_out_gold = true but no gold hold-out was given: set "
                f"[initialize.components.{self.name}.gold_hold_out] (@misc = \"spacy_kogner.GoldHoldOutLoader.v1\", "
                "path = the file `build-kg --gold-hold-out` wrote) or set hold_out_gold = false."
            )
        self.hold_out = hold_out.resolve(self.kg) if wanted else None

    def _allow_extra_label(self) -> None:
        output = self.model.get_ref("output")
        if output.has_param("W"):
            raise ValueError(
                f"{self.name}: cannot add a label to a trained component (it predicts {self.labels})"
            )

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        """Serialize cfg, model and KG table."""
        serialize = {
            "cfg": lambda: srsly.json_dumps(self.cfg),
            "vocab": lambda: self.vocab.to_bytes(exclude=exclude),
            "model": lambda: self.model.to_bytes(),
            "kg": lambda: self.kg.to_bytes() if self.kg is not None else b"",
        }
        return util.to_bytes(serialize, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "KoGNERecognizer":
        """Load from `to_bytes` output."""
        holder: Dict[str, Optional[KGTable]] = {"kg": None}

        def load_kg(b: bytes) -> None:
            holder["kg"] = KGTable.from_bytes(b) if b else None

        deserialize = {
            "cfg": lambda b: self._update_cfg(srsly.json_loads(b)),
            "vocab": lambda b: self.vocab.from_bytes(b, exclude=exclude),
            "kg": load_kg,
            "model": lambda b: self._load_model(b, "<bytes>"),
        }
        util.from_bytes(bytes_data, deserialize, exclude)
        if self.cfg.get("kg") and holder["kg"] is None:
            raise ValueError(f"{self.name}: the serialized component has no KG table bytes")
        self._set_saved_kg(holder["kg"], "<bytes>")
        return self

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> None:
        """Write cfg, model and the KG table folder."""
        path = Path(path)
        serialize = {
            "cfg": lambda p: srsly.write_json(p, self.cfg),
            "vocab": lambda p: self.vocab.to_disk(p, exclude=exclude),
            "model": lambda p: p.write_bytes(self.model.to_bytes()),
        }
        if self.kg is not None:
            serialize["kg"] = lambda p: self.kg.to_disk(p)
        util.to_disk(path, serialize, exclude)

    def from_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> "KoGNERecognizer":
        """Load from a `to_disk` folder."""
        path = Path(path)
        deserialize = {
            "cfg": lambda p: self._update_cfg(srsly.read_json(p)),
            "vocab": lambda p: self.vocab.from_disk(p, exclude=exclude),
            "model": lambda p: self._load_model(p.read_bytes(), p),
        }
        util.from_disk(path, deserialize, exclude)
        kg_path = path / "kg"
        self._set_saved_kg(KGTable.from_disk(kg_path) if self.cfg.get("kg") else None, kg_path)
        return self

    def _update_cfg(self, saved: Dict[str, Any]) -> None:
        """Take the saved labels and KG provenance; the settings of the component's
        config (with `spacy.load(..., config=...)` overrides) stay as given."""
        self.cfg.update({key: value for key, value in saved.items() if key not in CONFIG_SETTINGS})
        self._set_tags()

    def _set_saved_kg(self, kg: Optional[KGTable], where: Union[str, Path]) -> None:
        """Set a KG table loaded with the component, checking it is the one it was saved with."""
        expected = self.cfg.get("kg")
        if kg is not None and expected:
            files = kg.meta["files"]
            if expected.get("files") != files:
                raise ValueError(
                    f"{self.name}: the KG table at {where} is not the one this component was saved "
                    f"with (file checksums {files} != {expected.get('files')})"
                )
        self.set_kg(kg)

    def _load_model(self, data: bytes, where: Union[str, Path]) -> None:
        if self.model.has_dim("nO") is not True:
            self.model.set_dim("nO", len(self.tags))
        try:
            self.model.from_bytes(data)
        except (AttributeError, KeyError, TypeError, ValueError) as err:  # truncated or not this model's
            raise ValueError(f"{self.name}: could not load the model weights from {where}: {err}") from err

