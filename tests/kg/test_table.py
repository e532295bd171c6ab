import json
import shutil

import numpy as np
import pytest
from spacy.util import registry

from spacy_kogner.kg import KGEntity, KGTable, KGTableError
from spacy_kogner.kg.normalize import fold_plural, is_word_key, normalize_text
from spacy_kogner.kg.table import FORMAT_VERSION, MAX_MENTION_TOKENS
from tests.fixtures.make_tiny_kg import build_tiny_kg
from tests.util import TINY_KG, downgrade_to_format_2


@pytest.fixture
def kg():
    return KGTable.from_disk(TINY_KG)


def words(text):
    return text.split()


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


def test_multi_token_alias_and_longest_match(kg):
    mentions = kg.find_mentions(words("Lithium carbonate induced nephrogenic diabetes insipidus ."))
    found = [(m.start, m.end, [kg.ids[e] for e in m.entities]) for m in mentions]
    # "Lithium carbonate" beats "Lithium"; "nephrogenic diabetes insipidus" beats "diabetes insipidus"
    assert found == [(0, 2, ["MESH:D016651"]), (3, 6, ["MESH:D018500"])]


def test_alias_matches_across_tokenizations(kg):
    for text in ["Parkinson 's disease", "Parkinson's disease", "parkinson - s disease"]:
        mentions = kg.find_mentions(words(text))
        assert [kg.ids[m.entities[0]] for m in mentions] == ["MESH:D010300"], text
    mentions = kg.find_mentions(["TNF", "-", "α", "levels"])
    assert [(m.start, m.end) for m in mentions] == [(0, 3)]


def test_mentions_do_not_start_or_end_on_punctuation(kg):
    mentions = kg.find_mentions(words("( naloxone ) , clonidine ."))
    assert [(m.start, m.end) for m in mentions] == [(1, 2), (4, 5)]


def test_no_match_and_empty_input(kg):
    assert kg.find_mentions(words("The weather was pleasant today .")) == []
    assert kg.find_mentions([]) == []
    assert kg.find_mentions(["", " ", "\n"]) == []


def test_candidates_rank_preferred_names_first():
    entities = [
        KGEntity("X:1", "Chemical", "Lithium Ion", ["Li"]),
        KGEntity("X:2", "Chemical", "Li", []),
    ]
    table = KGTable.build(entities, np.zeros((2, 4), dtype="float32"))
    assert [table.ids[i] for i in table.candidates("li")] == ["X:2", "X:1"]
    assert table.candidates(["lithium", "ion"]) == (0,)


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
    with pytest.raises(KGTableError, match="unsupported format_version 99"):
        KGTable.from_disk(tmp_path / "kg")
    meta_path.write_text("{not json")
    with pytest.raises(KGTableError, match="corrupt: .*meta.json"):
        KGTable.from_disk(tmp_path / "kg")


def test_inconsistent_contents_are_rejected():
    with pytest.raises(KGTableError, match="vectors shape"):
        KGTable.build([KGEntity("X:1", "Chemical", "aspirin")], np.zeros((2, 4), dtype="float32"))
    with pytest.raises(KGTableError, match="NaN"):
        KGTable.build([KGEntity("X:1", "Chemical", "aspirin")], np.full((1, 4), np.nan, dtype="float32"))
    with pytest.raises(KGTableError, match="not unique"):
        KGTable.build([KGEntity("X:1", "Chemical", "a1"), KGEntity("X:1", "Disease", "b1")], np.zeros((2, 4), "float32"))
    with pytest.raises(KGTableError, match="corrupt"):
        KGTable.from_bytes(b"\x00garbage")


def test_registered_loader_loads_lazily(tmp_path):
    make_loader = registry.misc.get("spacy_kogner.KGTableLoader.v1")
    assert make_loader(TINY_KG)().n_entities == 12
    loader = make_loader(tmp_path / "absent")  # nothing is read yet
    with pytest.raises(KGTableError, match="absent"):
        loader()


def test_excluded_keys_drop_stop_word_aliases():
    entities = [KGEntity("HGNC:1", "Gene", "ABC1", ["in", "ATP binding cassette 1"]), KGEntity("HGNC:2", "Gene", "of")]
    table = KGTable.build(entities, np.zeros((2, 4), dtype="float32"), excluded_keys={"in", "of"})
    assert table.candidates("in") == () and table.candidates("of") == ()
    assert table.candidates("abc1") == (0,) and table.candidates("ATP-binding cassette 1") == (0,)


def test_plural_and_singular_mentions_match_either_alias(kg):
    assert [kg.ids[r] for r in kg.candidates("tumors")] == ["MESH:D014409"]
    assert [kg.ids[r] for r in kg.candidates("Neoplasm")] == ["MESH:D014409"]
    mentions = kg.find_mentions(words("benign tumors were seen"))
    assert [(m.start, m.end) for m in mentions] == [(1, 2)]


