"""A KG table from merged entities, their distilled vectors and relations."""
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from ..kg.format import KGTableError
from ..kg.normalize import alias_key, is_word_key
from ..kg.table import KGTable

MIN_KEY_CHARS = 2


@dataclass
class KGEntity:
    """One entity of the merged KG before distillation: id, type, preferred name,
    aliases, and the ids other sources give it (cross-references)."""

    id: str
    type: str
    name: str
    aliases: List[str] = field(default_factory=list)
    xrefs: List[str] = field(default_factory=list)


def index_relations(
    entities: Sequence[KGEntity], relations: Iterable[Tuple[str, str, str]]
) -> Tuple[np.ndarray, List[str]]:
    """(head id, relation label, tail id) triples between the entities as sorted,
    distinct int32 rows of (head row, relation index, tail row), and the sorted
    relation labels."""
    id_index = {ent.id: i for i, ent in enumerate(entities)}
    triples = sorted({(id_index[h], r, id_index[t]) for h, r, t in relations if h in id_index and t in id_index})
    relation_labels = sorted({r for _, r, _ in triples})
    rel_index = {label: i for i, label in enumerate(relation_labels)}
    rows = np.array([(h, rel_index[r], t) for h, r, t in triples], dtype="int32").reshape((-1, 3))
    return rows, relation_labels


def build_table(
    entities: Sequence[KGEntity],
    vectors: np.ndarray,
    relations: Iterable[Tuple[str, str, str]] = (),
    provenance: Optional[Dict[str, Any]] = None,
    excluded_keys: Iterable[str] = (),
    gold_counts: Optional[Mapping[Tuple[str, str], int]] = None,
) -> KGTable:
    """A table of entities (in vector row order), their vectors and (head id,
    relation label, tail id) triples. Alias candidates are ranked: by how often
    training gold annotates the alias key with the entity (`gold_counts`, by
    (alias key, entity id)), then entities whose preferred name has the key,
    then entity order. Aliases whose key is in `excluded_keys` (e.g. stop
    words), shorter than MIN_KEY_CHARS or without a letter or digit are dropped."""
    excluded = {alias_key(key) for key in excluded_keys}
    ids = [ent.id for ent in entities]
    if len(set(ids)) != len(ids):
        raise KGTableError("build_table: entity ids are not unique")
    type_labels = sorted({ent.type for ent in entities})
    type_index = {label: i for i, label in enumerate(type_labels)}
    preferred: Dict[str, List[int]] = {}
    other: Dict[str, List[int]] = {}
    for i, ent in enumerate(entities):
        name_key = alias_key(ent.name)
        for text in [ent.name, *ent.aliases]:
            key = alias_key(text)
            if len(key) < MIN_KEY_CHARS or not is_word_key(key) or key in excluded:
                continue
            bucket = preferred if key == name_key else other
            cands = bucket.setdefault(key, [])
            if not cands or cands[-1] != i:
                cands.append(i)
    aliases: Dict[str, Tuple[int, ...]] = {}
    for key in sorted(set(preferred) | set(other)):
        first = preferred.get(key, [])
        rest = [i for i in other.get(key, []) if i not in set(first)]
        ranked = first + rest
        if gold_counts:  # a stable sort: ties keep preferred names first, then entity order
            ranked.sort(key=lambda i: -gold_counts.get((key, ids[i]), 0))
        aliases[key] = tuple(ranked)
    rel_rows, relation_labels = index_relations(entities, relations)
    return KGTable(
        ids=ids,
        names=[ent.name for ent in entities],
        xrefs=[list(ent.xrefs) for ent in entities],
        types=np.array([type_index[ent.type] for ent in entities], dtype="int32"),
        type_labels=type_labels,
        vectors=np.ascontiguousarray(vectors),
        aliases=aliases,
        relations=rel_rows,
        relation_labels=relation_labels,
        provenance=provenance,
    )
