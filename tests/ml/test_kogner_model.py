import numpy as np
import pytest
import spacy
from spacy.util import registry
from thinc.api import Adam, fix_random_seed

from spacy_kogner.kg import KGTable
from spacy_kogner.ml import KoGNERInput, build_kogner_model, check_kg_fits
from spacy_kogner.ml.gnn import GatedRGCN, deserialize_state, serialize_state
from tests.util import TINY_KG

N_TAGS = 9


def cnn_tok2vec():
    return registry.architectures.get("spacy.HashEmbedCNN.v2")(
        width=16, depth=1, embed_size=200, window_size=1, maxout_pieces=2,
        subword_features=True, pretrained_vectors=None,
    )


@pytest.fixture(scope="module")
def kg():
    return KGTable.from_disk(TINY_KG)


@pytest.fixture
def docs():
    nlp = spacy.blank("en")
    return [nlp(t) for t in ["Haloperidol caused Parkinson's disease .", "", "No match here", "naloxone"]]


def make_model(kg, use_kg=True, docs=None):
    fix_random_seed(0)
    model = build_kogner_model(cnn_tok2vec(), width=24, depth=2, use_kg=use_kg, dropout=0.0, nO=N_TAGS)
    check_kg_fits(model, kg)
    model.initialize(X=KoGNERInput(docs, kg) if docs is not None else None)
    return model


@pytest.mark.parametrize("use_kg", [True, False])
def test_output_shapes_are_per_token_distributions(kg, docs, use_kg):
    model = make_model(kg, use_kg, docs)
    probs = model.predict(KoGNERInput(docs, kg))
    assert [p.shape for p in probs] == [(len(d), N_TAGS) for d in docs]
    assert np.allclose(np.concatenate(probs).sum(axis=1), 1.0, atol=1e-5)
    assert model.get_ref("token_proj").get_dim("nI") == 16
    if use_kg:
        assert model.get_ref("entity_proj").get_dim("nI") == kg.vector_dim + len(kg.type_labels)


def test_gradients_reach_every_part(kg, docs):
    model = make_model(kg, True, docs)
    d_logits = lambda probs: [model.ops.alloc2f(*p.shape) + np.arange(N_TAGS, dtype="float32") / 10 for p in probs]
    probs, backprop = model.begin_update(KoGNERInput(docs, kg))
    backprop(d_logits(probs))
    model.finish_update(Adam(0.01))  # the output layer starts at zero: step once
    probs, backprop = model.begin_update(KoGNERInput(docs, kg))
    backprop(d_logits(probs))
    torch_module = model.get_ref("graph_net").shims[0]._model
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in torch_module.parameters() if p.requires_grad)
    for name in ("token_proj", "entity_proj", "output"):
        layer = model.get_ref(name)
        assert np.abs(layer.get_grad("W")).sum() > 0, name
    embed_grads = [n.get_grad(p) for n in model.get_ref("tok2vec").walk() for p in n.param_names if n.has_grad(p)]
    assert any(np.abs(g).sum() > 0 for g in embed_grads)


def test_an_update_step_changes_predictions(kg, docs):
    model = make_model(kg, True, docs)
    before = np.concatenate(model.predict(KoGNERInput(docs, kg)))
    probs, backprop = model.begin_update(KoGNERInput(docs, kg))
    target = [np.eye(N_TAGS, dtype="float32")[np.zeros(len(p), dtype=int)] for p in probs]
    backprop([p - t for p, t in zip(probs, target)])
    model.finish_update(Adam(0.01))
    after = np.concatenate(model.predict(KoGNERInput(docs, kg)))
    assert after[:, 0].mean() > before[:, 0].mean()


def test_kg_switch_changes_the_graph_not_the_parameters(kg, docs):
    with_kg = make_model(kg, True, docs)
    without = make_model(kg, False, docs)
    names = lambda m: [(n.name, tuple(n.param_names)) for n in m.walk()]
    assert names(with_kg) == names(without)
    # without the KG the KG features cannot matter
    assert [p.shape for p in without.predict(KoGNERInput(docs, None))] == [(len(d), N_TAGS) for d in docs]
    assert np.array_equal(np.concatenate(without.predict(KoGNERInput(docs, None))),
                          np.concatenate(without.predict(KoGNERInput(docs, kg))))


def test_the_model_holds_no_kg_data(kg, docs):
    model = make_model(kg, True, docs)
    assert not any("kg" in node.attrs for node in model.walk())
    copy = build_kogner_model(cnn_tok2vec(), width=24, depth=2, use_kg=True, dropout=0.0, nO=N_TAGS)
    copy.from_bytes(model.to_bytes())
    assert np.array_equal(np.concatenate(copy.predict(KoGNERInput(docs, kg))),
                          np.concatenate(model.predict(KoGNERInput(docs, kg))))


def test_use_kg_without_table_is_a_clear_error(docs):
    model = build_kogner_model(cnn_tok2vec(), width=8, use_kg=True, nO=N_TAGS)
    with pytest.raises(ValueError, match="no KG table"):
        model.initialize(X=KoGNERInput(docs, None))
        model.predict(KoGNERInput(docs, None))


def test_too_many_relation_types_is_a_clear_error(kg):
    model = build_kogner_model(cnn_tok2vec(), width=8, kg_relation_slots=2, nO=N_TAGS)
    with pytest.raises(ValueError, match="kg_relation_slots=2"):
        check_kg_fits(model, kg)


def test_batch_of_empty_and_whitespace_docs(kg):
    nlp = spacy.blank("en")
    model = make_model(kg, True, [nlp("a b")])
    for texts in (["", ""], ["", "   ", "\n"]):
        docs = [nlp(t) for t in texts]
        probs, backprop = model.begin_update(KoGNERInput(docs, kg))
        assert [p.shape for p in probs] == [(len(d), N_TAGS) for d in docs]
        backprop([p.copy() for p in probs])


def test_architecture_and_factory_defaults_agree():
    import inspect

    from spacy_kogner.pipeline.kogner_factory import DEFAULT_MODEL

    defaults = {name: p.default for name, p in inspect.signature(build_kogner_model).parameters.items()
                if p.default is not inspect.Parameter.empty}
    assert {k: v for k, v in DEFAULT_MODEL.items() if k in defaults} == {k: defaults[k] for k in DEFAULT_MODEL if k in defaults}


def test_gnn_weights_round_trip_through_safetensors():
    import torch

    torch.manual_seed(0)
    a, b = GatedRGCN(8, 2, 6, 0.0), GatedRGCN(8, 2, 6, 0.0)
    deserialize_state(b, serialize_state(a), torch.device("cpu"))
    x = torch.randn(5, 8)
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 3]])
    edge_type = torch.tensor([0, 3, 5])
    assert torch.equal(a.eval()(x, edge_index, edge_type), b.eval()(x, edge_index, edge_type))
    assert not serialize_state(a).startswith(b"\x80")  # not a pickle
