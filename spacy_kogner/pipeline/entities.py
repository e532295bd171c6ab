"""Entity spans after decoding: an entity has a letter or digit and neither
starts nor ends with a token of symbols only (emoji, "©", "™"), abbreviations
take the label of their long form, and each entity gets the KG id of its best
candidate (from a candidate generator, for its text or an abbreviation's long
form; a coordinated mention each of its conjuncts' ids) when that candidate's
score passes a threshold."""
import unicodedata
from typing import Callable, List, Optional, Sequence, Set, Tuple

import numpy as np
from spacy.tokens import Doc, Span, SpanGroup

from ..kg.candidates import Candidate, CandidateGenerator
from ..kg.table import KGTable
from ..ml.graph import abbreviation_pairs
from .coordination import conjunct_readings
from .decoding import biluo_spans

AbbreviationPair = Tuple[int, int, int, int]  # short start, short end, long start, long end (tokens)
LinkCandidate = Tuple[str, float]  # KG id (a composite mention's: its ids joined by "|") and score


def has_word_char(text: str) -> bool:
    """True if the text has a letter or digit (an entity must: whitespace,
    punctuation and symbols such as emoji are never one)."""
    return any(char.isalnum() for char in text)


def is_symbol_only(text: str) -> bool:
    """True if every character is a Unicode symbol (categories S*: emoji, "©",
    "™", "+"). Such a token at an entity's edge is not part of the name; no
    gold entity of BC5CDR or NCBI-disease starts or ends with one."""
    return all(unicodedata.category(char).startswith("S") for char in text)


def decoded_spans(doc: Doc, tags: Sequence[str], token_logp: np.ndarray) -> Tuple[List[Span], List[float]]:
    """The entity spans of a doc's decoded BILUO tags, less leading and trailing
    symbol-only tokens, that have a letter or digit, with their confidences: the
    geometric mean of their tags' probabilities (over the span as decoded)."""
    spans, confidences = [], []
    for begin, stop, label in biluo_spans(tags):
        start, end = begin, stop
        while start < end and is_symbol_only(doc[start].text):
            start += 1
        while end > start and is_symbol_only(doc[end - 1].text):
            end -= 1
        if has_word_char(doc[start:end].text):
            spans.append(Span(doc, start, end, label=label))
            confidences.append(float(np.exp(token_logp[begin:stop].mean())))
    return spans, confidences


def label_abbreviations(
    doc: Doc, pairs: Sequence[AbbreviationPair], spans: List[Span], confidences: List[float]
) -> Tuple[List[Span], List[float]]:
    """Give each abbreviation defined in the doc the label (and confidence) of
    its long form, where the long form was predicted as an entity; spans that
    overlap the abbreviation give way to it."""
    if not pairs:
        return spans, confidences
    by_bounds = {(s.start, s.end): (s.label_, c) for s, c in zip(spans, confidences)}
    for short_start, short_end, long_start, long_end in pairs:
        if (long_start, long_end) not in by_bounds:
            continue
        label, conf = by_bounds[(long_start, long_end)]
        for key in [k for k in by_bounds if k[0] < short_end and k[1] > short_start]:
            del by_bounds[key]
        by_bounds[(short_start, short_end)] = (label, conf)
    ordered = sorted(by_bounds.items())
    return (
        [Span(doc, s, e, label=label) for (s, e), (label, _) in ordered],
        [conf for _, (_, conf) in ordered],
    )


