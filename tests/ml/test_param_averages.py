"""Optimizer averages reach PyTorch-backed layers under use_params."""
import pickle

import numpy
import torch
from spacy.util import registry
from thinc.api import Adam, PyTorchShim, PyTorchWrapper_v3, fix_random_seed

from spacy_kogner.ml.param_averages import AveragedTorchParams, read_optimizer_averages
from tests.util import TINY_KG, kg_initialize_config, make_nlp, train_examples


def trained_linear():
    """A wrapped torch Linear after five Adam updates that keep averages."""
    fix_random_seed(0)
    model = PyTorchWrapper_v3(torch.nn.Linear(3, 2))
    model.initialize()
    optimizer = Adam(0.1, use_averages=True)
    X = numpy.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    for _ in range(5):
        Y, backprop = model.begin_update(X)
        backprop(numpy.ones_like(Y))
        model.finish_update(optimizer)
    return model, optimizer, X


def torch_weights(model):
    return {name: param.detach().clone() for name, param in model.shims[0]._model.named_parameters()}


def test_use_params_swaps_in_the_averages_and_restores_the_weights():
    model, optimizer, X = trained_linear()
    shim = model.shims[0]
    trained = torch_weights(model)
    trained_output = model.predict(X)
    read_optimizer_averages(model)
    with model.use_params(optimizer.averages):
        for name, param in shim._model.named_parameters():
            numpy.testing.assert_array_equal(param.detach().numpy(), optimizer.averages[(shim.id, name)])
        averaged_output = model.predict(X)
    assert not numpy.allclose(averaged_output, trained_output)
    for name, param in shim._model.named_parameters():
        assert torch.equal(param, trained[name])
    numpy.testing.assert_array_equal(model.predict(X), trained_output)


def test_params_without_the_shims_keys_change_nothing():
    model, optimizer, X = trained_linear()
    read_optimizer_averages(model)
    before = model.predict(X)
    with model.use_params({}):
        numpy.testing.assert_array_equal(model.predict(X), before)
    with model.use_params({("other", "weight"): numpy.zeros((2, 3), dtype="float32")}):
        numpy.testing.assert_array_equal(model.predict(X), before)


def test_a_model_with_the_averaging_use_params_still_pickles():
    model, optimizer, X = trained_linear()
    read_optimizer_averages(model)
    copy = pickle.loads(pickle.dumps(model))
    shim = copy.shims[0]
    assert isinstance(shim.use_params, AveragedTorchParams) and shim.use_params.shim is shim
    numpy.testing.assert_array_equal(copy.predict(X), model.predict(X))


def test_the_callback_reaches_the_transformer_and_the_graph_layers(tiny_bert):
    fix_random_seed(0)
    nlp = make_nlp(tiny_bert, use_kg=True)
    nlp.config["initialize"]["components"]["kogner_ner"] = kg_initialize_config(TINY_KG)
    nlp.config["initialize"]["after_init"] = {"@callbacks": "spacy_kogner.torch_param_averages.v1"}
    examples = train_examples(nlp)
    optimizer = nlp.initialize(get_examples=lambda: examples, sgd=Adam(0.001, use_averages=True))
    for _ in range(3):
        nlp.update(examples, sgd=optimizer)
    shims = {name: [shim for node in nlp.get_pipe(name).model.walk() for shim in node.shims
                    if isinstance(shim, PyTorchShim)] for name in ("transformer", "kogner_ner")}
    assert shims["transformer"] and shims["kogner_ner"]
    all_shims = [shim for found in shims.values() for shim in found]
    assert all(isinstance(shim.use_params, AveragedTorchParams) for shim in all_shims)
    trained = {(shim.id, name): param.detach().clone() for shim in all_shims
               for name, param in shim._model.named_parameters()}
    averaged = [key for key in trained if key in optimizer.averages]
    assert {key[0] for key in averaged} == {shim.id for shim in all_shims}
    with nlp.use_params(optimizer.averages):
        for shim in all_shims:
            for name, param in shim._model.named_parameters():
                if (shim.id, name) in optimizer.averages:
                    numpy.testing.assert_array_equal(param.detach().numpy(), optimizer.averages[(shim.id, name)])
    moved = [key for key in averaged if not numpy.array_equal(trained[key].numpy(), optimizer.averages[key])]
    assert moved, "three updates should leave some average away from the weights"
    for shim in all_shims:
        for name, param in shim._model.named_parameters():
            assert torch.equal(param, trained[(shim.id, name)])


def test_the_callback_is_registered():
    assert callable(registry.callbacks.get("spacy_kogner.torch_param_averages.v1")())
