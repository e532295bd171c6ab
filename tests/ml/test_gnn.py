import multiprocessing
import os
import pickle
import tempfile

import pytest
import torch
from torch_geometric.nn import RGCNConv

from spacy_kogner.ml.gnn import GatedRGCN, PresentRelationsRGCNConv


@pytest.fixture(autouse=True)
def rendered_modules_in_tmp_path(tmp_path, monkeypatch):
    """torch-geometric renders plain RGCNConv's propagate into a module file in the
    temp folder; the reference layers of these tests leave it under tmp_path."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def graph(n_nodes, n_edges, relations):
    generator = torch.Generator().manual_seed(0)
    edge_index = torch.randint(0, n_nodes, (2, n_edges), generator=generator)
    edge_type = torch.tensor(relations)[torch.randint(0, len(relations), (n_edges,), generator=generator)]
    return torch.randn(n_nodes, 8, generator=generator), edge_index, edge_type


@pytest.mark.parametrize("relations", [[0, 1], [2, 5, 9], [], [11]])
def test_present_relations_conv_equals_rgcnconv(relations):
    """Same output and gradients as RGCNConv with the same weights, with most of the
    12 relation slots empty (and none present at all)."""
    torch.manual_seed(0)
    reference = RGCNConv(8, 6, 12, aggr="mean")
    conv = PresentRelationsRGCNConv(8, 6, 12, aggr="mean")
    conv.load_state_dict(reference.state_dict())
    x, edge_index, edge_type = graph(30, 0 if not relations else 80, relations or [0])
    outputs = []
    for module in (reference, conv):
        module.zero_grad()
        node_features = x.clone().requires_grad_(True)
        out = module(node_features, edge_index, edge_type)
        (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum().backward()
        outputs.append((out.detach(), node_features.grad, module.weight.grad, module.root.grad))
    for expected, got in zip(*outputs):
        assert torch.equal(expected, got)


def test_gated_rgcn_uses_present_relations_conv_with_rgcnconv_weights():
    """The layer's parameters are RGCNConv's, so trained weights load unchanged."""
    model = GatedRGCN(8, 2, 5, 0.0)
    assert all(type(conv) is PresentRelationsRGCNConv for conv in model.convs)
    assert set(model.convs[0].state_dict()) == set(RGCNConv(8, 8, 5).state_dict())


def test_building_and_running_the_graph_network_writes_no_temp_files(tmp_path):
    import subprocess
    import sys

    code = ("import torch\nfrom spacy_kogner.ml.gnn import GatedRGCN\n"
            "out = GatedRGCN(8, 2, 3, 0.0)(torch.randn(4, 8), torch.tensor([[0, 1], [1, 2]]), torch.tensor([0, 2]))\n"
            "assert out.shape == (4, 8)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert out.returncode == 0, out.stderr
    # torch-geometric's import makes torch's (empty, per-user) inductor cache folder; no module files
    assert [path.name for path in tmp_path.rglob("*.py")] == []


def test_unpickled_in_a_worker_process_it_uses_one_torch_thread_unless_omp_num_threads_is_set(monkeypatch):
    network = GatedRGCN(width=4, depth=1, n_relations=2, dropout=0.0)
    data = pickle.dumps(network)
    threads = []
    monkeypatch.setattr(torch, "set_num_threads", threads.append)
    again = pickle.loads(data)  # in the main process: torch's threads are left alone
    assert threads == [] and torch.equal(again.gate.weight, network.gate.weight)
    monkeypatch.setattr(multiprocessing.current_process(), "name", "SpawnProcess-1")  # as spawn's bootstrap names it
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    pickle.loads(data)
    assert threads == [1]
    monkeypatch.setenv("OMP_NUM_THREADS", "4")  # the user's choice, which torch took at import, stays
    pickle.loads(data)
    assert threads == [1]


def test_the_graph_network_builds_where_the_os_has_no_fork(monkeypatch):
    from spacy_kogner.ml import gnn

    monkeypatch.delattr(os, "register_at_fork")  # Windows
    monkeypatch.setattr(gnn, "_fork_handler_registered", False)
    model = gnn.build_graph_network(width=4, depth=1, n_relations=2, dropout=0.0)
    model.initialize()
    assert not gnn._fork_handler_registered
