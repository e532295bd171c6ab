"""The distilled KG table: aliases -> KG entities, entity types and vectors,
and typed entity-entity relations.

On disk a table is a folder (no pickle anywhere)::

    meta.json          format version, sizes, labels, md5 of every file, provenance
    entities.msgpack   {"ids": [...], "names": [...], "types": [type index, ...]}
    aliases.msgpack    the alias index (`AliasIndex.to_bytes`): UTF-8 alias keys, their 64-bit
                       hashes and ranked entity rows as flat little-endian arrays
    vectors.npy        float16/float32 [n_entities, vector_dim]
    relations.npy      int32 [n_edges, 3] rows of (head, relation, tail)
    holdout.msgpack    {"docs": {doc key: unit}, "units": [[[alias key, entity row], ...], ...]}:
                       per training document, the alias links that only its own gold
                       annotation (or that of its abstract) put in the KG

The hold-out lets training see the KG as new text sees it: a training sentence
whose gold mention became a KG alias would otherwise always find itself in the
KG (95% coverage on BC5CDR train against 77-84% on unseen text).
"""
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import AbstractSet, Any, Dict, FrozenSet, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import srsly

from .alias_index import (POLY_BASE, POLY_BASE_INVERSE, AliasIndex, AliasIndexError, polynomial_hashes,
                          polynomial_powers)
from .normalize import alias_key, fold_plural, is_word_key, normalize_tokens

FORMAT_NAME = "spacy_kogner.kg_table"
FORMAT_VERSION = 4  # 2: alias keys fold plural endings; 3: aliases as flat arrays; 4: holdout.msgpack
READABLE_FORMAT_VERSIONS = (2, 3, 4)  # 2 stored the aliases as {"keys": [...], "entities": [[...], ...]}
HOLDOUT_FILE = "holdout.msgpack"  # absent before format 4
DATA_FILES = ("entities.msgpack", "aliases.msgpack", "vectors.npy", "relations.npy", HOLDOUT_FILE)
AliasLink = Tuple[str, int]  # (alias key, entity row)
META_FILE = "meta.json"
MIN_KEY_CHARS = 2
MAX_MENTION_TOKENS = 16
IES_HASH = polynomial_hashes(np.frombuffer(b"ies", dtype="uint8"), [0], [3])[0]
IES_POWER_INVERSE = np.uint64(pow(int(POLY_BASE_INVERSE), 3, 2**64))


class KGTableError(ValueError):
    """A KG table folder or bytes value is missing, corrupt or inconsistent."""


@dataclass
class KGEntity:
    """One entity of a KG before distillation: id, type, preferred name, aliases."""

    id: str
    type: str
    name: str
    aliases: List[str] = field(default_factory=list)


