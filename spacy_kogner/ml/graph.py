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
from typing import AbstractSet, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from spacy.tokens import Doc

from ..kg.table import AliasLink, KGMention, KGTable

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


def doc_mentions(doc: Doc, kg: KGTable, hidden: AbstractSet[AliasLink] = frozenset()) -> List[KGMention]:
    """KG mentions in a doc: longest alias matches, plus each abbreviation that
    the doc defines, linked through its long form; `hidden` alias links left out."""
    words = [token.text for token in doc]
    mentions = kg.find_mentions(words, hidden)
    for short_start, short_end, long_start, long_end in abbreviation_pairs(doc):
        cands = kg.candidates(words[long_start:long_end], hidden)
        if not cands:
            continue
        mentions = [m for m in mentions if m.end <= short_start or m.start >= short_end]
        mentions.append(KGMention(short_start, short_end, cands))
    return sorted(mentions)


def mention_roles(start: int, end: int) -> np.ndarray:
    """Edge type (ENTITY_TO_BEGIN ... ENTITY_TO_UNIT) of each token of a mention."""
    if end - start == 1:
        return np.array([ENTITY_TO_UNIT], dtype="int64")
    roles = np.full(end - start, ENTITY_TO_INSIDE, dtype="int64")
    roles[0], roles[-1] = ENTITY_TO_BEGIN, ENTITY_TO_LAST
    return roles


def window_edges(offset: int, n_tokens: int, window: int) -> Iterable[Tuple[np.ndarray, np.ndarray, int]]:
    """Edges between each token and its neighbours up to `window` positions away."""
    for dist in range(1, min(window, n_tokens - 1) + 1):
        left = np.arange(offset, offset + n_tokens - dist, dtype="int64")
        right = left + dist
        yield left, right, TOKEN_NEXT
        yield right, left, TOKEN_PREV


def build_graph_batch(
    docs: Sequence[Doc],
    kg: Optional[KGTable],
    window: int,
    max_candidates: int,
    mention_dropout: float = 0.0,
    hold_out_gold: bool = False,
) -> GraphBatch:
    """Build the batch graph; with kg=None it holds token nodes and window edges only.
    For training: `mention_dropout` leaves out each KG mention with this probability
    (numpy's global RNG, seeded by thinc's fix_random_seed); `hold_out_gold` hides
    from each doc the alias links that the KG table holds out for it."""
    n_tokens = sum(len(doc) for doc in docs)
    sources: List[np.ndarray] = []
    targets: List[np.ndarray] = []
    types: List[np.ndarray] = []

    def add(src: np.ndarray, dst: np.ndarray, edge_type) -> None:
        sources.append(src)
        targets.append(dst)
        types.append(np.broadcast_to(np.asarray(edge_type, dtype="int64"), src.shape))

    entity_rows: List[int] = []
    offset = 0
    for doc in docs:
        for src, dst, edge_type in window_edges(offset, len(doc), window):
            add(src, dst, edge_type)
        if kg is not None and len(doc):
            node_of: Dict[int, int] = {}
            mention_tokens: List[np.ndarray] = []
            mention_nodes: List[np.ndarray] = []
            mention_types: List[np.ndarray] = []
            mentions = doc_mentions(doc, kg, kg.held_out(doc.text) if hold_out_gold else frozenset())
            if mention_dropout > 0.0 and mentions:
                keep = np.random.random(len(mentions)) >= mention_dropout
                mentions = [m for m, k in zip(mentions, keep) if k]
            for mention in mentions:
                tokens = np.arange(offset + mention.start, offset + mention.end, dtype="int64")
                roles = mention_roles(mention.start, mention.end)
                for row in mention.entities[:max_candidates]:
                    if row not in node_of:
                        node_of[row] = n_tokens + len(entity_rows)
                        entity_rows.append(row)
                    mention_tokens.append(tokens)
                    mention_nodes.append(np.full(len(tokens), node_of[row], dtype="int64"))
                    mention_types.append(roles)
            if mention_tokens:
                tok = np.concatenate(mention_tokens)
                ent = np.concatenate(mention_nodes)
                add(tok, ent, TOKEN_TO_ENTITY)
                add(ent, tok, np.concatenate(mention_types))
                rel = kg.relations_among(np.fromiter(node_of, dtype="int64"))
                if len(rel):
                    head = np.array([node_of[h] for h in rel[:, 0]], dtype="int64")
                    tail = np.array([node_of[t] for t in rel[:, 2]], dtype="int64")
                    rel_type = N_BASE_RELATIONS + rel[:, 1].astype("int64")
                    add(head, tail, rel_type)
                    add(tail, head, rel_type)
        offset += len(doc)
    if sources:
        edge_index = np.stack([np.concatenate(sources), np.concatenate(targets)])
        edge_type = np.concatenate(types)
    else:
        edge_index = np.zeros((2, 0), dtype="int64")
        edge_type = np.zeros((0,), dtype="int64")
    return GraphBatch(
        n_tokens=n_tokens,
        entity_rows=np.array(entity_rows, dtype="int64"),
        edge_index=edge_index,
        edge_type=edge_type,
    )
