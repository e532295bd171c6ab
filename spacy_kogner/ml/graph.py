"""Token/KG-entity graphs for a batch of docs, built with numpy on the host.

Node order in a batch: all tokens of all docs (in doc order), then one node per
distinct KG entity matched in each doc. Edge types:

    0  token -> the token `d` positions to its right (d <= window)
    1  token -> the token `d` positions to its left
    2  token -> KG entity it mentions
    3-6  KG entity -> token that mentions it, typed by the token's place in the
         mention: 3 begin, 4 inside, 5 last, 6 unit (a one-token mention), so
         that a token learns where a KG mention starts and ends
    7 + r  KG entity <-> KG entity related in the KG by relation r (both directions)
"""
from dataclasses import dataclass
from typing import AbstractSet, Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
from spacy.tokens import Doc

from ..kg.matcher import AliasLink, KGMention
from ..kg.table import KGTable
from ..util import ranges

TOKEN_NEXT, TOKEN_PREV, TOKEN_TO_ENTITY = 0, 1, 2
ENTITY_TO_BEGIN, ENTITY_TO_INSIDE, ENTITY_TO_LAST, ENTITY_TO_UNIT = 3, 4, 5, 6
N_BASE_RELATIONS = 7


@dataclass
class GraphBatch:
    """Edges of a batch graph plus the KG rows of its entity nodes."""

    n_tokens: int
    entity_rows: np.ndarray  # int64 [n_entity_nodes]: KG table row of each entity node
    edge_index: np.ndarray  # int64 [2, n_edges]: (source node, target node)
    edge_type: np.ndarray  # int64 [n_edges]

    @property
    def n_nodes(self) -> int:
        """Token nodes plus entity nodes."""
        return self.n_tokens + len(self.entity_rows)


def abbreviation_pairs(doc: Doc) -> List[Tuple[int, int, int, int]]:
    """(short start, short end, long start, long end) of each abbreviation that
    scispaCy's AbbreviationDetector found in the doc (either of its output forms)."""
    if not Doc.has_extension("abbreviations"):
        return []
    pairs = []
    for abbr in doc._.abbreviations:
        if isinstance(abbr, dict):
            pairs.append((abbr["short_start"], abbr["short_end"], abbr["long_start"], abbr["long_end"]))
        else:
            long_form = abbr._.long_form
            if long_form is not None and not isinstance(long_form, str):
                pairs.append((abbr.start, abbr.end, long_form.start, long_form.end))
    return pairs


def batch_mentions(
    docs: Sequence[Doc], kg: KGTable, exclude: Optional[Sequence[AbstractSet[AliasLink]]] = None
) -> List[List[KGMention]]:
    """KG mentions in each doc: longest alias matches, plus each abbreviation that
    the doc defines, linked through its long form; each doc's `exclude` alias
    links left out."""
    words = [[token.text for token in doc] for doc in docs]
    found = kg.find_mentions_batch(words, exclude)
    for i, doc in enumerate(docs):
        for short_start, short_end, long_start, long_end in abbreviation_pairs(doc):
            cands = kg.candidates(words[i][long_start:long_end], exclude[i] if exclude is not None else frozenset())
            if not cands:
                continue
            found[i] = [m for m in found[i] if m.end <= short_start or m.start >= short_end]
            found[i].append(KGMention(short_start, short_end, cands))
        found[i].sort()
    return found


