"""The graph network: torch-geometric R-GCN layers with gated fusion, wrapped
for Thinc. Weights are serialized with safetensors (no pickle)."""
import multiprocessing
import os
from typing import Any, Callable, Tuple

import torch
import torch_geometric.typing
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors
from thinc.api import ArgsKwargs, Model, PyTorchWrapper_v3, torch2xp, xp2torch
from thinc.types import Floats2d, Ints1d, Ints2d
from torch_geometric.nn import MessagePassing, RGCNConv


class PresentRelationsRGCNConv(RGCNConv):
    """torch-geometric's RGCNConv (no basis or block decomposition) that aggregates
    only the relation types present in the batch. Without pyg-lib, RGCNConv
    aggregates and multiplies for every relation slot, empty ones included; an
    empty slot adds exact zeros, so skipping it changes no output or gradient.
    With pyg-lib installed, or for a graph with no edges (whose weight must still
    get its zero gradient), RGCNConv's own forward runs."""

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_type: torch.Tensor) -> torch.Tensor:
        """Same as RGCNConv.forward for float node features and a dense edge index."""
        if torch_geometric.typing.WITH_SEGMM or edge_type.numel() == 0:
            return super().forward(x, edge_index, edge_type)
        size = (x.size(0), x.size(0))
        out = torch.zeros(x.size(0), self.out_channels, device=x.device)
        for relation in torch.unique(edge_type).tolist():  # ascending, as RGCNConv sums them
            edges = edge_index[:, edge_type == relation]
            out = out + self.propagate(edges, x=x, edge_type_ptr=None, size=size) @ self.weight[relation]
        return out + x @ self.root + self.bias

    def propagate(self, edge_index: torch.Tensor, size=None, **kwargs: Any) -> torch.Tensor:
        """MessagePassing's own propagate. A class that defines `propagate` keeps it:
        otherwise torch-geometric renders a propagate from its jinja template into
        a module file in the temp folder, one per process, never deleted."""
        return MessagePassing.propagate(self, edge_index, size=size, **kwargs)


class GatedRGCN(torch.nn.Module):
    """Stacked R-GCN layers over typed edges; the output of each node is its input
    plus a learned gate times the graph message (so a node with no edges is
    changed only by the gate on its own state)."""

    def __init__(self, width: int, depth: int, n_relations: int, dropout: float):
        super().__init__()
        self.convs = torch.nn.ModuleList(
            [PresentRelationsRGCNConv(width, width, n_relations, aggr="mean") for _ in range(depth)]
        )
        self.norms = torch.nn.ModuleList([torch.nn.LayerNorm(width) for _ in range(depth)])
        self.dropout = torch.nn.Dropout(dropout)
        self.gate = torch.nn.Linear(2 * width, width)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_type: torch.Tensor) -> torch.Tensor:
        hidden = x
        for conv, norm in zip(self.convs, self.norms):
            message = torch.relu(conv(hidden, edge_index, edge_type))
            hidden = norm(hidden + self.dropout(message))
        gate = torch.sigmoid(self.gate(torch.cat([x, hidden], dim=-1)))
        return x + gate * (hidden - x)

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        # unpickled in a process that multiprocessing started by spawn or forkserver
        # (`nlp.pipe(..., n_process=2)`): one torch thread per worker, as forked
        # workers get, unless OMP_NUM_THREADS says how many (torch read it at import).
        # Its bootstrap has named the process by now; parent_process() is set only
        # after the start arguments are unpickled.
        if multiprocessing.current_process().name != "MainProcess" and "OMP_NUM_THREADS" not in os.environ:
            torch.set_num_threads(1)


GraphInputs = Tuple[Floats2d, Ints2d, Ints1d]
_fork_handler_registered = False


def register_single_thread_torch_after_fork() -> None:
    """Make forked children use one torch thread (once per process): torch's
    intra-op thread pool does not survive fork(), so a forked worker (e.g.
    `nlp.pipe(..., n_process=2)`) would hang in its first parallel op."""
    global _fork_handler_registered
    if not _fork_handler_registered and hasattr(os, "register_at_fork"):  # Windows has no fork
        os.register_at_fork(after_in_child=lambda: torch.set_num_threads(1))
        _fork_handler_registered = True


def build_graph_network(width: int, depth: int, n_relations: int, dropout: float) -> Model[GraphInputs, Floats2d]:
    """Thinc layer: (node features, edge index [2, E], edge types [E]) -> node features."""
    register_single_thread_torch_after_fork()
    return PyTorchWrapper_v3(
        GatedRGCN(width, depth, n_relations, dropout),
        convert_inputs=convert_graph_inputs,
        serialize_model=serialize_state,
        deserialize_model=deserialize_state,
    )


def convert_graph_inputs(model: Model, inputs: GraphInputs, is_train: bool) -> Tuple[ArgsKwargs, Callable]:
    """Move the graph to torch; only node features carry a gradient."""
    nodes, edge_index, edge_type = inputs
    args = (
        xp2torch(nodes, requires_grad=is_train),
        xp2torch(edge_index).long(),
        xp2torch(edge_type).long(),
    )

    def convert_back(d_inputs: ArgsKwargs) -> Floats2d:
        return torch2xp(d_inputs.args[0])

    return ArgsKwargs(args=args, kwargs={}), convert_back


def serialize_state(module: torch.nn.Module) -> bytes:
    """State dict as safetensors bytes."""
    state = {name: tensor.detach().contiguous().cpu() for name, tensor in module.state_dict().items()}
    return save_safetensors(state)


def deserialize_state(module: torch.nn.Module, data: bytes, device: Any) -> torch.nn.Module:
    """Load safetensors bytes into the module on `device`."""
    module.load_state_dict(load_safetensors(data))
    module.to(device)
    return module
