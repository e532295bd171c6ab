from collections import defaultdict

import numpy as np
import pytest
import spacy
import torch
from spacy.training import Example
from spacy_transformers.layers.hf_shim import HFShim
from transformers.modeling_outputs import BaseModelOutput

from spacy_kogner.pipeline.bounded_forward import PredictInSlices, bound_windows_per_forward, concatenated
from spacy_kogner.pipeline.cpu_bf16_inference import create_cpu_bf16_inference
from tests.util import TRAIN_DATA, ents_of

LONG_TEXT = "Lithium carbonate induced nephrogenic diabetes insipidus . " * 90


@pytest.fixture
def windows_per_call(monkeypatch):
    """Record how many windows each HFShim.predict call gets, per shim."""
    calls, predict = defaultdict(list), HFShim.predict

    def recording(shim, inputs):
        calls[id(shim)].append(len(inputs.kwargs["input_ids"]))
        return predict(shim, inputs)

    monkeypatch.setattr(HFShim, "predict", recording)
    return lambda shim: calls[id(shim)]


def test_slices_give_the_outputs_of_one_forward_pass(trained_dir, windows_per_call):
    texts = [LONG_TEXT, *(text for text, _ in TRAIN_DATA)]
    whole, sliced = spacy.load(trained_dir), spacy.load(trained_dir)
    whole_calls = windows_per_call(whole.get_pipe("transformer").model.layers[0].shims[0])
    sliced_shim = sliced.get_pipe("transformer").model.layers[0].shims[0]
    sliced_calls = windows_per_call(sliced_shim)
    bound_windows_per_forward(sliced.get_pipe("transformer"), 3)
    whole_docs, sliced_docs = list(whole.pipe(texts)), list(sliced.pipe(texts))
    assert len(whole_calls) == 1 and whole_calls[0] > 6
    assert sum(sliced_calls) == whole_calls[0] and max(sliced_calls) == 3
    for a, b in zip(whole_docs, sliced_docs):
        assert ents_of(a) == ents_of(b)
        for x, y in zip(a._.trf_data.tensors, b._.trf_data.tensors):
            np.testing.assert_allclose(x, y, atol=1e-5)
    sliced_calls.clear()
    text, annotations = TRAIN_DATA[0]
    losses = sliced.update([Example.from_dict(sliced.make_doc(text), annotations)])
    assert np.isfinite(losses["kogner_ner"]) and sliced_calls == []  # training runs begin_update, not predict


def test_concatenated_joins_tensors_and_per_layer_tuples():
    parts = [BaseModelOutput(last_hidden_state=torch.full((n, 4, 2), float(n)),
                             hidden_states=tuple(torch.full((n, 4, 2), float(layer)) for layer in range(3)))
             for n in (2, 1)]
    joined = concatenated(parts)
    assert isinstance(joined, BaseModelOutput) and joined.last_hidden_state.shape == (3, 4, 2)
    assert joined.last_hidden_state[:, 0, 0].tolist() == [2.0, 2.0, 1.0]
    assert [h.shape[0] for h in joined.hidden_states] == [3, 3, 3] and joined.hidden_states[2][2, 0, 0] == 2.0
    with pytest.raises(TypeError, match="'extra'"):
        concatenated([{"extra": 1}, {"extra": 2}])


def test_the_callback_bounds_the_windows_unless_told_not_to(trained_dir, windows_per_call):
    nlp = spacy.load(trained_dir)
    create_cpu_bf16_inference(enabled=False, max_windows_per_forward=None)(nlp)
    assert not isinstance(nlp.get_pipe("transformer").model.layers[0].shims[0].predict, PredictInSlices)
    sizes = windows_per_call(nlp.get_pipe("transformer").model.layers[0].shims[0])
    create_cpu_bf16_inference(enabled=False, max_windows_per_forward=4)(nlp)
    nlp(LONG_TEXT)
    assert len(sizes) > 1 and max(sizes) == 4
    with pytest.raises(ValueError, match="max_windows_per_forward must be >= 1"):
        create_cpu_bf16_inference(max_windows_per_forward=0)
    with pytest.raises(ValueError, match="max_windows_per_forward must be >= 1"):
        bound_windows_per_forward(nlp.get_pipe("transformer"), 0)
