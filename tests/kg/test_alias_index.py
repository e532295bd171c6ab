import pickle

import numpy as np
import pytest
from spacy.strings import hash_string

from spacy_kogner.kg.alias_index import AliasIndex, AliasIndexError
from spacy_kogner.kg.hashing import POLY_BASE, polynomial_hashes, polynomial_powers


def test_lookup_round_trip_and_order():
    index = AliasIndex.from_dict({"naloxone": (3,), "tnf-α": (0, 5), "lithium": [1]})
    assert index.get("tnf-α") == (0, 5) and index.get("lithium") == (1,)
    assert index.get("clonidine") == () and index.get("clonidine", None) is None
    assert index.get("nalox\ud800one") == ()  # not UTF-8: no alias
    assert "naloxone" in index and "clonidine" not in index and 7 not in index
    assert list(index) == ["naloxone", "tnf-α", "lithium"] and len(index) == 3
    assert dict(index.items()) == {"naloxone": (3,), "tnf-α": (0, 5), "lithium": (1,)}
    assert list(index.values()) == [(3,), (0, 5), (1,)]
    assert index.max_key_bytes == len("naloxone")  # the longest key in UTF-8 bytes ("tnf-α" is 6)
    again = AliasIndex.from_bytes(index.to_bytes())
    assert again == index and again.get("tnf-α") == (0, 5)
    assert again.to_bytes() == index.to_bytes()


def test_index_pickles_through_its_bytes():
    index = AliasIndex.from_dict({"naloxone": (3,), "tnf-α": (0, 5)})
    again = pickle.loads(pickle.dumps(index))
    assert again == index and again.get("tnf-α") == (0, 5) and again.get("lithium") == ()
    assert again.has_poly_hashes(index.poly_hashes).all()


def test_empty_index():
    index = AliasIndex.from_dict({})
    assert len(index) == 0 and index.get("x") == () and index.max_key_bytes == 0
    assert AliasIndex.from_bytes(index.to_bytes()) == index


def test_a_hash_match_with_other_bytes_is_not_a_hit():
    # the stored hash of "aspirin" is that of "coffee": the key bytes are compared, so neither is found
    index = AliasIndex(b"aspirin", np.array([0, 7]), np.array([hash_string("coffee")], dtype="uint64"),
                       np.array([0, 1]), np.array([4], dtype="int32"))
    assert index.get("coffee") == () and index.get("aspirin") == ()


def test_inconsistent_arrays_are_refused():
    good = dict(keys=b"ab", key_offsets=np.array([0, 1, 2]),
                hashes=np.array([hash_string("a"), hash_string("b")], dtype="uint64"),
                cand_offsets=np.array([0, 1, 2]), cand_rows=np.array([0, 1], dtype="int32"))
    AliasIndex(**good)
    with pytest.raises(AliasIndexError, match="key offsets"):
        AliasIndex(**{**good, "key_offsets": np.array([0, 2, 2])})
    with pytest.raises(AliasIndexError, match="at least one candidate"):
        AliasIndex(**{**good, "cand_offsets": np.array([0, 0, 2])})
    with pytest.raises(AliasIndexError, match="same 64-bit hash"):
        AliasIndex(**{**good, "hashes": np.array([hash_string("a")] * 2, dtype="uint64")})
    with pytest.raises(AliasIndexError, match="3 aliases"):
        AliasIndex(**{**good, "hashes": np.arange(3, dtype="uint64") + 7})


def test_malformed_bytes_are_refused():
    import srsly

    with pytest.raises(AliasIndexError, match="expected"):
        AliasIndex.from_bytes(srsly.msgpack_dumps({"keys": [], "entities": []}))
    data = srsly.msgpack_loads(AliasIndex.from_dict({"a": (1,)}).to_bytes())
    data["cand_rows"] = data["cand_rows"][:3]
    with pytest.raises(AliasIndexError, match="cand_rows"):
        AliasIndex.from_bytes(srsly.msgpack_dumps(data))


def python_polynomial_hash(data: bytes) -> int:
    value = 0
    for byte in data:
        value = (value * int(POLY_BASE) + byte) % 2**64
    return value


def test_polynomial_hashes_of_byte_ranges():
    words = [b"", b"a", b"naloxone", "tnf-α".encode("utf8"), bytes(range(256)), b"ab"]
    offsets = np.cumsum([0] + [len(w) for w in words])
    data = np.frombuffer(b"".join(words), dtype="uint8")
    hashes = polynomial_hashes(data, offsets[:-1], offsets[1:])
    assert hashes.dtype == np.uint64 and hashes.tolist() == [python_polynomial_hash(w) for w in words]
    # the hash of a concatenation follows from its parts' hashes and lengths
    powers = polynomial_powers([len(w) for w in words])
    joined = python_polynomial_hash(b"naloxone" + words[3])
    assert (int(hashes[2]) * int(powers[3]) + int(hashes[3])) % 2**64 == joined
    assert polynomial_hashes(data, offsets[:0], offsets[:0]).shape == (0,)


def test_index_keeps_the_sorted_polynomial_hashes_of_its_keys():
    index = AliasIndex.from_dict({"naloxone": (3,), "tnf-α": (0, 5), "lithium": [1]})
    expected = sorted(python_polynomial_hash(key.encode("utf8")) for key in ("naloxone", "tnf-α", "lithium"))
    assert index.poly_hashes.tolist() == expected
    assert AliasIndex.from_dict({}).poly_hashes.shape == (0,)