def link_spans(kg: KGTable, doc: Doc, spans: List[Span], pairs: Sequence[AbbreviationPair],
               get_candidates: CandidateGenerator, threshold: float = 0.0,
               ) -> Tuple[List[Span], List[List[LinkCandidate]]]:
    """The spans with kb_id set to their best candidate (`get_candidates` of the
    span's text and label; an abbreviation of `pairs` is looked up by its long
    form) when its score is at least `threshold`, else an empty kb_id (no id);
    and each span's candidates as (KG id, score).

    The document decides between inexact candidates: a span whose best
    candidate is no exact alias (score < 1) takes, among its candidates, a
    concept that another span of the document names exactly (a variant of a
    name the abstract already used: "cisplatinum" after "cisplatin"), else one
    related in the KG to such a concept, else its best.

    A coordinated mention with no exact alias ("breast and ovarian cancer")
    whose conjuncts ("breast cancer", "ovarian cancer") all score higher than
    the mention's best candidate gets each conjunct's id, joined by "|" as
    PubTator writes composite ids; that composite id, scored by its weakest
    conjunct, heads the span's candidates. So does a coordinated mention that
    is an exact alias of two or more concepts, at most one per conjunct (the
    text of a composite gold mention, an alias of each of its ids): all of
    them, with score 1."""
    long_forms = {(s_start, s_end): (l_start, l_end) for s_start, s_end, l_start, l_end in pairs}
    texts, candidates = [], []
    for span in spans:
        start, end = long_forms.get((span.start, span.end), (span.start, span.end))
        texts.append([token.text for token in doc[start:end]])
        candidates.append(get_candidates(kg, texts[-1], span.label_))
    named = {found[0][0] for found in candidates if found and found[0][1] >= 1.0}
    related = _related_to(kg, named, {row for found in candidates if found and found[0][1] < 1.0 for row, _ in found})

    def choose(found: List[Candidate]) -> Optional[Candidate]:
        if found and found[0][1] < 1.0:
            preferred = [c for c in found if c[0] in named] or [c for c in found if c[0] in related]
            return preferred[0] if preferred else found[0]
        return found[0] if found else None

    linked, listed = [], []
    for span, words, found in zip(spans, texts, candidates):
        best = choose(found)
        kb_id, score = (kg.ids[best[0]], best[1]) if best is not None else ("", -1.0)
        listed.append([(kg.ids[row], row_score) for row, row_score in found])
        composite_alias = _composite_alias(kg, words, found)
        if composite_alias is not None:
            kb_id, score = composite_alias
            listed[-1].insert(0, composite_alias)
        elif score < 1.0:
            composite = _composite_link(kg, words, span.label_, get_candidates, choose)
            if composite is not None and composite[1] > score:
                kb_id, score = composite
                listed[-1].insert(0, composite)
        linked.append(Span(doc, span.start, span.end, label=span.label_, kb_id=kb_id if score >= threshold else ""))
    return linked, listed


def _composite_link(kg: KGTable, words: Sequence[str], label: str, get_candidates: CandidateGenerator,
                    choose: Callable[[List[Candidate]], Optional[Candidate]]) -> Optional[LinkCandidate]:
    """The best reading of the words as a coordination of two or more concepts:
    their ids joined by "|", scored by the weakest conjunct; None if none reads so."""
    best: Optional[LinkCandidate] = None
    for reading in conjunct_readings(words):
        chosen = [choose(get_candidates(kg, conjunct, label)) for conjunct in reading]
        if any(c is None for c in chosen):
            continue
        ids = list(dict.fromkeys(kg.ids[row] for row, _ in chosen))
        score = min(c_score for _, c_score in chosen)
        if len(ids) > 1 and (best is None or score > best[1]):
            best = ("|".join(ids), score)
    return best


def _composite_alias(kg: KGTable, words: Sequence[str], found: List[Candidate]) -> Optional[LinkCandidate]:
    """A coordination ("renal and hepatic failure") that is an exact alias of
    two or more concepts, at most one per conjunct: the text of a composite gold
    mention, which is an alias of each of its ids. All of them, joined by "|"
    as PubTator writes composite ids, with score 1; None otherwise."""
    exact = list(dict.fromkeys(kg.ids[row] for row, row_score in found if row_score >= 1.0))
    readings = conjunct_readings(words) if len(exact) > 1 else []
    if readings and len(exact) <= len(readings[0]):
        return "|".join(exact), 1.0
    return None


def _related_to(kg: KGTable, named: Set[int], rows: Set[int]) -> Set[int]:
    """Those of `rows` with a KG edge to or from a concept in `named`."""
    if not named or not rows:
        return set()
    entities = np.array(sorted(named | rows), dtype="int64")
    heads, _, tails = kg.relations_within(entities, np.zeros(len(entities), dtype="int64"))
    edges = list(zip(entities[heads].tolist(), entities[tails].tolist()))
    return {y for a, b in edges for x, y in ((a, b), (b, a)) if x in named and y in rows}


def set_entities(doc: Doc, tags: Sequence[str], token_logp: np.ndarray, spans_key: str, kg: Optional[KGTable],
                 get_candidates: CandidateGenerator, threshold: float) -> None:
    """Set `doc.ents` from the doc's decoded tags (abbreviations labelled by
    their long form, linked with `kg` when given) and the span group
    `doc.spans[spans_key]` with the attrs "scores" and, when linked,
    "kb_candidates" ([id, score] pairs) and "kb_xrefs"."""
    spans, confidences = decoded_spans(doc, tags, token_logp)
    pairs = abbreviation_pairs(doc)
    spans, confidences = label_abbreviations(doc, pairs, spans, confidences)
    candidates = None
    if kg is not None:
        spans, candidates = link_spans(kg, doc, spans, pairs, get_candidates, threshold)
    doc.set_ents(spans, default="outside")
    group = SpanGroup(doc, name=spans_key, spans=spans)
    group.attrs["scores"] = confidences
    if candidates is not None:
        group.attrs["kb_candidates"] = [[[kb_id, score] for kb_id, score in found] for found in candidates]
        group.attrs["kb_xrefs"] = [[xref for part in span.kb_id_.split("|") for xref in kg.xrefs_of(part)]
                                   for span in spans]
    doc.spans[spans_key] = group
