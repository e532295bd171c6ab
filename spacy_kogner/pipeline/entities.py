"""Entity spans after decoding: an entity has a letter or digit,
abbreviations take the label of their long form, and each entity gets the KG
id of the best KG entity of its type whose alias is its text (an
abbreviation's: its long form's)."""
from typing import List, Sequence, Tuple

from spacy.tokens import Doc, Span

from ..kg.table import KGTable

AbbreviationPair = Tuple[int, int, int, int]  # short start, short end, long start, long end (tokens)


def has_word_char(text: str) -> bool:
    """True if the text has a letter or digit (an entity must: whitespace,
    punctuation and symbols such as emoji are never one)."""
    return any(char.isalnum() for char in text)


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


def link_spans(kg: KGTable, doc: Doc, spans: List[Span], pairs: Sequence[AbbreviationPair]) -> List[Span]:
    """The spans with kb_id set to the best-ranked KG entity of their label whose
    alias is the span's text; an abbreviation (short form of `pairs`) is looked
    up by its long form. A span with no such entity keeps an empty kb_id."""
    long_forms = {(s_start, s_end): (l_start, l_end) for s_start, s_end, l_start, l_end in pairs}
    linked = []
    for span in spans:
        start, end = long_forms.get((span.start, span.end), (span.start, span.end))
        row = kg.entity_of_type([token.text for token in doc[start:end]], span.label_)
        linked.append(span if row is None else Span(doc, span.start, span.end, label=span.label_, kb_id=kg.ids[row]))
    return linked
