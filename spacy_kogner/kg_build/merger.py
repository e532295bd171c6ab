"""The merged KG while it is built: entities by id, the canonical id of every
id and cross-reference seen, the ids merged into each entity, the entities by
(type, preferred-name key), relations and gold-only alias links."""
from typing import Callable, Dict, List, Optional, Set, Tuple

from ..kg.holdout import GoldLinks
from ..kg.normalize import alias_key
from .sources import SourceEntity

Triple = Tuple[str, str, str]
Log = Callable[[str], None]


class Merger:
    """Adds and merges source entities; see the module docstring."""

    def __init__(self, log: Log) -> None:
        self.entities: Dict[str, SourceEntity] = {}
        self.canonical: Dict[str, str] = {}
        self.merged_ids: Dict[str, List[str]] = {}  # entity id -> ids of other sources merged into it
        self.by_name: Dict[Tuple[str, str], Optional[str]] = {}  # None: two entities share the name
        self.relations: Set[Triple] = set()
        self.gold_links: GoldLinks = {}
        self.gold_counts: Dict[Tuple[str, str], int] = {}
        self.stats: Dict = {"sources": {}, "merged_by_name": {}}
        self.log = log

    def add(self, ent: SourceEntity) -> None:
        if ent.id in self.entities:
            self.merge(ent, ent.id)
            return
        self.entities[ent.id] = SourceEntity(ent.id, ent.type, ent.name, list(ent.aliases))
        self.canonical[ent.id] = ent.id
        name = (ent.type, alias_key(ent.name))
        self.by_name[name] = ent.id if name not in self.by_name else None
        self.register_xrefs(ent, ent.id)

    def merge(self, ent: SourceEntity, target: str) -> None:
        kept = self.entities[target]
        kept.aliases.extend([ent.name, *ent.aliases])
        self.canonical[ent.id] = target
        ids = self.merged_ids.setdefault(target, [])
        ids.extend(i for i in (ent.id, *ent.xrefs) if i != target and i not in ids)
        self.register_xrefs(ent, target)

    def register_xrefs(self, ent: SourceEntity, target: str) -> None:
        """Later sources that cross-reference these ids (UMLS, DOID, ...) merge into `target`."""
        for xref in ent.xrefs:
            self.canonical.setdefault(xref, target)

    def add_or_merge(self, ent: SourceEntity, xref_map: Dict[str, str]) -> bool:
        """Merge the entity into an earlier one of its type that a cross-reference
        names, else into the one whose preferred name has the same key, else add
        it; returns whether it was merged by name."""
        targets = [xref_map.get(ent.id), *(self.canonical.get(x) for x in ent.xrefs)]
        target = next((t for t in targets if t in self.entities and self.entities[t].type == ent.type), None)
        by_name = target is None and self.by_name.get((ent.type, alias_key(ent.name))) is not None
        if by_name:
            target = self.by_name[(ent.type, alias_key(ent.name))]
        if target is not None:
            self.merge(ent, target)
        else:
            self.add(ent)
        return by_name

    def ingest(self, name: str, ents: List[SourceEntity], xref_map: Optional[Dict[str, str]] = None) -> int:
        """Add a source's entities (merging into an existing entity of the same type
        through `xref_map` or their xrefs, when `xref_map` is given) and their is_a
        edges; count them in the stats; return how many were merged."""
        n_by_name = 0
        for ent in ents:
            if xref_map is None:
                self.add(ent)
            else:
                n_by_name += self.add_or_merge(ent, xref_map)
        self.link_parents(ents)
        self.stats["sources"][name] = len(ents)
        if xref_map is not None:
            self.stats["merged_by_name"][name] = n_by_name
        return sum(self.canonical[e.id] != e.id for e in ents)

    def link_parents(self, ents: List[SourceEntity]) -> None:
        for ent in ents:
            head = self.canonical.get(ent.id)
            for parent in ent.parents:
                tail = self.canonical.get(parent)
                if head and tail and head != tail:
                    self.relations.add((head, "is_a", tail))
