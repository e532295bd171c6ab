import json
import shutil

import numpy as np
import pytest
from spacy.util import registry

from spacy_kogner.kg import KGTable, KGTableError
from spacy_kogner.kg.format import FORMAT_VERSION
from spacy_kogner.kg_build import KGEntity, build_table
from tests.fixtures.make_tiny_kg import build_tiny_kg
from tests.util import TINY_KG


@pytest.fixture
def kg():
    return KGTable.from_disk(TINY_KG)


def test_shipped_fixture_is_what_the_builder_makes(kg):
    rebuilt = build_tiny_kg()
    assert rebuilt.meta["files"] == kg.meta["files"]
    assert build_tiny_kg().to_bytes() == rebuilt.to_bytes()  # deterministic


def test_table_contents(kg):
    assert kg.n_entities == 12
    assert kg.vector_dim == 8 and kg.vectors.dtype == np.float16
    assert kg.type_labels == ["Chemical", "Disease", "Gene"]
    assert kg.relation_labels == ["CID", "associates", "is_a", "treats"]
    row = kg.index_of("MESH:D010300")
    assert kg.names[row] == "Parkinson Disease" and kg.type_of(row) == "Disease"


def test_relations_within_only_returns_edges_inside_each_group(kg):
    rows = [kg.index_of(i) for i in ("MESH:D006220", "MESH:D010300", "MESH:D003000", "MESH:D010300")]
    heads, relations, tails = kg.relations_within(np.array(rows), np.array([0, 0, 0, 1]))
    # the second doc's Parkinson Disease node has no neighbour in its own doc
    assert [(kg.ids[rows[h]], kg.relation_labels[r], kg.ids[rows[t]]) for h, r, t in zip(heads, relations, tails)] == [
        ("MESH:D006220", "CID", "MESH:D010300")
    ]
    assert tails.tolist() == [1]
    assert all(len(a) == 0 for a in kg.relations_within(np.array([], dtype="int64"), np.array([], dtype="int64")))


def test_disk_and_bytes_round_trips(kg, tmp_path):
    kg.to_disk(tmp_path / "copy")
    for other in (KGTable.from_disk(tmp_path / "copy"), KGTable.from_bytes(kg.to_bytes())):
        assert other.ids == kg.ids and other.aliases == kg.aliases
        assert np.array_equal(other.vectors, kg.vectors) and other.vectors.dtype == kg.vectors.dtype
        assert np.array_equal(other.relations, kg.relations)
        assert other.meta == kg.meta


def test_missing_folder_names_the_path(tmp_path):
    with pytest.raises(KGTableError, match="not found: .*nowhere"):
        KGTable.from_disk(tmp_path / "nowhere")


@pytest.mark.parametrize("name", ["meta.json", "vectors.npy", "aliases.msgpack"])
def test_missing_file_names_the_file(tmp_path, name):
    shutil.copytree(TINY_KG, tmp_path / "kg")
    (tmp_path / "kg" / name).unlink()
    with pytest.raises(KGTableError, match=f"missing: .*{name}"):
        KGTable.from_disk(tmp_path / "kg")


def test_corrupt_file_is_caught_by_its_checksum(tmp_path):
    shutil.copytree(TINY_KG, tmp_path / "kg")
    path = tmp_path / "kg" / "vectors.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(KGTableError, match="corrupt: .*vectors.npy"):
        KGTable.from_disk(tmp_path / "kg")


def test_corrupt_meta_and_wrong_version(tmp_path):
    shutil.copytree(TINY_KG, tmp_path / "kg")
    meta_path = tmp_path / "kg" / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "format_version": 99}))
    with pytest.raises(KGTableError, match="format_version 99 is not read.*rebuild the table"):
        KGTable.from_disk(tmp_path / "kg")
    meta_path.write_text("{not json")
    with pytest.raises(KGTableError, match="corrupt: .*meta.json"):
        KGTable.from_disk(tmp_path / "kg")


def test_inconsistent_contents_are_rejected():
    with pytest.raises(KGTableError, match="vectors shape"):
        build_table([KGEntity("X:1", "Chemical", "aspirin")], np.zeros((2, 4), dtype="float32"))
    with pytest.raises(KGTableError, match="NaN"):
        build_table([KGEntity("X:1", "Chemical", "aspirin")], np.full((1, 4), np.nan, dtype="float32"))
    with pytest.raises(KGTableError, match="not unique"):
        build_table([KGEntity("X:1", "Chemical", "a1"), KGEntity("X:1", "Disease", "b1")], np.zeros((2, 4), "float32"))
    with pytest.raises(KGTableError, match="corrupt"):
        KGTable.from_bytes(b"\x00garbage")


def test_registered_loader_loads_lazily(tmp_path):
    make_loader = registry.misc.get("spacy_kogner.KGTableLoader.v1")
    assert make_loader(TINY_KG)().n_entities == 12
    loader = make_loader(tmp_path / "absent")  # nothing is read yet
    with pytest.raises(KGTableError, match="absent"):
        loader()


def test_plural_and_singular_mentions_match_either_alias(kg):
    assert [kg.ids[r] for r in kg.candidates("tumors")] == ["MESH:D014409"]
    assert [kg.ids[r] for r in kg.candidates("Neoplasm")] == ["MESH:D014409"]
    mentions = kg.find_mentions("benign tumors were seen".split())
    assert [(m.start, m.end) for m in mentions] == [(1, 2)]


def test_tables_of_an_older_format_are_refused(tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(TINY_KG, folder)
    meta = json.loads((folder / "meta.json").read_text())
    for version in (1, 2, 3, 4, 5):  # 5 had no xrefs, 4 held the gold hold-out, older ones stored aliases otherwise
        meta["format_version"] = version
        (folder / "meta.json").write_text(json.dumps(meta))
        with pytest.raises(KGTableError, match=f"format_version {version} is not read .*build-kg"):
            KGTable.from_disk(folder)
    assert FORMAT_VERSION == 6


def test_entity_of_type_takes_the_best_ranked_candidate_of_that_type():
    table = build_table([KGEntity("X:1", "Chemical", "Narcan"), KGEntity("X:2", "Disease", "Narcan syndrome", ["narcan"])],
                        np.zeros((2, 4), dtype="float32"))
    assert table.entity_of_type("narcan", "Disease") == 1 and table.entity_of_type(["Narcan"], "Chemical") == 0
    assert table.entity_of_type("narcan", "Gene") is None and table.entity_of_type("aspirin", "Chemical") is None
    assert table.entity_of_type("narcan", "Chemical", exclude={("narcan", 0)}) is None
    assert table.first_of_types((1, 0), {"Chemical", "Gene"}) == 0 and table.first_of_types((), {"Chemical"}) is None
