"""Inference settings for spacy-transformers pipes: bfloat16 on CPUs with
native bf16 arithmetic (AVX512-BF16 or AMX; thinc autocasts on CUDA only, and
the transformer is most of the inference time on a CPU), a bounded oneDNN
primitive cache (it keeps one compiled kernel per input shape, and every batch
of documents has a new padded shape) and, on every device, a bounded number of
windows per transformer forward pass (`bounded_forward.py`). The registered
name keeps its first wording, which saved pipelines' configs carry."""
import os
from typing import Any, Callable, Optional, Tuple

import torch
from spacy.language import Language
from spacy.util import registry
from spacy_transformers import Transformer
from thinc.api import Model, NumpyOps

from ..util import cpu_features
from .bounded_forward import bound_windows_per_forward

NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")
ONEDNN_CACHE_ENV = "ONEDNN_PRIMITIVE_CACHE_CAPACITY"


def cpu_has_native_bf16() -> bool:
    """True if the CPU reports bf16 dot-product instructions (Linux /proc/cpuinfo)."""
    return any(flag in cpu_features()[1] for flag in NATIVE_BF16_FLAGS)


@registry.callbacks("spacy_kogner.cpu_bf16_inference.v1")
def create_cpu_bf16_inference(
    enabled: bool = True, onednn_cache_capacity: Optional[int] = 8, max_windows_per_forward: Optional[int] = 128
) -> Callable[[Language], Language]:
    """An `[nlp.after_pipeline_creation]` callback: transformer pipes predict under
    torch.autocast("cpu", bfloat16) when the pipeline runs on a CPU with native
    bf16 (`enabled`); training (`update`) stays float32 and other machines are unchanged.
    `max_windows_per_forward` bounds the windows one transformer forward pass
    predicts (None: all windows of a batch at once, spacy-transformers' way), which
    bounds the memory a long document takes.
    `onednn_cache_capacity` bounds oneDNN's primitive cache (default 1024 kernels,
    hundreds of MB when every batch has a new shape) unless the environment sets
    ONEDNN_PRIMITIVE_CACHE_CAPACITY; oneDNN reads it when the process creates its
    first kernel, so it applies to the first pipeline a process runs. None: leave it."""

    if onednn_cache_capacity is not None and onednn_cache_capacity < 0:
        raise ValueError(f"onednn_cache_capacity must be >= 0 or None, got {onednn_cache_capacity}")
    if max_windows_per_forward is not None and max_windows_per_forward < 1:
        raise ValueError(f"max_windows_per_forward must be >= 1 or None, got {max_windows_per_forward}")

    def apply(nlp: Language) -> Language:
        if onednn_cache_capacity is not None:
            os.environ.setdefault(ONEDNN_CACHE_ENV, str(onednn_cache_capacity))
        bf16 = enabled and cpu_has_native_bf16()
        for _, pipe in nlp.pipeline:
            if isinstance(pipe, Transformer):
                if bf16:
                    enable_bf16_inference(pipe)
                if max_windows_per_forward is not None:
                    bound_windows_per_forward(pipe, max_windows_per_forward)
        return nlp

    return apply


def enable_bf16_inference(pipe: Transformer) -> None:
    """Make `pipe.predict` autocast to bfloat16 on the CPU, with the transformer's
    outputs cast back to float32 for the layers that read them."""
    pipe.predict = BF16Predict(pipe)
    wrapper = pipe.model.layers[0]  # the HFWrapper of TransformerModel
    if not isinstance(wrapper.attrs["convert_outputs"], Float32Outputs):
        wrapper.attrs["convert_outputs"] = Float32Outputs(wrapper.attrs["convert_outputs"])


# The wrappers are classes rather than closures so that the pipeline still
# pickles (`nlp.pipe` with n_process > 1 under the spawn or forkserver start method).
class BF16Predict:
    """A transformer pipe's `predict` under torch.autocast("cpu", bfloat16)."""

    def __init__(self, pipe: Transformer):
        self.pipe = pipe

    def __call__(self, docs):
        predict = type(self.pipe).predict
        if not isinstance(self.pipe.model.ops, NumpyOps):  # on a GPU: thinc's mixed_precision applies
            return predict(self.pipe, docs)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return predict(self.pipe, docs)


class Float32Outputs:
    """A thinc convert_outputs that casts bfloat16 tensors of the model output to float32 first."""

    def __init__(self, convert_outputs: Callable):
        self.convert_outputs = convert_outputs

    def __call__(self, model: Model, inputs_outputs: Tuple[Any, Any], is_train: bool):
        inputs, output = inputs_outputs
        for key, value in list(output.items()):
            if isinstance(value, torch.Tensor) and value.dtype == torch.bfloat16:
                output[key] = value.float()
        return self.convert_outputs(model, (inputs, output), is_train)