def test_tables_of_an_older_format_are_refused(tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(TINY_KG, folder)
    meta = json.loads((folder / "meta.json").read_text())
    meta["format_version"] = 1
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(KGTableError, match="format_version 1"):
        KGTable.from_disk(folder)


def test_tables_of_format_2_are_read_and_written_in_the_current_format(kg, tmp_path):
    old = tmp_path / "v2"
    shutil.copytree(TINY_KG, old)
    downgrade_to_format_2(old)
    loaded = KGTable.from_disk(old)
    assert loaded.loaded_meta["format_version"] == 2 and loaded.meta["format_version"] == kg.meta["format_version"] == FORMAT_VERSION
    assert loaded.aliases == kg.aliases and loaded.candidates("tumors") == kg.candidates("tumors")
    loaded.to_disk(tmp_path / "current")
    assert KGTable.from_disk(tmp_path / "current").meta["files"] == kg.meta["files"]


def held_out_table():
    entities = [KGEntity("X:1", "Chemical", "Naloxone", ["Narcan"]), KGEntity("X:2", "Disease", "Narcan syndrome", ["narcan"])]
    held_out = {KGTable.doc_key("Narcan was given ."): [("narcan", "X:1"), ("nothere", "X:1"), ("narcan", "X:9")]}
    return KGTable.build(entities, np.zeros((2, 4), dtype="float32"), held_out=held_out)


def test_held_out_links_hide_only_their_candidates_from_their_doc(tmp_path):
    table = held_out_table()
    hidden = table.held_out("Narcan was given .")
    assert hidden == {("narcan", 0)}  # links the table lacks are dropped
    assert table.held_out("Narcan was given again .") == frozenset()
    assert table.candidates("Narcan") == (0, 1) and table.candidates("Narcan", hidden) == (1,)
    assert [m.entities for m in table.find_mentions(["Narcan", "was"], hidden)] == [(1,)]
    table.to_disk(tmp_path / "kg")
    for loaded in (KGTable.from_disk(tmp_path / "kg"), KGTable.from_bytes(table.to_bytes())):
        assert loaded.holdout == table.holdout and loaded.meta["n_held_out_docs"] == 1


def test_a_held_out_link_outside_the_aliases_is_refused(tmp_path):
    table = held_out_table()
    table.holdout = {"abc": frozenset({("narcan", 5)})}
    with pytest.raises(KGTableError, match="held-out link"):
        KGTable.from_bytes(table.to_bytes())


def greedy_reference(table, words, hidden=frozenset()):
    """find_mentions spelled out: from each start, try every n-gram and keep the longest alias."""
    keys = [normalize_text(w) for w in words]
    mentions, i = [], 0
    while i < len(keys):
        best = None
        if is_word_key(keys[i]):
            for j in range(i, min(len(keys), i + MAX_MENTION_TOKENS)):
                key = fold_plural("".join(keys[i:j + 1]))
                cands = tuple(r for r in table.aliases.get(key) if (key, r) not in hidden)
                if is_word_key(keys[j]) and cands:
                    best = (i, j + 1, cands)
        mentions.append(best) if best else None
        i = best[1] if best else i + 1
    return mentions


def plural_table():
    names = ["toxicity", "seizure", "cirrhosis", "virus", "glass", "β-blocker", "café au lait spot",
             "TNF-α", "lithium", "lithium carbonate", "diabetes insipidus", "nephrogenic diabetes insipidus",
             "ab", "series", "Parkinson's disease", "abs"]
    entities = [KGEntity(f"X:{i}", "Chemical" if i % 2 else "Disease", name) for i, name in enumerate(names)]
    entities.append(KGEntity("X:99", "Chemical", "Lithium carbonates"))
    return KGTable.build(entities, np.zeros((len(entities), 4), dtype="float32"))


def test_batch_lookup_equals_the_plain_greedy_match():
    table = plural_table()
    vocab = ["toxicity", "toxicities", "Toxicit", "ies", "toxicitie", "s", "seizure", "Seizures", "cirrhosis",
             "virus", "viruses", "glass", "glasses", "β", "-", "blockers", "BETA", "blocker", "café", "Café",
             "au", "lait", "spots", "TNF", "α", "lithium", "Lithium", "carbonate", "carbonates", "diabetes",
             "insipidus", "nephrogenic", "ab", "abs", "series", "serie", "Parkinson", "'s", "disease", "",
             " ", "(", ")", ",", "the", "and", "\ud800", "e\u0301", "ﬁ"]
    rng = np.random.default_rng(0)
    docs = [[vocab[k] for k in rng.integers(0, len(vocab), int(rng.integers(0, 30)))] for _ in range(400)]
    batch = table.find_mentions_batch(docs)
    for words, found in zip(docs, batch):
        assert [tuple(m) for m in found] == greedy_reference(table, words), words
        assert table.find_mentions(words) == found
    assert sum(len(found) for found in batch) > 500
    # hidden links: per doc
    hidden = [frozenset({("toxicity", table.index_of("X:0"))}), frozenset()]
    two = [["Toxicities", "and", "toxicity"]] * 2
    found = table.find_mentions_batch(two, hidden)
    assert found[0] == [] and [(m.start, m.end) for m in found[1]] == [(0, 1), (2, 3)]


def test_batch_lookup_keeps_mentions_inside_their_doc():
    table = plural_table()
    found = table.find_mentions_batch([["nephrogenic"], ["diabetes", "insipidus"], [], ["lithium"], ["carbonate"]])
    assert [[(m.start, m.end) for m in doc] for doc in found] == [[], [(0, 2)], [], [(0, 1)], []]
    assert table.find_mentions_batch([]) == []
    # a token longer than any alias is no mention and no error
    assert table.find_mentions(["lithium", "x" * 100_000, "lithium"]) == table.find_mentions(["lithium", "y", "lithium"])
