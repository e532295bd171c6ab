"""Alias key -> ranked KG entity rows, held in flat arrays instead of a Python
dict of strings and tuples (which takes several times the memory and load
time, `docs/kg.md`): the UTF-8 keys concatenated, the candidates in CSR
form, and a preshed hash map from each key's 64-bit spaCy hash to its position.
A lookup hashes the key, finds the position and compares the stored bytes, so a
hash collision with a non-alias can never return candidates.

The index also keeps the sorted polynomial hashes of its keys (`poly_hashes`):
the polynomial hash of a concatenation is a function of its parts' hashes, so
`matcher.find_mentions_batch` hashes every token n-gram of a batch with a few
numpy operations and looks up only the n-grams whose hash is an alias key's."""
from typing import Dict, Iterator, Sequence, Tuple

import numpy as np
import srsly
from preshed.maps import PreshMap
from spacy.strings import hash_string

from .hashing import polynomial_hashes

# the hash filter's bit table: about 64 bits per alias key, 2**26 bits (8 MB) at most
POLY_FILTER_MIN_BITS, POLY_FILTER_MAX_BITS = 10, 26
LAYOUT = {"keys": None, "key_offsets": "<i8", "hashes": "<u8", "cand_offsets": "<i8", "cand_rows": "<i4"}


class AliasIndexError(ValueError):
    """Alias index arrays that do not fit together."""