def build_graph_batch(
    docs: Sequence[Doc],
    kg: Optional[KGTable],
    window: int,
    max_candidates: int,
    mention_dropout: float = 0.0,
    exclude: Optional[Sequence[AbstractSet[AliasLink]]] = None,
) -> GraphBatch:
    """Build the batch graph; with kg=None it holds token nodes and window edges only.
    For training: `mention_dropout` leaves out each KG mention with this probability
    (numpy's global RNG, seeded by thinc's fix_random_seed); `exclude` gives the
    alias links to leave out of each doc's KG lookup (the gold hold-out).
    All docs' edges of a kind are built at once; the edges into any one node
    keep the order of a doc-by-doc build (the GNN's sums add them in this order)."""
    lengths = np.array([len(doc) for doc in docs], dtype="int64")
    n_tokens = int(lengths.sum())
    doc_of = np.repeat(np.arange(len(docs)), lengths)
    sources: List[np.ndarray] = []
    targets: List[np.ndarray] = []
    types: List[np.ndarray] = []

    def add(src: np.ndarray, dst: np.ndarray, edge_type) -> None:
        sources.append(src)
        targets.append(dst)
        types.append(np.broadcast_to(np.asarray(edge_type, dtype="int64"), src.shape))

    for dist in range(1, window + 1):
        left = np.flatnonzero(doc_of[: max(n_tokens - dist, 0)] == doc_of[dist:])
        add(left, left + dist, TOKEN_NEXT)
        add(left + dist, left, TOKEN_PREV)
    entity_rows = np.zeros(0, dtype="int64")
    if kg is not None:
        mentions = batch_mentions(docs, kg, exclude)
        if mention_dropout > 0.0:
            mentions = [[m for m, k in zip(ms, np.random.random(len(ms)) >= mention_dropout) if k] for ms in mentions]
        entity_rows = add_mention_edges(add, mentions, np.cumsum(lengths) - lengths, n_tokens, kg, max_candidates)
    if sources:
        edge_index = np.stack([np.concatenate(sources), np.concatenate(targets)])
        edge_type = np.concatenate(types)
    else:
        edge_index = np.zeros((2, 0), dtype="int64")
        edge_type = np.zeros((0,), dtype="int64")
    return GraphBatch(n_tokens=n_tokens, entity_rows=entity_rows, edge_index=edge_index, edge_type=edge_type)


def add_mention_edges(
    add: Callable[[np.ndarray, np.ndarray, Any], None],
    mentions: Sequence[Sequence[KGMention]],
    doc_offsets: np.ndarray,
    n_tokens: int,
    kg: KGTable,
    max_candidates: int,
) -> np.ndarray:
    """Add the edges between tokens and the KG entity nodes of their mentions
    (one node per distinct entity per doc, numbered from `n_tokens` in order of
    first mention) and the KG relations among each doc's entity nodes; return
    the KG rows of the entity nodes."""
    links = [(doc, offset + m.start, m.end - m.start, row)
             for doc, (offset, doc_mentions) in enumerate(zip(doc_offsets.tolist(), mentions))
             for m in doc_mentions for row in m.entities[:max_candidates]]
    if not links:
        return np.zeros(0, dtype="int64")
    link_doc, link_start, link_length, link_row = np.array(links, dtype="int64").T
    node_keys, first, link_key = np.unique(link_doc * kg.n_entities + link_row, return_index=True, return_inverse=True)
    by_first = np.argsort(first)
    key_node = np.empty(len(node_keys), dtype="int64")
    key_node[by_first] = n_tokens + np.arange(len(node_keys))
    tokens, place = ranges(link_start, link_length)
    nodes = np.repeat(key_node[link_key.reshape(-1)], link_length)
    length = np.repeat(link_length, link_length)
    roles = np.where(place == 0, ENTITY_TO_BEGIN, np.where(place == length - 1, ENTITY_TO_LAST, ENTITY_TO_INSIDE))
    roles[length == 1] = ENTITY_TO_UNIT
    add(tokens, nodes, TOKEN_TO_ENTITY)
    add(nodes, tokens, roles)
    by_node = first[by_first]  # each node's first link
    node_rows = link_row[by_node]
    heads, relations, tails = kg.relations_within(node_rows, link_doc[by_node])
    if len(heads):
        heads, tails = n_tokens + heads, n_tokens + tails
        add(heads, tails, N_BASE_RELATIONS + relations)
        add(tails, heads, N_BASE_RELATIONS + relations)
    return node_rows
