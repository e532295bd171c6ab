"""The KoGNER architecture: transformer token vectors + KG entity nodes -> R-GCN
-> gated fusion -> per-token BILUO probabilities.

The KG reaches the model one way: as part of its input. The model's input is a
`KoGNERInput` of the docs, the KG table (owned, loaded and saved by the
`kogner_ner` component) and, in training, the gold hold-out resolved against
that table. The model itself holds no KG data, so its weights serialize alone."""
from typing import List, NamedTuple, Optional

import numpy as np
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Linear, Model, Softmax_v2
from thinc.types import Floats2d

from ..kg.holdout import ResolvedHoldOut, excluded_links
from ..kg.table import KGTable
from .gnn import build_graph_network
from .graph import N_BASE_RELATIONS, build_graph_batch

MODEL_NAME = "kogner"


class KoGNERInput(NamedTuple):
    """What the KoGNER model reads: docs, the KG table (None for a model built
    with use_kg = false) and, for training only, the gold hold-out."""

    docs: List[Doc]
    kg: Optional[KGTable]
    hold_out: Optional[ResolvedHoldOut] = None


@registry.architectures("spacy_kogner.KoGNER.v1")
def build_kogner_model(
    tok2vec: Model[List[Doc], List[Floats2d]],
    width: int = 128,
    depth: int = 2,
    window: int = 2,
    max_candidates: int = 3,
    kg_relation_slots: int = 16,
    use_kg: bool = True,
    dropout: float = 0.1,
    mention_dropout: float = 0.2,
    hold_out_gold: bool = False,
    nO: Optional[int] = None,
) -> Model[KoGNERInput, List[Floats2d]]:
    """Build the KoGNER tagger.

    tok2vec: token vectors, e.g. spacy-transformers.TransformerListener.v1.
    width: width of the graph nodes. depth: number of R-GCN layers.
    window: token nodes are linked to neighbours up to this distance.
    max_candidates: KG entities linked per mention (ambiguous aliases).
    kg_relation_slots: room for this many KG relation types.
    use_kg: False gives the same model with no KG nodes (the ablation baseline).
    dropout: dropout in the graph layers.
    mention_dropout: share of KG mentions left out of each training graph, so
        that the model does not learn to trust a KG that covers the training
        data better than new text (its gold mentions feed the KG).
    hold_out_gold: in training, leave out of each doc's KG lookup the alias
        links that only its own gold gave (the gold hold-out of `build-kg`), so
        that the KG covers training text as it covers new text.
    nO: number of BILUO tags, set by the component from its labels.
    """
    token_proj = Linear(nO=width)
    entity_proj = Linear(nO=width)
    graph_net = build_graph_network(width, depth, N_BASE_RELATIONS + kg_relation_slots, dropout)
    output = Softmax_v2(nO=nO, nI=width)
    return Model(
        MODEL_NAME,
        forward,
        init=init,
        layers=[tok2vec, token_proj, entity_proj, graph_net, output],
        refs={
            "tok2vec": tok2vec,
            "token_proj": token_proj,
            "entity_proj": entity_proj,
            "graph_net": graph_net,
            "output": output,
        },
        attrs={
            "use_kg": use_kg,
            "window": window,
            "max_candidates": max_candidates,
            "kg_relation_slots": kg_relation_slots,
            "mention_dropout": mention_dropout,
            "hold_out_gold": hold_out_gold,
        },
        dims={"nO": nO},
    )


def check_kg_fits(model: Model, kg: KGTable) -> None:
    """ValueError if a KoGNER model cannot read this KG table: more relation
    types than it has slots, or entity features of another width than it was
    initialized with."""
    slots = model.attrs["kg_relation_slots"]
    if len(kg.relation_labels) > slots:
        raise ValueError(
            f"The KG table has {len(kg.relation_labels)} relation types but the model "
            f"was built with kg_relation_slots={slots}: raise kg_relation_slots in the model config."
        )
    entity_proj = model.get_ref("entity_proj")
    n_features = entity_feature_width(kg)
    if model.attrs["use_kg"] and entity_proj.has_dim("nI") and entity_proj.get_dim("nI") not in (n_features, None):
        raise ValueError(
            f"The KG table gives {n_features} entity features (vector_dim {kg.vector_dim} + "
            f"{len(kg.type_labels)} types) but the model was trained with {entity_proj.get_dim('nI')}."
        )


