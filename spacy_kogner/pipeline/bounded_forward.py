"""Transformer inference over a bounded number of windows per forward pass.
spacy-transformers runs every window of a batch of documents through the
transformer in one call, so a long document (hundreds of windows for a
full-text article) is one batch whose attention activations grow with its
length. At inference the windows go through in slices and the outputs are
concatenated; training (`begin_update`) is unchanged."""
from functools import wraps
from typing import Any, List

import torch
from spacy_transformers import Transformer
from thinc.api import ArgsKwargs


def bound_windows_per_forward(pipe: Transformer, max_windows: int) -> None:
    """Make the pipe's transformer predict at most `max_windows` windows per
    forward pass (the same outputs: windows are independent of each other)."""
    if max_windows < 1:
        raise ValueError(f"max_windows_per_forward must be >= 1, got {max_windows}")
    shim = pipe.model.layers[0].shims[0]  # the HFShim of TransformerModel's HFWrapper; it outlives from_disk
    predict = shim.predict

    @wraps(predict)
    def predict_in_slices(inputs: ArgsKwargs) -> Any:
        n_windows = len(inputs.kwargs["input_ids"])
        if n_windows <= max_windows:
            return predict(inputs)
        return concatenated([predict(window_slice(inputs, start, start + max_windows))
                             for start in range(0, n_windows, max_windows)])

    shim.predict = predict_in_slices


def window_slice(inputs: ArgsKwargs, start: int, end: int) -> ArgsKwargs:
    """The transformer inputs of windows start..end (every tensor is window-first)."""
    kwargs = {key: value[start:end] if isinstance(value, torch.Tensor) else value for key, value in inputs.kwargs.items()}
    return ArgsKwargs(args=inputs.args, kwargs=kwargs)


def concatenated(outputs: List[Any]) -> Any:
    """One Hugging Face model output from the outputs of consecutive window slices."""
    fields = {}
    for key, value in outputs[0].items():
        if isinstance(value, torch.Tensor):
            fields[key] = torch.cat([output[key] for output in outputs])
        elif isinstance(value, tuple):  # hidden states or attentions: one tensor per layer
            fields[key] = tuple(torch.cat(layer) for layer in zip(*(output[key] for output in outputs)))
        else:
            raise TypeError(f"cannot concatenate the transformer output {key!r} of type {type(value).__name__}")
    return type(outputs[0])(**fields)
