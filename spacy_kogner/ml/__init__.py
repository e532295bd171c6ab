"""Model layers: batch graphs, the torch-geometric network, the KoGNER architecture."""
from .gnn import GatedRGCN, build_graph_network
from .graph import GraphBatch, build_graph_batch, doc_mentions
from .kogner import build_kogner_model, set_model_kg

__all__ = [
    "GatedRGCN", "GraphBatch", "build_graph_batch", "build_graph_network",
    "build_kogner_model", "doc_mentions", "set_model_kg",
]
