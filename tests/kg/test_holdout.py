import numpy as np
import pytest
from spacy.util import registry

from spacy_kogner.kg.holdout import (
    GoldHoldOut, GoldHoldOutError, abstract_units, doc_key, document_units, excluded_links,
)
from spacy_kogner.kg_build import KGEntity, build_table


def test_sentences_are_found_in_their_abstracts_whatever_the_order_and_spacing():
    abstracts = {"11": "Lithium toxicity. Renal failure was seen.", "22": "Naloxone and clonidine. No effect."}
    docs = ["Naloxone and clonidine .", "No effect .", "Lithium toxicity .", "Renal  failure was seen .",
            "Not in any abstract .", ""]
    assert abstract_units(docs, abstracts) == ["22", "22", "11", "11", None, None]
    assert abstract_units(docs[:1], {}) == [None]
    units = document_units(docs[:1] + docs[4:5], abstracts)
    assert units == {doc_key(docs[0]): "pmid:22", doc_key(docs[4]): f"doc:{doc_key(docs[4])}"}


def test_only_links_that_one_unit_gave_are_held_out_from_that_units_docs():
    gold_links = {("narcan", "MESH:D009270"): {"pmid:1"}, ("hbp", "MESH:D006973"): {"pmid:1", "pmid:2"},
                  ("lico", "corpus:Chemical:lico"): {"doc:c"}}
    doc_units = {"a": "pmid:1", "b": "pmid:1", "c": "doc:c", "d": "pmid:2"}
    hold_out = GoldHoldOut.from_gold_links(gold_links, doc_units, table_md5="m")
    assert hold_out.links == {
        "a": {("narcan", "MESH:D009270")}, "b": {("narcan", "MESH:D009270")}, "c": {("lico", "corpus:Chemical:lico")},
    }


def narcan_table():
    entities = [KGEntity("X:1", "Chemical", "Naloxone", ["Narcan"]), KGEntity("X:2", "Disease", "Narcan syndrome", ["narcan"])]
    return build_table(entities, np.zeros((2, 4), dtype="float32"))


def test_resolved_links_leave_out_only_their_candidates_from_their_doc(tmp_path):
    table = narcan_table()
    text = "Narcan was given ."
    hold_out = GoldHoldOut({doc_key(text): [("narcan", "X:1"), ("nothere", "X:1"), ("narcan", "X:9")]},
                           table.meta["files"]["aliases.msgpack"])
    hold_out.to_disk(tmp_path / "holdout.msgpack")
    loader = registry.misc.get("spacy_kogner.GoldHoldOutLoader.v1")
    loaded = loader(tmp_path / "holdout.msgpack")()
    assert loaded.links == hold_out.links and loaded.table_md5 == hold_out.table_md5
    resolved = loaded.resolve(table)
    assert resolved == {doc_key(text): {("narcan", 0)}}  # links the table lacks are dropped
    exclude = excluded_links(resolved, [text, "Narcan was given again ."])
    assert exclude == [{("narcan", 0)}, frozenset()]
    assert table.candidates("Narcan") == (0, 1) and table.candidates("Narcan", exclude[0]) == (1,)
    assert [m.entities for m in table.find_mentions(["Narcan", "was"], exclude[0])] == [(1,)]
    assert excluded_links({}, [text]) is None and loader(None)() is None


def test_a_hold_out_of_another_table_or_a_bad_file_is_refused(tmp_path):
    table = narcan_table()
    with pytest.raises(GoldHoldOutError, match="built for the KG table"):
        GoldHoldOut({}, "0" * 32).resolve(table)
    bad = tmp_path / "bad.msgpack"
    bad.write_bytes(b"\x00junk")
    with pytest.raises(GoldHoldOutError, match="bad.msgpack could not be read"):
        GoldHoldOut.from_disk(bad)
    with pytest.raises(GoldHoldOutError, match="not found: .*absent"):
        GoldHoldOut.from_disk(tmp_path / "absent")
