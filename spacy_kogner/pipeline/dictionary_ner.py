"""The `kg_dictionary_ner` component: KG dictionary matching as a fast NER and
linker with no neural model. Each greedy longest alias match of the KG table
becomes an entity labelled with the type of its best-ranked KG candidate among
the component's labels, and that candidate's id as `kb_id`."""
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Union

import srsly
from spacy import util
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab

from ..kg.table import KGTable
from .scoring import make_entity_and_link_scorer  # noqa: F401  (registers the scorer)


@Language.factory(
    "kg_dictionary_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"labels": [], "link_entities": True, "scorer": {"@scorers": "spacy_kogner.entity_and_link_scorer.v1"}},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None,
                           "nel_micro_f": None, "nel_micro_p": None, "nel_micro_r": None},
)
def make_kg_dictionary_ner(
    nlp: Language, name: str, labels: List[str], link_entities: bool, scorer: Optional[Callable]
) -> "KGDictionaryNER":
    """Create a kg_dictionary_ner component.

    labels: entity labels to predict (KG types); empty: every type of the KG table.
    link_entities: set ent.kb_id_ to the KG id of the chosen candidate.
    """
    return KGDictionaryNER(nlp.vocab, name, labels=labels, link_entities=link_entities, scorer=scorer)


class KGDictionaryNER(Pipe):
    """Entities and KG ids from alias matches of a KG table (given at [initialize]
    by `spacy_kogner.KGTableLoader.v1`, saved with the component)."""

    def __init__(self, vocab: Vocab, name: str = "kg_dictionary_ner", *, labels: Sequence[str] = (),
                 link_entities: bool = True, scorer: Optional[Callable] = None, batch_size: int = 256):
        self.vocab = vocab
        self.name = name
        self.scorer = scorer
        self.kg: Optional[KGTable] = None
        self.batch_size = batch_size
        self.cfg = {"labels": list(labels), "link_entities": link_entities}

    @property
    def labels(self) -> List[str]:
        """The labels predicted: the configured ones, else every KG type."""
        return self.cfg["labels"] or (self.kg.type_labels if self.kg is not None else [])

    def set_kg(self, kg: KGTable) -> None:
        """Match against this KG table."""
        self.kg = kg

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, kg: Optional[Callable[[], KGTable]] = None,
                   labels: Optional[Sequence[str]] = None) -> None:
        """Load the KG table (from the `kg` loader); labels: given, else the configured ones."""
        if kg is not None:
            self.set_kg(kg() if callable(kg) else kg)
        if self.kg is None:
            raise ValueError(f"[initialize.components.{self.name}.kg] is not set: point it at a KG table "
                             "(@misc = \"spacy_kogner.KGTableLoader.v1\", path = ...)")
        if labels is not None:
            self.cfg["labels"] = list(labels)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, stream: Iterable[Doc], *, batch_size: Optional[int] = None) -> Iterator[Doc]:
        """Annotate the docs, looking up a batch of them at a time."""
        if self.kg is None:
            raise ValueError(f"{self.name}: no KG table; initialize the pipeline or load a saved one")
        labels = set(self.labels)
        for batch in util.minibatch(stream, batch_size or self.batch_size):
            found = self.kg.find_mentions_batch([[token.text for token in doc] for doc in batch])
            for doc, mentions in zip(batch, found):
                spans = []
                for mention in mentions:
                    row = self.kg.first_of_types(mention.entities, labels)
                    if row is not None:
                        kb_id = self.kg.ids[row] if self.cfg["link_entities"] else ""
                        spans.append(Span(doc, mention.start, mention.end, label=self.kg.type_of(row), kb_id=kb_id))
                doc.set_ents(spans, default="outside")
                yield doc

    def _update_cfg(self, saved: Dict[str, Any]) -> None:
        """Take the saved labels; `link_entities` stays as the config (and any
        `spacy.load(..., config=...)` override) gave it."""
        self.cfg["labels"] = saved.get("labels", self.cfg["labels"])

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        """Serialize cfg and the KG table."""
        serialize = {"cfg": lambda: srsly.json_dumps(self.cfg),
                     "kg": lambda: self.kg.to_bytes() if self.kg is not None else b""}
        return util.to_bytes(serialize, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "KGDictionaryNER":
        """Load from `to_bytes` output."""
        def load_kg(data: bytes) -> None:
            self.kg = KGTable.from_bytes(data) if data else None

        util.from_bytes(bytes_data, {"cfg": lambda b: self._update_cfg(srsly.json_loads(b)), "kg": load_kg}, exclude)
        return self

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> None:
        """Write cfg and the KG table folder."""
        serialize = {"cfg": lambda p: srsly.write_json(p, self.cfg)}
        if self.kg is not None:
            serialize["kg"] = lambda p: self.kg.to_disk(p)
        util.to_disk(Path(path), serialize, exclude)

    def from_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> "KGDictionaryNER":
        """Load from a `to_disk` folder."""
        path = Path(path)
        util.from_disk(path, {"cfg": lambda p: self._update_cfg(srsly.read_json(p))}, exclude)
        if (path / "kg").exists():
            self.kg = KGTable.from_disk(path / "kg")
        return self
