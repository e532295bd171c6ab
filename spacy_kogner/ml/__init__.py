"""Model layers: batch graphs, the torch-geometric network, the KoGNER architecture."""
from .gnn import GatedRGCN, build_graph_network
from .graph import GraphBatch, batch_mentions, build_graph_batch
from .kogner import build_kogner_model, set_model_kg
from .span_getters import configure_byte_budget_strided_spans

__all__ = [
    "GatedRGCN", "GraphBatch", "build_graph_batch", "build_graph_network",
    "batch_mentions", "build_kogner_model", "configure_byte_budget_strided_spans", "set_model_kg",
]