class KGMention(NamedTuple):
    """A span of tokens [start, end) whose text is an alias of `entities`."""

    start: int
    end: int
    entities: Tuple[int, ...]


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
        holdout: Optional[Mapping[str, AbstractSet[AliasLink]]] = None,
    ):
        self.ids = list(ids)
        self.names = list(names)
        self.types = np.asarray(types, dtype="int32")
        self.type_labels = list(type_labels)
        self.vectors = vectors
        self.aliases = aliases if isinstance(aliases, AliasIndex) else AliasIndex.from_dict(aliases)
        self.relations = np.asarray(relations, dtype="int32").reshape((-1, 3))
        self.relation_labels = list(relation_labels)
        self.provenance = dict(provenance or {})
        self.holdout: Dict[str, FrozenSet[AliasLink]] = {k: frozenset(v) for k, v in (holdout or {}).items()}
        self._validate("KGTable")
        order = np.argsort(self.relations[:, 0], kind="stable")
        self._rel_sorted = self.relations[order]
        self._rel_ptr = np.searchsorted(
            self._rel_sorted[:, 0], np.arange(len(self.ids) + 1), side="left"
        )
        self._id_to_index: Optional[Dict[str, int]] = None
        self._meta_cache: Optional[Dict[str, Any]] = None
        self.loaded_meta: Optional[Dict[str, Any]] = None  # meta.json as read (older formats differ)

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        entities: Sequence[KGEntity],
        vectors: np.ndarray,
        relations: Iterable[Tuple[str, str, str]] = (),
        provenance: Optional[Dict[str, Any]] = None,
        excluded_keys: Iterable[str] = (),
        held_out: Optional[Mapping[str, Iterable[Tuple[str, str]]]] = None,
    ) -> "KGTable":
        """Build a table from entities (in vector row order), their vectors and
        (head id, relation label, tail id) triples. Alias candidates are ranked:
        entities whose preferred name has the key first, then by entity order.
        Aliases whose key is in `excluded_keys` (e.g. stop words) are dropped.
        `held_out` maps a training document's `doc_key` to the (alias key, entity
        id) links hidden from it in training; links the table lacks are dropped."""
        excluded = {alias_key(key) for key in excluded_keys}
        ids = [ent.id for ent in entities]
        if len(set(ids)) != len(ids):
            raise KGTableError("KGTable.build: entity ids are not unique")
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
            aliases[key] = tuple(first + rest)
        id_index = {ent_id: i for i, ent_id in enumerate(ids)}
        holdout = {}
        for doc, links in (held_out or {}).items():
            rows = {(key, id_index[ent_id]) for key, ent_id in links
                    if ent_id in id_index and id_index[ent_id] in aliases.get(key, ())}
            if rows:
                holdout[doc] = rows
        triples = sorted(
            {(id_index[h], r, id_index[t]) for h, r, t in relations if h in id_index and t in id_index}
        )
        relation_labels = sorted({r for _, r, _ in triples})
        rel_index = {label: i for i, label in enumerate(relation_labels)}
        rel_rows = np.array(
            [(h, rel_index[r], t) for h, r, t in triples], dtype="int32"
        ).reshape((-1, 3))
        return cls(
            ids=ids,
            names=[ent.name for ent in entities],
            types=np.array([type_index[ent.type] for ent in entities], dtype="int32"),
            type_labels=type_labels,
            vectors=np.ascontiguousarray(vectors),
            aliases=aliases,
            relations=rel_rows,
            relation_labels=relation_labels,
            provenance=provenance,
            holdout=holdout,
        )

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

    def type_of(self, entity: int) -> str:
        """Type label of an entity row."""
        return self.type_labels[int(self.types[entity])]

    @staticmethod
    def doc_key(text: str) -> str:
        """The key of a document's text in the hold-out map."""
        return hashlib.md5(text.encode("utf8")).hexdigest()[:16]

    def held_out(self, text: str) -> FrozenSet[AliasLink]:
        """The (alias key, entity row) links hidden from this training document."""
        return self.holdout.get(self.doc_key(text), frozenset()) if self.holdout else frozenset()

    def candidates(
        self, text_or_words: Union[str, Sequence[str]], hidden: AbstractSet[AliasLink] = frozenset()
    ) -> Tuple[int, ...]:
        """Entity rows whose alias is exactly this text (or token sequence),
        less the `hidden` links."""
        if isinstance(text_or_words, str):
            key = alias_key(text_or_words)
        else:
            key = fold_plural("".join(normalize_tokens(text_or_words)))
        cands = self.aliases.get(key, ())
        return _visible(key, cands, hidden) if hidden and cands else cands

    def find_mentions(self, words: Sequence[str], hidden: AbstractSet[AliasLink] = frozenset()) -> List[KGMention]:
        """Greedy left-to-right longest match of token n-grams against the aliases,
        less the `hidden` (alias key, entity row) links. A mention starts and ends
        on a token with a letter or digit. (`find_mentions_batch` for one doc.)"""
        return self.find_mentions_batch([words], [hidden])[0]

    def find_mentions_batch(
        self, docs_words: Sequence[Sequence[str]], hidden: Optional[Sequence[AbstractSet[AliasLink]]] = None
    ) -> List[List[KGMention]]:
        """`find_mentions` of each doc's words (and hidden links), for a batch at
        once: the polynomial hash of every n-gram of up to MAX_MENTION_TOKENS
        token keys, plural-folded as alias keys are, is computed with numpy from
        the tokens' hashes; only n-grams whose hash is an alias key's are looked
        up (exactly, by their text), longest first from each start."""
        keys = [key for words in docs_words for key in normalize_tokens(words)]
        doc_starts = np.cumsum([0] + [len(words) for words in docs_words])
        found: List[List[KGMention]] = [[] for _ in docs_words]
        if not keys or not len(self.aliases):
            return found
        text = "".join(keys)
        doc_of = np.repeat(np.arange(len(docs_words)), np.diff(doc_starts))
        char_starts, char_ends, hit_start, hit_end = _alias_hash_hits(self.aliases, keys, text, doc_starts[1:][doc_of])
        next_free = 0
        for start, end in zip(hit_start.tolist(), hit_end.tolist()):
            if start < next_free:
                continue
            key = fold_plural(text[char_starts[start]:char_ends[end]])
            cands = self.aliases.get(key)
            doc = int(doc_of[start])
            if cands and hidden is not None and hidden[doc]:
                cands = _visible(key, cands, hidden[doc])
            if cands:
                offset = int(doc_starts[doc])
                found[doc].append(KGMention(start - offset, end + 1 - offset, cands))
                next_free = end + 1
        return found

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
    def _payloads(self) -> Dict[str, bytes]:
        return {
            "entities.msgpack": srsly.msgpack_dumps(
                {"ids": self.ids, "names": self.names, "types": self.types.tolist()}
            ),
            "aliases.msgpack": self.aliases.to_bytes(),
            "vectors.npy": _npy_bytes(self.vectors),
            "relations.npy": _npy_bytes(self.relations),
            HOLDOUT_FILE: self._holdout_bytes(),
        }

    def _holdout_bytes(self) -> bytes:
        units: Dict[FrozenSet[AliasLink], int] = {}
        docs = {doc: units.setdefault(links, len(units)) for doc, links in sorted(self.holdout.items())}
        return srsly.msgpack_dumps({"docs": docs, "units": [sorted(map(list, links)) for links in units]})

    def _meta(self, payloads: Dict[str, bytes]) -> Dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "n_entities": self.n_entities,
            "n_aliases": len(self.aliases),
            "n_relations": int(self.relations.shape[0]),
            "n_held_out_docs": len(self.holdout),
            "vector_dim": self.vector_dim,
            "vector_dtype": str(self.vectors.dtype),
            "type_labels": self.type_labels,
            "relation_labels": self.relation_labels,
            "entities_per_type": {
                label: int((self.types == i).sum()) for i, label in enumerate(self.type_labels)
            },
            "files": {name: hashlib.md5(data).hexdigest() for name, data in payloads.items()},
            "provenance": self.provenance,
        }

    @property
    def meta(self) -> Dict[str, Any]:
        """Sizes, labels, file checksums and provenance, as written to meta.json."""
        if self._meta_cache is None:
            self._meta_cache = self._meta(self._payloads())
        return self._meta_cache

    def to_disk(self, path: Union[str, Path]) -> None:
        """Write the table folder; each file is written atomically, meta.json last."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        payloads = self._payloads()
        for name, data in payloads.items():
            _atomic_write(path / name, data)
        _atomic_write(path / META_FILE, srsly.json_dumps(self._meta(payloads), indent=2).encode("utf8"))

    @classmethod
    def from_disk(cls, path: Union[str, Path]) -> "KGTable":
        """Load and validate a table folder; KGTableError names the bad file."""
        path = Path(path)
        if not path.exists():
            raise KGTableError(f"KG table not found: {path}")
        if not path.is_dir():
            raise KGTableError(f"KG table path is not a folder: {path}")
        meta_path = path / META_FILE
        if not meta_path.exists():
            raise KGTableError(f"KG table file missing: {meta_path}")
        try:
            meta = srsly.json_loads(meta_path.read_text(encoding="utf8"))
        except Exception as err:
            raise KGTableError(f"KG table file is corrupt: {meta_path} ({err})") from err
        payloads = {}
        for name in _data_files(meta.get("format_version") if isinstance(meta, dict) else None):
            file_path = path / name
            if not file_path.exists():
                raise KGTableError(f"KG table file missing: {file_path}")
            payloads[name] = file_path.read_bytes()
        return cls._from_payloads(meta, payloads, str(path))

    def to_bytes(self) -> bytes:
        """Serialize the table (meta with checksums, and every file) to bytes."""
        payloads = self._payloads()
        return srsly.msgpack_dumps({"meta": self._meta(payloads), "files": payloads})

    @classmethod
    def from_bytes(cls, data: bytes) -> "KGTable":
        """Load a table serialized by `to_bytes`."""
        try:
            msg = srsly.msgpack_loads(data)
            meta, payloads = msg["meta"], msg["files"]
        except Exception as err:
            raise KGTableError(f"KG table bytes are corrupt ({err})") from err
        return cls._from_payloads(meta, payloads, "<bytes>")

    @classmethod
    def _from_payloads(cls, meta: Dict[str, Any], payloads: Dict[str, bytes], where: str) -> "KGTable":
        if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
            raise KGTableError(f"{where}/{META_FILE} is not a spacy_kogner KG table meta file")
        if meta.get("format_version") not in READABLE_FORMAT_VERSIONS:
            raise KGTableError(
                f"{where}/{META_FILE}: unsupported format_version {meta.get('format_version')!r}"
                f" (this spacy_kogner reads {', '.join(map(str, READABLE_FORMAT_VERSIONS))};"
                " rebuild the table with `python -m spacy_kogner build-kg`)"
            )
        checksums = meta.get("files", {})
        for name in _data_files(meta["format_version"]):
            if name not in payloads:
                raise KGTableError(f"KG table file missing: {where}/{name}")
            actual = hashlib.md5(payloads[name]).hexdigest()
            if checksums.get(name) != actual:
                raise KGTableError(
                    f"KG table file is corrupt: {where}/{name} (md5 {actual}, "
                    f"{META_FILE} says {checksums.get(name)})"
                )
        try:
            ents = srsly.msgpack_loads(payloads["entities.msgpack"])
            if meta["format_version"] == 2:
                alias_msg = srsly.msgpack_loads(payloads["aliases.msgpack"])
                aliases = AliasIndex.from_dict(dict(zip(alias_msg["keys"], alias_msg["entities"])))
            else:
                aliases = AliasIndex.from_bytes(payloads["aliases.msgpack"])
            vectors = np.load(io.BytesIO(payloads["vectors.npy"]), allow_pickle=False)
            relations = np.load(io.BytesIO(payloads["relations.npy"]), allow_pickle=False)
            holdout = {}
            if HOLDOUT_FILE in payloads:
                hold = srsly.msgpack_loads(payloads[HOLDOUT_FILE])
                units = [frozenset((key, int(row)) for key, row in links) for links in hold["units"]]
                holdout = {doc: units[unit] for doc, unit in hold["docs"].items()}
            table = cls(
                ids=ents["ids"],
                names=ents["names"],
                types=np.asarray(ents["types"], dtype="int32"),
                type_labels=meta["type_labels"],
                vectors=vectors,
                aliases=aliases,
                relations=relations,
                relation_labels=meta["relation_labels"],
                provenance=meta.get("provenance", {}),
                holdout=holdout,
            )
        except (KGTableError, AliasIndexError) as err:
            raise KGTableError(f"KG table {where} is inconsistent: {err}") from err
        except Exception as err:
            raise KGTableError(f"KG table {where} could not be read: {err}") from err
        table.loaded_meta = meta
        if meta["format_version"] == FORMAT_VERSION:
            table._meta_cache = meta
        return table

    def _validate(self, where: str) -> None:
        n = len(self.ids)
        if len(self.names) != n or self.types.shape != (n,):
            raise KGTableError(f"{where}: ids, names and types differ in length")
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
        for links in set(self.holdout.values()):  # documents of one abstract share their links
            for key, row in links:
                if row not in self.aliases.get(key, ()):
                    raise KGTableError(f"{where}: held-out link ({key!r}, entity row {row}) is not an alias of the table")


def _data_files(format_version: Any) -> Tuple[str, ...]:
    """The data files of a table folder of this format version."""
    return DATA_FILES if format_version == FORMAT_VERSION else tuple(n for n in DATA_FILES if n != HOLDOUT_FILE)


def ranges(starts: np.ndarray, lengths: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The integers of the ranges [start, start + length), concatenated, and
    each one's place in its range."""
    place = np.arange(int(lengths.sum()), dtype="int64") - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + place, place


