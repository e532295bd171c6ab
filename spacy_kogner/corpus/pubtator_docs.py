"""PubTator documents -> spaCy Docs: one Doc per document (title + " " +
abstract), tokenized by a given tokenizer, gold entities with their concept ids
as `kb_id` (composite mentions: the ids joined by "|"; mentions with no id: "").

A mention whose offsets do not fall on token boundaries, or that overlaps a
longer mention, cannot be a spaCy entity: it is counted and reported, and its
tokens are marked as missing annotation (neither entity nor "O"), so training
ignores them and `spacy evaluate` neither rewards nor penalizes predictions there."""
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Tuple

from bioc.pubtator import PubTator
from spacy.tokens import Doc, Span

from .pubtator import NCBI_DISEASE_TYPES, concept_ids, document_text, iter_pubtator

MAX_REPORTED = 20


@dataclass
class ConversionReport:
    """What a conversion kept and what it could not keep, with examples."""

    docs: int = 0
    mentions: int = 0
    entities: Counter = field(default_factory=Counter)
    with_id: int = 0
    composite: int = 0
    without_id: int = 0
    misaligned: List[Dict] = field(default_factory=list)
    overlapping: List[Dict] = field(default_factory=list)

    def as_dict(self) -> Dict:
        """JSON-ready counts, with at most MAX_REPORTED examples of each problem."""
        return {"docs": self.docs, "mentions": self.mentions, "entities": dict(sorted(self.entities.items())),
                "with_id": self.with_id, "composite": self.composite, "without_id": self.without_id,
                "misaligned": len(self.misaligned), "misaligned_examples": self.misaligned[:MAX_REPORTED],
                "overlapping": len(self.overlapping), "overlapping_examples": self.overlapping[:MAX_REPORTED]}


def pubtator_doc(make_doc: Callable[[str], Doc], doc: PubTator, labels: Mapping[str, str],
                 report: ConversionReport) -> Doc:
    """The spaCy Doc of one PubTator document, its problems added to `report`."""
    text = document_text(doc)
    spacy_doc = make_doc(text)
    spacy_doc.user_data["pubtator_id"] = doc.pmid
    spans: List[Span] = []
    missing: List[Span] = []
    for ann in sorted(doc.annotations, key=lambda a: (a.start, -a.end)):
        report.mentions += 1
        where = {"doc": doc.pmid, "start": ann.start, "end": ann.end, "text": ann.text}
        if text[ann.start:ann.end] != ann.text:
            raise ValueError(f"document {doc.pmid}: mention {ann.text!r} at {ann.start}-{ann.end} does not match "
                             f"the text there ({text[ann.start:ann.end]!r})")
        ids = concept_ids(ann.id)
        label = labels.get(ann.type, ann.type)
        span = spacy_doc.char_span(ann.start, ann.end, label=label, kb_id="|".join(ids), alignment_mode="strict")
        if span is None:
            report.misaligned.append(where)
            missing.append(spacy_doc.char_span(ann.start, ann.end, alignment_mode="expand"))
            continue
        if spans and span.start < spans[-1].end:
            report.overlapping.append({**where, "kept": spans[-1].text})
            continue
        spans.append(span)
        report.entities[label] += 1
        report.with_id += bool(ids)
        report.composite += len(ids) > 1
        report.without_id += not ids
    spacy_doc.set_ents(spans, missing=_missing_spans(spacy_doc, missing, spans), default="outside")
    report.docs += 1
    return spacy_doc


def _missing_spans(doc: Doc, missing: List[Optional[Span]], entities: List[Span]) -> List[Span]:
    """The token ranges of the misaligned mentions, merged where they overlap,
    less those that overlap a kept entity."""
    ranges: List[List[int]] = []
    for span in sorted((m for m in missing if m is not None), key=lambda m: m.start):
        if any(span.start < e.end and e.start < span.end for e in entities):
            continue
        if ranges and span.start < ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], span.end)
        else:
            ranges.append([span.start, span.end])
    return [doc[start:end] for start, end in ranges]


def pubtator_to_docs(path: Path, make_doc: Callable[[str], Doc], labels: Optional[Mapping[str, str]] = None,
                     ) -> Tuple[List[Doc], ConversionReport]:
    """The Docs of a PubTator file and the conversion report. `labels` maps
    mention types to entity labels (default: NCBI-disease's types to Disease;
    other types are kept)."""
    report = ConversionReport()
    labels = NCBI_DISEASE_TYPES if labels is None else labels
    docs = []
    for doc in iter_pubtator(path):
        try:
            docs.append(pubtator_doc(make_doc, doc, labels, report))
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from err
    return docs, report

