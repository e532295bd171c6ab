import numpy as np
import pytest
import spacy

from spacy_kogner.kg import KGTable
from spacy_kogner.ml.graph import (
    ENTITY_TO_BEGIN, ENTITY_TO_INSIDE, ENTITY_TO_LAST, ENTITY_TO_UNIT, N_BASE_RELATIONS, TOKEN_NEXT, TOKEN_PREV,
    TOKEN_TO_ENTITY, batch_mentions, build_graph_batch,
)
from tests.util import TINY_KG


@pytest.fixture(scope="module")
def kg():
    return KGTable.from_disk(TINY_KG)


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def edges_of(batch, edge_type):
    mask = batch.edge_type == edge_type
    return sorted(zip(batch.edge_index[0, mask].tolist(), batch.edge_index[1, mask].tolist()))


def test_window_edges_without_kg(nlp):
    docs = [nlp.make_doc("a b c"), nlp.make_doc("d e")]
    batch = build_graph_batch(docs, None, window=2, max_candidates=3)
    assert batch.n_tokens == batch.n_nodes == 5 and len(batch.entity_rows) == 0
    # no edge crosses from doc 0 (tokens 0-2) to doc 1 (tokens 3-4)
    assert edges_of(batch, TOKEN_NEXT) == [(0, 1), (0, 2), (1, 2), (3, 4)]
    assert edges_of(batch, TOKEN_PREV) == [(1, 0), (2, 0), (2, 1), (4, 3)]
    # a window wider than the whole batch
    wide = build_graph_batch(docs, None, window=8, max_candidates=3)
    assert edges_of(wide, TOKEN_NEXT) == edges_of(batch, TOKEN_NEXT)


def test_entity_nodes_mention_edges_and_kg_relations(nlp, kg):
    doc = nlp.make_doc("Haloperidol caused Parkinson's disease ; haloperidol again .")
    batch = build_graph_batch([doc], kg, window=1, max_candidates=3)
    halo, pd = kg.index_of("MESH:D006220"), kg.index_of("MESH:D010300")
    assert batch.entity_rows.tolist() == [halo, pd]  # one node per entity, not per mention
    halo_node, pd_node = batch.n_tokens, batch.n_tokens + 1
    pd_tokens = [i for i, t in enumerate(doc) if t.text in ("Parkinson", "'s", "disease")]
    assert edges_of(batch, TOKEN_TO_ENTITY) == sorted([(0, halo_node), (6, halo_node)] + [(t, pd_node) for t in pd_tokens])
    # entity -> token edges are typed by the token's place in its mention
    assert edges_of(batch, ENTITY_TO_UNIT) == [(halo_node, 0), (halo_node, 6)]
    assert edges_of(batch, ENTITY_TO_BEGIN) == [(pd_node, pd_tokens[0])]
    assert edges_of(batch, ENTITY_TO_INSIDE) == [(pd_node, t) for t in pd_tokens[1:-1]]
    assert edges_of(batch, ENTITY_TO_LAST) == [(pd_node, pd_tokens[-1])]
    cid = N_BASE_RELATIONS + kg.relation_labels.index("CID")
    assert edges_of(batch, cid) == [(halo_node, pd_node), (pd_node, halo_node)]
    assert batch.edge_index.dtype == np.int64 and batch.edge_index.max() < batch.n_nodes


def test_entity_nodes_are_per_doc(nlp, kg):
    docs = [nlp.make_doc("naloxone"), nlp.make_doc("naloxone")]
    batch = build_graph_batch(docs, kg, window=1, max_candidates=3)
    assert len(batch.entity_rows) == 2
    assert edges_of(batch, TOKEN_TO_ENTITY) == [(0, 2), (1, 3)]


def test_empty_and_unmatched_docs(nlp, kg):
    docs = [nlp.make_doc(""), nlp.make_doc("nothing to see"), nlp.make_doc("x")]
    batch = build_graph_batch(docs, kg, window=2, max_candidates=3)
    assert batch.n_tokens == 4 and len(batch.entity_rows) == 0
    assert batch.edge_index.shape[0] == 2 and batch.edge_type.shape == (batch.edge_index.shape[1],)
    empty = build_graph_batch([nlp.make_doc("")], kg, window=2, max_candidates=3)
    assert empty.edge_index.shape == (2, 0) and empty.n_nodes == 0


def test_abbreviation_is_looked_up_through_its_long_form(kg):
    nlp = spacy.blank("en")
    nlp.add_pipe("abbreviation_detector")
    doc = nlp("Patients with Paralysis agitans (PAG) were studied; PAG progressed.")
    pd = kg.index_of("MESH:D010300")
    mentions, = batch_mentions([doc], kg)
    short_forms = [m for m in mentions if doc[m.start:m.end].text == "PAG"]
    assert len(short_forms) == 2 and all(m.entities == (pd,) for m in short_forms)


def test_mention_dropout_leaves_out_mentions_reproducibly(nlp, kg):
    from thinc.api import fix_random_seed

    docs = [nlp.make_doc("naloxone and clonidine and haloperidol")] * 40
    full = build_graph_batch(docs, kg, window=1, max_candidates=3)
    fix_random_seed(0)
    dropped = build_graph_batch(docs, kg, window=1, max_candidates=3, mention_dropout=0.5)
    fix_random_seed(0)
    again = build_graph_batch(docs, kg, window=1, max_candidates=3, mention_dropout=0.5)
    n_full, n_dropped = (int((b.edge_type == TOKEN_TO_ENTITY).sum()) for b in (full, dropped))
    assert n_full == 120 and 30 < n_dropped < 90
    assert np.array_equal(dropped.edge_index, again.edge_index)
    assert np.array_equal(edges_of(dropped, TOKEN_NEXT), edges_of(full, TOKEN_NEXT))  # only KG edges go


def test_excluded_links_leave_only_their_docs_graphs(nlp, kg):
    text = "naloxone and clonidine ."
    naloxone = kg.index_of("MESH:D009270")
    docs = [nlp.make_doc(text), nlp.make_doc("naloxone")]
    full = build_graph_batch(docs, kg, window=1, max_candidates=3)
    held = build_graph_batch(docs, kg, window=1, max_candidates=3, exclude=[{("naloxone", naloxone)}, frozenset()])
    assert naloxone in full.entity_rows[:2].tolist()
    # the first doc loses its naloxone node; the second doc, not held out, keeps it
    assert naloxone not in held.entity_rows[:-1].tolist() and held.entity_rows[-1] == naloxone
    assert len(held.entity_rows) == len(full.entity_rows) - 1
