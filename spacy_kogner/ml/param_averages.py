"""Parameter averages for PyTorch-backed layers (the transformer, the graph
layers) as well as thinc's own.

With `[training.optimizer] use_averages = true`, spaCy evaluates and saves
every checkpoint inside `nlp.use_params(optimizer.averages)`. thinc's
optimizer keeps a PyTorch parameter's average under the key
`(shim.id, parameter name)`, while `PyTorchShim.use_params` (thinc 8.3) reads
only `pytorch_<id>_<name>` string keys, so the averages would replace the
head's thinc weights and leave the transformer and the graph layers as they
are. The callback below gives each PyTorch shim a `use_params` that reads the
optimizer's keys."""
import contextlib
from typing import Callable, Dict, Iterator

import torch
from spacy.language import Language
from spacy.util import registry
from thinc.api import Model, PyTorchShim, xp2torch


@registry.callbacks("spacy_kogner.torch_param_averages.v1")
def create_torch_param_averages() -> Callable[[Language], Language]:
    """An `[initialize.after_init]` callback: every PyTorch shim in the
    pipeline's models swaps in the optimizer's averages of its parameters under
    `nlp.use_params(optimizer.averages)`, as thinc layers do. It changes nothing
    unless the optimizer keeps averages (`use_averages = true`); a pipeline
    loaded from disk has no averages to read, and no callback."""

    def apply(nlp: Language) -> Language:
        for _, pipe in nlp.pipeline:
            model = getattr(pipe, "model", None)
            if isinstance(model, Model):
                read_optimizer_averages(model)
        return nlp

    return apply


def read_optimizer_averages(model: Model) -> None:
    """Give each PyTorch shim under `model` a `use_params` that reads
    `(shim.id, name)` keys."""
    for node in model.walk():
        for shim in node.shims:
            if isinstance(shim, PyTorchShim) and not isinstance(shim.use_params, AveragedTorchParams):
                shim.use_params = AveragedTorchParams(shim)


# A class rather than a closure, so that a pipeline still pickles.
class AveragedTorchParams:
    """A PyTorch shim's `use_params`: parameters with an `(shim.id, name)` entry
    in `params` take its value inside the context and get their own back after
    it; with no such entry, thinc's `PyTorchShim.use_params` applies."""

    def __init__(self, shim: PyTorchShim):
        self.shim = shim

    @contextlib.contextmanager
    def __call__(self, params: Dict) -> Iterator[None]:
        shim = self.shim
        swapped = [(param, params[(shim.id, name)]) for name, param in shim._model.named_parameters()
                   if (shim.id, name) in params]
        if not swapped:
            with type(shim).use_params(shim, params):
                yield
            return
        saved = [param.detach().clone() for param, _ in swapped]
        with torch.no_grad():
            for param, average in swapped:
                param.copy_(xp2torch(average, device=param.device))
        try:
            yield
        finally:
            with torch.no_grad():
                for (param, _), own in zip(swapped, saved):
                    param.copy_(own)