def entity_feature_width(kg: KGTable) -> int:
    """Width of an entity node's input features: vector plus one-hot type."""
    return kg.vector_dim + len(kg.type_labels)


def entity_features(kg: KGTable, rows: np.ndarray) -> np.ndarray:
    """Distilled vector and one-hot type of each KG entity row, float32."""
    feats = np.zeros((len(rows), entity_feature_width(kg)), dtype="float32")
    feats[:, : kg.vector_dim] = kg.vectors[rows]
    feats[np.arange(len(rows)), kg.vector_dim + kg.types[rows]] = 1.0
    return feats


def init(model: Model, X: Optional[KoGNERInput] = None, Y=None) -> None:
    """Infer the input widths (token vectors, KG entity features) and initialize."""
    tok2vec = model.get_ref("tok2vec")
    token_proj = model.get_ref("token_proj")
    entity_proj = model.get_ref("entity_proj")
    output = model.get_ref("output")
    if X is not None:
        tok2vec.initialize(X=X.docs)
        if not token_proj.has_dim("nI"):
            token_proj.set_dim("nI", tok2vec.predict(X.docs[:1])[0].shape[1])
    else:
        tok2vec.initialize()
        if not token_proj.has_dim("nI") and tok2vec.has_dim("nO"):
            token_proj.set_dim("nI", tok2vec.get_dim("nO"))
    token_proj.initialize()
    if not entity_proj.has_dim("nI"):
        kg = X.kg if X is not None else None
        entity_proj.set_dim("nI", entity_feature_width(kg) if kg is not None else 1)
    entity_proj.initialize()
    model.get_ref("graph_net").initialize()
    if model.has_dim("nO"):
        output.set_dim("nO", model.get_dim("nO"))
    output.initialize()


def forward(model: Model, inputs: KoGNERInput, is_train: bool):
    """Tokens -> graph with KG entity nodes -> GNN -> tag probabilities per token."""
    docs = inputs.docs
    ops = model.ops
    tok2vec = model.get_ref("tok2vec")
    token_proj = model.get_ref("token_proj")
    entity_proj = model.get_ref("entity_proj")
    graph_net = model.get_ref("graph_net")
    output = model.get_ref("output")
    nO = output.get_dim("nO")

    tokvecs, bp_tokvecs = tok2vec(docs, is_train)
    lengths = [len(doc) for doc in docs]
    n_tokens = sum(lengths)
    if n_tokens == 0:
        # Nothing to learn from: tok2vec layers need not (and some cannot) backprop.
        return [ops.alloc2f(0, nO) for _ in docs], lambda dY: []

    kg = None
    if model.attrs["use_kg"]:
        kg = inputs.kg
        if kg is None:
            raise ValueError(
                "The kogner model has use_kg = true but no KG table: initialize the pipeline "
                "with a KG ([initialize.components.<name>.kg]) or load a trained pipeline."
            )
    tokens, bp_tokens = token_proj(ops.flatten(tokvecs), is_train)
    hold_out = inputs.hold_out if is_train and model.attrs["hold_out_gold"] else None
    batch = build_graph_batch(docs, kg, model.attrs["window"], model.attrs["max_candidates"],
                              model.attrs["mention_dropout"] if is_train else 0.0,
                              excluded_links(hold_out, (doc.text for doc in docs)) if kg is not None else None)
    bp_entities = None
    nodes = tokens
    if kg is not None and len(batch.entity_rows):
        feats = ops.asarray2f(entity_features(kg, batch.entity_rows))
        entities, bp_entities = entity_proj(feats, is_train)
        nodes = ops.xp.vstack((tokens, entities))
    edge_index = ops.asarray(batch.edge_index, dtype="int64")
    edge_type = ops.asarray(batch.edge_type, dtype="int64")
    fused, bp_fused = graph_net((nodes, edge_index, edge_type), is_train)
    probs, bp_probs = output(fused[:n_tokens], is_train)

    def backprop(dY: List[Floats2d]):
        d_fused = ops.alloc2f(*fused.shape)
        d_fused[:n_tokens] = bp_probs(ops.flatten(dY))
        d_nodes = bp_fused(d_fused)
        if bp_entities is not None:
            bp_entities(d_nodes[n_tokens:])
        d_tokvecs = bp_tokens(d_nodes[:n_tokens])
        return bp_tokvecs(ops.unflatten(d_tokvecs, lengths))

    return ops.unflatten(probs, lengths), backprop
