"""Model layers: batch graphs, the torch-geometric network, the KoGNER architecture."""
from .gnn import GatedRGCN, build_graph_network
from .graph import GraphBatch, build_graph_batch, doc_mentions
from .kogner import build_kogner_model, set_model_kg
from .span_getters import configure_byte_budget_strided_spans

__all__ = [
    "GatedRGCN", "GraphBatch", "build_graph_batch", "build_graph_network",
    "build_kogner_model", "configure_byte_budget_strided_spans", "doc_mentions", "set_model_kg",
]