class AliasIndex:
    """Read-only mapping from alias keys to tuples of entity rows (in rank order)."""

    def __init__(self, keys: bytes, key_offsets: np.ndarray, hashes: np.ndarray,
                 cand_offsets: np.ndarray, cand_rows: np.ndarray):
        self._keys = keys
        self._key_offsets = key_offsets
        self._hashes = hashes
        self._cand_offsets = cand_offsets
        self._cand_rows = cand_rows
        n = len(hashes)
        if key_offsets.shape != (n + 1,) or cand_offsets.shape != (n + 1,):
            raise AliasIndexError(f"{n} aliases but {len(key_offsets) - 1} key offsets and "
                                  f"{len(cand_offsets) - 1} candidate offsets")
        key_lengths = np.diff(key_offsets)
        if n and (key_offsets[0] != 0 or key_offsets[-1] != len(keys) or (key_lengths <= 0).any()):
            raise AliasIndexError("alias key offsets are not increasing within the key bytes")
        if n and (cand_offsets[0] != 0 or cand_offsets[-1] != len(cand_rows) or (np.diff(cand_offsets) <= 0).any()):
            raise AliasIndexError("every alias needs at least one candidate entity")
        self._positions = PreshMap(max(8, 2 * n))
        for position, key_hash in enumerate(hashes.tolist()):
            self._positions[key_hash] = position + 1  # 0: absent
        if len(self._positions) != n:
            raise AliasIndexError("two alias keys have the same 64-bit hash (or a key repeats)")
        self.max_key_bytes = int(key_lengths.max()) if n else 0
        self.poly_hashes = np.unique(polynomial_hashes(np.frombuffer(keys, dtype="uint8"), key_offsets[:-1], key_offsets[1:]))
        n_bits = min(POLY_FILTER_MAX_BITS, max(POLY_FILTER_MIN_BITS, int(64 * n).bit_length()))
        self._poly_shift = np.uint64(64 - n_bits)
        self._poly_bits = np.zeros(1 << (n_bits - 3), dtype="uint8")
        slots = self.poly_hashes >> self._poly_shift
        np.bitwise_or.at(self._poly_bits, slots >> np.uint64(3), np.left_shift(1, slots & np.uint64(7)).astype("uint8"))

    @classmethod
    def from_dict(cls, aliases: Dict[str, Sequence[int]]) -> "AliasIndex":
        """An index of `{key: entity rows}`, keeping the dict's key order."""
        encoded = [key.encode("utf8") for key in aliases]
        cands = list(aliases.values())
        return cls(
            keys=b"".join(encoded),
            key_offsets=np.cumsum([0] + [len(key) for key in encoded], dtype="int64"),
            hashes=np.array([hash_string(key) for key in aliases], dtype="uint64"),
            cand_offsets=np.cumsum([0] + [len(rows) for rows in cands], dtype="int64"),
            cand_rows=np.array([row for rows in cands for row in rows], dtype="int32"),
        )

    def to_bytes(self) -> bytes:
        """msgpack of the arrays' little-endian bytes (see LAYOUT)."""
        arrays = {"key_offsets": self._key_offsets, "hashes": self._hashes,
                  "cand_offsets": self._cand_offsets, "cand_rows": self._cand_rows}
        msg = {name: np.ascontiguousarray(array, dtype=LAYOUT[name]).tobytes() for name, array in arrays.items()}
        return srsly.msgpack_dumps({"keys": self._keys, **msg})

    @classmethod
    def from_bytes(cls, data: bytes) -> "AliasIndex":
        """Read `to_bytes` output; AliasIndexError if a field is missing or malformed."""
        msg = srsly.msgpack_loads(data)
        if not isinstance(msg, dict) or set(msg) != set(LAYOUT):
            raise AliasIndexError(f"alias index fields are {sorted(msg) if isinstance(msg, dict) else type(msg)}, "
                                  f"expected {sorted(LAYOUT)}")
        arrays = {}
        for name, dtype in LAYOUT.items():
            if dtype is not None:
                if len(msg[name]) % np.dtype(dtype).itemsize:
                    raise AliasIndexError(f"alias index field {name!r} is not a whole number of {dtype} values")
                arrays[name] = np.frombuffer(msg[name], dtype=dtype)
        return cls(keys=bytes(msg["keys"]), **arrays)

    def __reduce__(self):
        # preshed maps do not pickle; the index rebuilds from its own bytes
        return (AliasIndex.from_bytes, (self.to_bytes(),))

    def has_poly_hashes(self, hashes: np.ndarray) -> np.ndarray:
        """Which of these polynomial hashes (uint64) are those of alias keys: a
        bit table of their top bits first, then the sorted hashes."""
        slots = hashes >> self._poly_shift
        found = (self._poly_bits[slots >> np.uint64(3)] >> (slots & np.uint64(7)).astype("uint8")) & 1 == 1
        maybe = hashes[found]
        at = np.minimum(np.searchsorted(self.poly_hashes, maybe), len(self.poly_hashes) - 1)
        found[found] = self.poly_hashes[at] == maybe
        return found

    @property
    def entity_rows(self) -> np.ndarray:
        """All candidate rows of all aliases (for range checks)."""
        return self._cand_rows

    @property
    def candidate_offsets(self) -> np.ndarray:
        """Where each alias's rows start in `entity_rows` (and where the last ends)."""
        return self._cand_offsets

    def candidates_at(self, position: int) -> Tuple[int, ...]:
        """Entity rows of the alias at this position (the order of iteration)."""
        return tuple(self._cand_rows[self._cand_offsets[position]:self._cand_offsets[position + 1]].tolist())

    def key_at(self, position: int) -> str:
        """The alias key at this position (the order of iteration)."""
        return self._key_bytes_at(position).decode("utf8")

    def _key_bytes_at(self, position: int) -> bytes:
        return self._keys[self._key_offsets[position]:self._key_offsets[position + 1]]

    def get(self, key: str, default: Tuple[int, ...] = ()) -> Tuple[int, ...]:
        """Entity rows of an alias key (`default` if it is not one)."""
        try:
            found = self._positions[hash_string(key)]
        except UnicodeEncodeError:  # a lone surrogate: no alias key has one
            return default
        if found is None:
            return default
        position = found - 1
        if self._key_bytes_at(position) != key.encode("utf8"):
            return default
        return self.candidates_at(position)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.get(key))

    def __len__(self) -> int:
        return len(self._hashes)

    def __iter__(self) -> Iterator[str]:
        return (self.key_at(position) for position in range(len(self)))

    def items(self) -> Iterator[Tuple[str, Tuple[int, ...]]]:
        """(key, entity rows) pairs in index order."""
        return zip(self, self.values())

    def values(self) -> Iterator[Tuple[int, ...]]:
        """Entity rows of every alias, in index order."""
        return (self.candidates_at(position) for position in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AliasIndex):
            return NotImplemented
        return (self._keys == other._keys and np.array_equal(self._key_offsets, other._key_offsets)
                and np.array_equal(self._cand_offsets, other._cand_offsets)
                and np.array_equal(self._cand_rows, other._cand_rows))
