"""Entity linking measures on gold corpora whose entities carry KG ids (a
PubTator corpus converted with `convert --format pubtator`):

- acc@1 on gold mentions: the share of gold mentions with an id whose linker
  output (the exact-alias lookup by default) is that id;
- end-to-end strict P/R/F1: span, label and id all right;
- document-level concept P/R/F1: the sets of (document, label, id) pairs, the
  BioCreative V CDR measure.

A composite id ("MESH:D1|MESH:D2", a coordinated mention's) is right for
acc@1 and end-to-end when it has the same ids as the gold one, in any order;
the concept sets take each of its ids. A mention without an id is left out of
acc@1 and of the concept sets."""
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc, Span

from ..corpus.pubtator import read_pubtator
from ..kg.candidates import CandidateGenerator, create_exact_alias_candidates
from ..kg.table import KGTable
from ..ml.graph import abbreviation_pairs
from ..pipeline.entities import link_spans
from .mesh_versions import map_id
from .scores import counts_prf, set_prf

Linker = Callable[[Span], str]  # a gold span -> the KG id it is linked to ("" for none)
LinkedMention = Tuple[str, int, int, str, str]  # document id, start char, end char, label, KG id ("" for none)


def component_linker(kg: KGTable, get_candidates: Optional[CandidateGenerator] = None, threshold: float = 0.0) -> Linker:
    """The linking of `kogner_ner` (`pipeline.entities.link_spans`) with this
    candidate generator (default: exact aliases): the best candidate of the
    span's label for its text or, for an abbreviation that scispaCy's detector
    found in the doc (run it on the docs first), its long form's text."""
    get_candidates = get_candidates or create_exact_alias_candidates()

    def link(span: Span) -> str:
        unlinked = Span(span.doc, span.start, span.end, label=span.label_)  # without the gold span's kb_id
        linked, _ = link_spans(kg, span.doc, [unlinked], abbreviation_pairs(span.doc), get_candidates, threshold)
        return linked[0].kb_id_

    return link


def document_linker(kg: KGTable, get_candidates: Optional[CandidateGenerator] = None,
                    threshold: float = 0.0) -> Linker:
    """As `component_linker`, but a span is linked together with all of its
    doc's entities (`doc.ents`), as `kogner_ner` links a doc's predictions, so
    the document's concepts decide between inexact candidates."""
    get_candidates = get_candidates or create_exact_alias_candidates()
    linked_doc: Dict[int, Dict[Tuple[int, int], str]] = {}

    def link(span: Span) -> str:
        doc = span.doc
        if id(doc) not in linked_doc:
            linked_doc.clear()  # one doc at a time
            unlinked = [Span(doc, ent.start, ent.end, label=ent.label_) for ent in doc.ents]
            linked, _ = link_spans(kg, doc, unlinked, abbreviation_pairs(doc), get_candidates, threshold)
            linked_doc[id(doc)] = {(s.start, s.end): s.kb_id_ for s in linked}
        return linked_doc[id(doc)][(span.start, span.end)]

    return link


def gold_mention_accuracy(docs: Iterable[Doc], link: Linker,
                          id_map: Optional[Dict[str, str]] = None) -> Dict[str, Dict[str, float]]:
    """acc@1 (%) of `link` on the gold mentions with an id (mapped by `id_map`,
    e.g. `mesh_versions.updated_ids`), per label, "all" and "composite" (the
    mentions with a composite gold id), with the number of mentions and the
    share linked to any id."""
    counts: Dict[str, Counter] = {}
    for doc in docs:
        for ent in doc.ents:
            if not ent.kb_id_:
                continue
            predicted = link(ent)
            for label in (ent.label_, "all") + (("composite",) if "|" in ent.kb_id_ else ()):
                c = counts.setdefault(label, Counter())
                c["mentions"] += 1
                c["right"] += same_id(predicted, map_id(ent.kb_id_, id_map or {}))
                c["any_id"] += bool(predicted)
    return {label: {"mentions": c["mentions"], "acc_at_1": round(100 * c["right"] / c["mentions"], 2),
                    "with_any_id": round(100 * c["any_id"] / c["mentions"], 2)}
            for label, c in sorted(counts.items())}


def same_id(predicted: str, gold: str) -> bool:
    """Whether a predicted id is the gold id (composite ids: the same set of ids)."""
    return predicted == gold or (bool(predicted) and set(predicted.split("|")) == set(gold.split("|")))


def _id_set(kb_id: str) -> str:
    """An order-free spelling of a (composite) id."""
    return "|".join(sorted(kb_id.split("|")))


def _doc_id(doc: Doc, number: int) -> str:
    return str(doc.user_data.get("pubtator_id", number))


def doc_mentions(docs: Sequence[Doc]) -> Set[LinkedMention]:
    """The entities of docs as linked mentions (document id: the doc's
    `pubtator_id`, else its position)."""
    return {(_doc_id(doc, i), e.start_char, e.end_char, e.label_, e.kb_id_) for i, doc in enumerate(docs) for e in doc.ents}


def pubtator_mentions(path: Path) -> Set[LinkedMention]:
    """The Chemical and Disease mentions of a PubTator file at their exact
    character offsets, all of them (also those that fall inside a token)."""
    return {(m.pmid, m.start, m.end, m.label, "|".join(m.ids)) for m in read_pubtator([path]).mentions}


def end_to_end_scores(gold: Iterable[LinkedMention], predicted: Iterable[LinkedMention],
                      id_map: Optional[Dict[str, str]] = None) -> Dict[str, Dict[str, float]]:
    """Strict P/R/F1 (%) of (document, start char, end char, label, id) tuples
    (gold ids mapped by `id_map`), per label and "all"."""
    def tuples(mentions: Iterable[LinkedMention], mapping: Dict[str, str]) -> Set[LinkedMention]:
        return {(doc, start, end, label, _id_set(map_id(kb_id, mapping))) for doc, start, end, label, kb_id in mentions}

    return per_label_prf(tuples(predicted, {}), tuples(gold, id_map or {}), label_at=3)


def concept_scores(gold: Iterable[LinkedMention], predicted: Iterable[LinkedMention],
                   id_map: Optional[Dict[str, str]] = None) -> Dict[str, Dict[str, float]]:
    """Document-level concept P/R/F1 (%): the sets of (document, label, id) pairs
    of mentions with an id (each id of a composite; gold ids mapped by
    `id_map`), per label and "all"."""
    def pairs(mentions: Iterable[LinkedMention], mapping: Dict[str, str]) -> Set[Tuple[str, str, str]]:
        return {(doc, label, part) for doc, _, _, label, kb_id in mentions if kb_id
                for part in map_id(kb_id, mapping).split("|")}

    return per_label_prf(pairs(predicted, {}), pairs(gold, id_map or {}), label_at=1)


def per_label_prf(predicted: Set[tuple], gold: Set[tuple], label_at: int) -> Dict[str, Dict[str, float]]:
    """P/R/F1 (%) of exact matches between two sets of tuples, per label (the
    tuple's item at `label_at`) and "all"."""
    labels: List[str] = sorted({t[label_at] for t in gold | predicted})
    scores = {label: set_prf({t for t in predicted if t[label_at] == label}, {t for t in gold if t[label_at] == label})
              for label in labels}
    scores["all"] = counts_prf(len(predicted & gold), len(predicted), len(gold))
    return scores
