"""Which KG alias links to hide from which training document.

Gold mentions of the training split become KG aliases (PubTator's concept ids
for BC5CDR, corpus entities for NCBI-disease). Without a hold-out, a training
sentence always finds its own gold mentions in the KG, which new text does not:
the model learns to trust KG matches and to miss what the KG lacks. So each
training document is shown the KG without the links that only its own unit
gave: the unit is its PubTator abstract when the sentence can be found in one
(sentences of one abstract share their mentions), else the document itself.
"""
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from .build import GoldLinks


def _squeeze(text: str) -> str:
    return "".join(text.split())


def abstract_units(doc_texts: Sequence[str], abstracts: Mapping[str, str]) -> List[Optional[str]]:
    """The PMID of the abstract that contains each document's text (whitespace
    ignored), or None. Documents are expected in corpus order: the search starts
    in the abstract of the previous document, then tries the others."""
    squeezed = {pmid: _squeeze(text) for pmid, text in abstracts.items()}
    pmids = list(squeezed)
    n = len(pmids)
    units: List[Optional[str]] = []
    current = 0
    for text in doc_texts:
        needle = _squeeze(text)
        tried = ((current + i) % n for i in range(n)) if needle else ()
        found = next((i for i in tried if needle in squeezed[pmids[i]]), None)
        if found is not None:
            current = found
        units.append(None if found is None else pmids[found])
    return units


def held_out_links(gold_links: GoldLinks, doc_units: Mapping[str, str]) -> Dict[str, Set[Tuple[str, str]]]:
    """For each training document (doc key -> unit), the (alias key, entity id)
    links that gold of its own unit alone gave the KG."""
    by_unit: Dict[str, Set[Tuple[str, str]]] = {}
    for link, units in gold_links.items():
        if len(units) == 1:
            by_unit.setdefault(next(iter(units)), set()).add(link)
    return {doc: by_unit[unit] for doc, unit in doc_units.items() if unit in by_unit}