ASCII_ALNUM = np.array([chr(code).isalnum() for code in range(256)]) & (np.arange(256) < 128)


def _byte_counts(flags: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many flagged bytes each range [start, end) holds."""
    totals = np.concatenate([[0], np.cumsum(flags, dtype="int64")])
    return totals[ends] - totals[starts]


def _alias_hash_hits(
    aliases: AliasIndex, keys: Sequence[str], text: str, token_doc_end: np.ndarray
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The token n-grams (up to MAX_MENTION_TOKENS tokens within a doc,
    starting and ending on a word token) whose plural-folded polynomial hash is
    an alias key's, as (first token, last token) arrays ordered by first token,
    longest first; with each token's key's character range in `text`."""
    # lone surrogates (odd Unicode) get bytes too; they are in no alias
    data = np.frombuffer(text.encode("utf8", "surrogatepass"), dtype="uint8")
    ascii_only = text.isascii()
    char_lengths = np.array([len(key) for key in keys], dtype="int64")
    byte_lengths = char_lengths if ascii_only else np.array(
        [len(key.encode("utf8", "surrogatepass")) for key in keys], dtype="int64")
    char_ends = np.cumsum(char_lengths)
    char_starts = char_ends - char_lengths
    byte_ends = np.cumsum(byte_lengths)
    byte_starts = byte_ends - byte_lengths
    max_chars = aliases.max_key_bytes + 1  # + 1: a folded plural "s"; chars <= bytes
    # a longer token is in no alias: leave its hash 0 (and its n-grams are too long)
    short = char_lengths <= max_chars
    token_hashes = np.zeros(len(keys), dtype="uint64")
    token_hashes[short] = polynomial_hashes(data, byte_starts[short], byte_ends[short])
    token_powers = polynomial_powers(byte_lengths)
    is_word = _byte_counts(ASCII_ALNUM[data], byte_starts, byte_ends) > 0
    if not ascii_only:
        for i in np.flatnonzero(_byte_counts(data >= 0x80, byte_starts, byte_ends)).tolist():
            is_word[i] = is_word_key(keys[i])
    starts = np.flatnonzero(is_word)
    hashes = np.zeros(len(starts), dtype="uint64")
    hit_starts: List[np.ndarray] = [starts[:0]]
    hit_ends: List[np.ndarray] = [starts[:0]]
    for length in range(MAX_MENTION_TOKENS):
        ends = starts + length
        # an n-gram ends inside its doc and has at most max_chars characters
        keep = ends < token_doc_end[starts]
        keep[keep] = char_ends[ends[keep]] - char_starts[starts[keep]] <= max_chars
        starts, ends, hashes = starts[keep], ends[keep], hashes[keep]
        if not len(starts):
            break
        hashes = hashes * token_powers[ends] + token_hashes[ends]
        word_end = is_word[ends]
        folded = _fold_plural_hashes(hashes[word_end], data, byte_ends[ends[word_end]],
                                     char_ends[ends[word_end]] - char_starts[starts[word_end]])
        hit = aliases.has_poly_hashes(folded)
        hit_starts.append(starts[word_end][hit])
        hit_ends.append(ends[word_end][hit])
    hit_start = np.concatenate(hit_starts)
    hit_end = np.concatenate(hit_ends)
    order = np.lexsort((-hit_end, hit_start))
    return char_starts, char_ends, hit_start[order], hit_end[order]


def _fold_plural_hashes(hashes: np.ndarray, data: np.ndarray, byte_ends: np.ndarray, n_chars: np.ndarray) -> np.ndarray:
    """The polynomial hashes of `fold_plural` of the keys whose hashes, last
    byte positions (exclusive, in `data`) and character counts are given."""
    last = data[np.maximum(byte_ends - 1, 0)]
    second = data[np.maximum(byte_ends - 2, 0)]
    third = data[np.maximum(byte_ends - 3, 0)]
    plural = (n_chars >= 5) & (last == ord("s")) & (second != ord("s")) & (second != ord("u")) & (second != ord("i"))
    ies = plural & (second == ord("e")) & (third == ord("i"))
    folded = hashes.copy()
    # drop the last byte: h(key) = h(key[:-1]) * B + ord("s")
    folded[plural] = (hashes[plural] - np.uint64(ord("s"))) * POLY_BASE_INVERSE
    # "ies" -> "y": h(key[:-3]) * B + ord("y")
    folded[ies] = (hashes[ies] - IES_HASH) * IES_POWER_INVERSE * POLY_BASE + np.uint64(ord("y"))
    return folded


def _visible(key: str, cands: Tuple[int, ...], hidden: AbstractSet[AliasLink]) -> Tuple[int, ...]:
    """The candidates of an alias key that are not hidden links."""
    return tuple(row for row in cands if (key, row) not in hidden)


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(array), allow_pickle=False)
    return buf.getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
