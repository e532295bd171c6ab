"""Model layers: batch graphs, the torch-geometric network, the KoGNER architecture;
parameter averages for the PyTorch-backed layers (`param_averages`)."""
from .gnn import GatedRGCN, build_graph_network
from .graph import GraphBatch, batch_mentions, build_graph_batch
from .kogner import KoGNERInput, build_kogner_model, check_kg_fits
from .span_getters import configure_byte_budget_strided_spans

__all__ = [
    "GatedRGCN", "GraphBatch", "KoGNERInput", "batch_mentions", "build_graph_batch", "build_graph_network",
    "build_kogner_model", "check_kg_fits", "configure_byte_budget_strided_spans",
]
