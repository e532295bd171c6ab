"""The gold hold-out: which KG alias links to leave out of which training
document, so that training sees the KG as new text sees it.

Gold mentions of the training split become KG aliases (PubTator's concept ids
for BC5CDR, corpus names for NCBI-disease), so without a hold-out a training
document always finds its own gold mentions in the KG, which new text does not:
the model learns to trust KG matches and to miss what the KG lacks. `build-kg`
records, per training document, the (alias key, entity id) links that only the
gold of the document's unit gave: its PubTator abstract when the document is
found in one (sentences of one abstract share their mentions), else the
document itself. A model built with `hold_out_gold = true` leaves those links
out when it looks the document up in training, never at inference.

The hold-out is training data: it is written beside the KG table
(`gold_holdout.msgpack`), given to training through
`[initialize.components.kogner_ner.gold_hold_out]` and never saved in a pipeline.
Documents are keyed by the md5 of their text (`doc_key`).
"""
import hashlib
from pathlib import Path
from typing import AbstractSet, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

import srsly

from ..util import atomic_write_bytes
from .matcher import AliasLink

FORMAT_NAME = "spacy_kogner.gold_hold_out"
GoldLink = Tuple[str, str]  # (alias key, entity id)
GoldLinks = Dict[GoldLink, Set[str]]  # gold-only link -> the units whose gold gave it
ResolvedHoldOut = Dict[str, FrozenSet[AliasLink]]  # doc key -> (alias key, entity row) links


class GoldHoldOutError(ValueError):
    """A hold-out file that cannot be read or does not belong to the KG table."""


def doc_key(text: str) -> str:
    """The key of a training document's text."""
    return hashlib.md5(text.encode("utf8")).hexdigest()[:16]


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


def document_units(doc_texts: Sequence[str], abstracts: Mapping[str, str]) -> Dict[str, str]:
    """Unit of each training document (by `doc_key`): "pmid:<PMID>" of the
    PubTator abstract it is found in, else "doc:<its key>"."""
    units: Dict[str, str] = {}
    for text, pmid in zip(doc_texts, abstract_units(doc_texts, abstracts)):
        key = doc_key(text)
        units[key] = f"pmid:{pmid}" if pmid is not None else f"doc:{key}"
    return units


class GoldHoldOut:
    """Per training document (`doc_key`), the (alias key, entity id) links that
    only its own unit's gold gave the KG table `table_md5` identifies."""

    def __init__(self, links: Mapping[str, Iterable[GoldLink]], table_md5: str):
        self.links: Dict[str, FrozenSet[GoldLink]] = {doc: frozenset(map(tuple, pairs)) for doc, pairs in links.items()}
        self.table_md5 = table_md5

    @classmethod
    def from_gold_links(cls, gold_links: GoldLinks, doc_units: Mapping[str, str], table_md5: str) -> "GoldHoldOut":
        """For each document (doc key -> unit), the links that gold of its own unit alone gave."""
        by_unit: Dict[str, Set[GoldLink]] = {}
        for link, units in gold_links.items():
            if len(units) == 1:
                by_unit.setdefault(next(iter(units)), set()).add(link)
        return cls({doc: by_unit[unit] for doc, unit in doc_units.items() if unit in by_unit}, table_md5)

    def __len__(self) -> int:
        return len(self.links)

    def resolve(self, kg) -> ResolvedHoldOut:
        """The links as (alias key, entity row) of `kg` (a KGTable), keeping those
        the table has; GoldHoldOutError if the hold-out was built for another table."""
        md5 = kg.meta["files"]["aliases.msgpack"]
        if md5 != self.table_md5:
            raise GoldHoldOutError(f"the gold hold-out was built for the KG table whose aliases.msgpack has md5 "
                                   f"{self.table_md5}, not for this one ({md5}): build both with one `build-kg` run")
        resolved: ResolvedHoldOut = {}
        for doc, pairs in self.links.items():
            rows = set()
            for key, ent_id in pairs:
                row = kg.index_of(ent_id) if ent_id in kg.ids else None
                if row is not None and row in kg.aliases.get(key, ()):
                    rows.add((key, row))
            if rows:
                resolved[doc] = frozenset(rows)
        return resolved

    def to_disk(self, path: Union[str, Path]) -> None:
        """Write the hold-out as msgpack (units shared by their documents stored once)."""
        units: Dict[FrozenSet[GoldLink], int] = {}
        docs = {doc: units.setdefault(links, len(units)) for doc, links in sorted(self.links.items())}
        data = {"format": FORMAT_NAME, "table_md5": self.table_md5, "docs": docs,
                "units": [sorted(map(list, links)) for links in units]}
        atomic_write_bytes(Path(path), srsly.msgpack_dumps(data))

    @classmethod
    def from_disk(cls, path: Union[str, Path]) -> "GoldHoldOut":
        """Read a `to_disk` file; GoldHoldOutError names the file if it cannot."""
        path = Path(path)
        if not path.is_file():
            raise GoldHoldOutError(f"gold hold-out file not found: {path}")
        try:
            data = srsly.msgpack_loads(path.read_bytes())
            if data.get("format") != FORMAT_NAME:
                raise ValueError(f"format is {data.get('format')!r}, not {FORMAT_NAME!r}")
            units = [[(key, ent_id) for key, ent_id in links] for links in data["units"]]
            return cls({doc: units[unit] for doc, unit in data["docs"].items()}, data["table_md5"])
        except Exception as err:
            raise GoldHoldOutError(f"gold hold-out file {path} could not be read: {err}") from err


def excluded_links(hold_out: Optional[ResolvedHoldOut], texts: Iterable[str]) -> Optional[List[AbstractSet[AliasLink]]]:
    """The links to leave out of each document's KG lookup (None: none for any)."""
    if not hold_out:
        return None
    return [hold_out.get(doc_key(text), frozenset()) for text in texts]
