"""Transformer inference over a bounded number of windows per forward pass.
spacy-transformers runs every window of a batch of documents through the
transformer in one call, so a long document (hundreds of windows for a
full-text article) is one batch whose attention activations grow with its
length. At inference the windows go through in slices and the outputs are
concatenated; training (`begin_update`) is unchanged."""
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
    shim.predict = PredictInSlices(shim, max_windows)


class PredictInSlices:
    """A transformer shim's `predict` over at most `max_windows` windows per call
    (a class rather than a closure, so the pipeline pickles)."""

    def __init__(self, shim: Any, max_windows: int):
        self.shim = shim
        self.max_windows = max_windows

    def __call__(self, inputs: ArgsKwargs) -> Any:
        predict = type(self.shim).predict
        n_windows = len(inputs.kwargs["input_ids"])
        if n_windows <= self.max_windows:
            return predict(self.shim, inputs)
        return concatenated([predict(self.shim, window_slice(inputs, start, start + self.max_windows))
                             for start in range(0, n_windows, self.max_windows)])


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
