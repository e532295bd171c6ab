"""The distilled KG table at run time: aliases -> KG entities, entity types,
ids, names, cross-references (the ids other sources give an entity) and
vectors, and typed entity-entity relations. Building one from
the KG sources is `spacy_kogner.kg_build`'s job; the file format is `format.py`."""
from pathlib import Path
from typing import AbstractSet, Any, Collection, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import srsly

from . import format as table_format
from .alias_index import AliasIndex, AliasIndexError
from .format import KGTableError
from .matcher import AliasLink, KGMention, find_mentions_batch, visible_candidates
from .normalize import alias_key, fold_plural, normalize_tokens
from ..util import ranges


class KGTable:
    """Alias index, entity types, entity vectors and relations of a distilled KG."""

    def __init__(
        self,
        ids: Sequence[str],
        names: Sequence[str],
        types: np.ndarray,
        type_labels: Sequence[str],
        vectors: np.ndarray,
        aliases: Union[AliasIndex, Dict[str, Sequence[int]]],
        relations: np.ndarray,
        relation_labels: Sequence[str],
        provenance: Optional[Dict[str, Any]] = None,
        xrefs: Optional[Sequence[Sequence[str]]] = None,
    ):
        self.ids = list(ids)
        self.names = list(names)
        self.xrefs = [list(x) for x in xrefs] if xrefs is not None else [[] for _ in self.ids]
        self.types = np.asarray(types, dtype="int32")
        self.type_labels = list(type_labels)
        self.vectors = vectors
        self.aliases = aliases if isinstance(aliases, AliasIndex) else AliasIndex.from_dict(aliases)
        self.relations = np.asarray(relations, dtype="int32").reshape((-1, 3))
        self.relation_labels = list(relation_labels)
        self.provenance = dict(provenance or {})
        self._validate("KGTable")
        order = np.argsort(self.relations[:, 0], kind="stable")
        self._rel_sorted = self.relations[order]
        self._rel_ptr = np.searchsorted(self._rel_sorted[:, 0], np.arange(len(self.ids) + 1), side="left")
        self._id_to_index: Optional[Dict[str, int]] = None
        self._meta_cache: Optional[Dict[str, Any]] = None

    # ----------------------------------------------------------------- access
    @property
    def n_entities(self) -> int:
        """Number of KG entities."""
        return len(self.ids)

    @property
    def vector_dim(self) -> int:
        """Width of the distilled entity vectors."""
        return int(self.vectors.shape[1])

    def index_of(self, entity_id: str) -> int:
        """Row of a KG id such as 'MESH:D009270' (KeyError if absent)."""
        if self._id_to_index is None:
            self._id_to_index = {ent_id: i for i, ent_id in enumerate(self.ids)}
        return self._id_to_index[entity_id]

    def xrefs_of(self, entity_id: str) -> List[str]:
        """The ids other sources give the entity with this KG id ([] if it is no KG id)."""
        try:
            return self.xrefs[self.index_of(entity_id)]
        except KeyError:
            return []

    def type_of(self, entity: int) -> str:
        """Type label of an entity row."""
        return self.type_labels[int(self.types[entity])]

    def candidates(
        self, text_or_words: Union[str, Sequence[str]], exclude: AbstractSet[AliasLink] = frozenset()
    ) -> Tuple[int, ...]:
        """Entity rows whose alias is exactly this text (or token sequence), in
        rank order, less the `exclude` (alias key, entity row) links."""
        if isinstance(text_or_words, str):
            key = alias_key(text_or_words)
        else:
            key = fold_plural("".join(normalize_tokens(text_or_words)))
        cands = self.aliases.get(key, ())
        return visible_candidates(key, cands, exclude) if exclude and cands else cands

    def first_of_types(self, rows: Sequence[int], labels: Collection[str]) -> Optional[int]:
        """The first of these entity rows whose type is one of `labels`, or None."""
        return next((row for row in rows if self.type_of(row) in labels), None)

    def entity_of_type(
        self, text_or_words: Union[str, Sequence[str]], label: str, exclude: AbstractSet[AliasLink] = frozenset()
    ) -> Optional[int]:
        """The best-ranked entity of type `label` that has this text as an alias
        (None if the text is no alias of that type)."""
        return self.first_of_types(self.candidates(text_or_words, exclude), (label,))

    def find_mentions(self, words: Sequence[str], exclude: AbstractSet[AliasLink] = frozenset()) -> List[KGMention]:
        """Greedy left-to-right longest alias matches of token n-grams, less the
        `exclude` links (`find_mentions_batch` for one doc)."""
        return self.find_mentions_batch([words], [exclude])[0]

    def find_mentions_batch(
        self, docs_words: Sequence[Sequence[str]], exclude: Optional[Sequence[AbstractSet[AliasLink]]] = None
    ) -> List[List[KGMention]]:
        """`find_mentions` of each doc's words (and `exclude` links), for a batch at once."""
        return find_mentions_batch(self.aliases, docs_words, exclude)

    def relations_within(self, entities: np.ndarray, groups: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The KG edges between entity rows of the same group (e.g. the entities
        of one doc), as (head position, relation, tail position) arrays whose
        positions index `entities`; ordered by head position, then as stored.
        Each (group, row) pair may occur once."""
        entities = np.asarray(entities, dtype="int64")
        keys = np.asarray(groups, dtype="int64") * self.n_entities + entities
        starts = self._rel_ptr[entities]
        counts = self._rel_ptr[entities + 1] - starts
        head = np.repeat(np.arange(len(entities)), counts)
        rel = self._rel_sorted[ranges(starts, counts)[0]]
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        tail_keys = keys[head] - entities[head] + rel[:, 2]
        at = np.minimum(np.searchsorted(sorted_keys, tail_keys), len(keys) - 1)
        inside = sorted_keys[at] == tail_keys
        return head[inside], rel[inside, 1].astype("int64"), order[at[inside]]

    # ---------------------------------------------------------- serialization
    def _payloads(self) -> table_format.Payloads:
        return {
            "entities.msgpack": srsly.msgpack_dumps(
                {"ids": self.ids, "names": self.names, "types": self.types.tolist(), "xrefs": self.xrefs}),
            "aliases.msgpack": self.aliases.to_bytes(),
            "vectors.npy": table_format.npy_bytes(self.vectors),
            "relations.npy": table_format.npy_bytes(self.relations),
        }

    def _meta(self, payloads: table_format.Payloads) -> Dict[str, Any]:
        return {
            "format": table_format.FORMAT_NAME,
            "format_version": table_format.FORMAT_VERSION,
            "n_entities": self.n_entities,
            "n_aliases": len(self.aliases),
            "n_relations": int(self.relations.shape[0]),
            "vector_dim": self.vector_dim,
            "vector_dtype": str(self.vectors.dtype),
            "type_labels": self.type_labels,
            "relation_labels": self.relation_labels,
            "entities_per_type": {label: int((self.types == i).sum()) for i, label in enumerate(self.type_labels)},
            "files": table_format.checksums(payloads),
            "provenance": self.provenance,
        }

    @property
    def meta(self) -> Dict[str, Any]:
        """Sizes, labels, file checksums and provenance, as written to meta.json."""
        if self._meta_cache is None:
            self._meta_cache = self._meta(self._payloads())
        return self._meta_cache

    def to_disk(self, path: Union[str, Path]) -> None:
        """Write the table folder (`format.py`)."""
        payloads = self._payloads()
        table_format.write_folder(path, self._meta(payloads), payloads)

    @classmethod
    def from_disk(cls, path: Union[str, Path]) -> "KGTable":
        """Load and validate a table folder; KGTableError names the bad file."""
        meta, payloads = table_format.read_folder(path)
        return cls._from_payloads(meta, payloads, str(path))

    def to_bytes(self) -> bytes:
        """Serialize the table (meta with checksums, and every file) to bytes."""
        payloads = self._payloads()
        return table_format.to_bytes(self._meta(payloads), payloads)

    @classmethod
    def from_bytes(cls, data: bytes) -> "KGTable":
        """Load a table serialized by `to_bytes`."""
        meta, payloads = table_format.from_bytes(data)
        return cls._from_payloads(meta, payloads, "<bytes>")

    @classmethod
    def _from_payloads(cls, meta: Dict[str, Any], payloads: table_format.Payloads, where: str) -> "KGTable":
        try:
            ents = srsly.msgpack_loads(payloads["entities.msgpack"])
            table = cls(
                ids=ents["ids"],
                names=ents["names"],
                xrefs=ents["xrefs"],
                types=np.asarray(ents["types"], dtype="int32"),
                type_labels=meta["type_labels"],
                vectors=table_format.load_npy(payloads["vectors.npy"]),
                aliases=AliasIndex.from_bytes(payloads["aliases.msgpack"]),
                relations=table_format.load_npy(payloads["relations.npy"]),
                relation_labels=meta["relation_labels"],
                provenance=meta.get("provenance", {}),
            )
        except (KGTableError, AliasIndexError) as err:
            raise KGTableError(f"KG table {where} is inconsistent: {err}") from err
        except Exception as err:
            raise KGTableError(f"KG table {where} could not be read: {err}") from err
        table._meta_cache = meta
        return table

    def _validate(self, where: str) -> None:
        n = len(self.ids)
        if len(self.names) != n or self.types.shape != (n,) or len(self.xrefs) != n:
            raise KGTableError(f"{where}: ids, names, types and xrefs differ in length")
        if self.vectors.ndim != 2 or self.vectors.shape[0] != n:
            raise KGTableError(f"{where}: vectors shape {self.vectors.shape} does not match {n} entities")
        if self.vectors.dtype not in (np.float16, np.float32):
            raise KGTableError(f"{where}: vectors must be float16 or float32, not {self.vectors.dtype}")
        if n and not np.isfinite(self.vectors).all():
            raise KGTableError(f"{where}: vectors contain NaN or infinity")
        if n and (self.types.min() < 0 or self.types.max() >= len(self.type_labels)):
            raise KGTableError(f"{where}: an entity type index is out of range")
        rows = self.aliases.entity_rows
        if rows.size and (rows.min() < 0 or rows.max() >= n):
            bad = int(np.flatnonzero((rows < 0) | (rows >= n))[0])
            raise KGTableError(f"{where}: an alias candidate (entity row {int(rows[bad])}) points outside the {n} entities")
        rel = self.relations
        if rel.size and (
            rel[:, [0, 2]].min() < 0 or rel[:, [0, 2]].max() >= n
            or rel[:, 1].min() < 0 or rel[:, 1].max() >= len(self.relation_labels)
        ):
            raise KGTableError(f"{where}: a relation row is out of range")
