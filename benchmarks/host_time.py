"""Host-side time of a pipeline: what `nlp.pipe` spends per word outside the
neural networks' forward passes (spaCy's tokenizer, scispaCy's abbreviation
detector, spacy-transformers' wordpiece tokenization and alignment, and
kogner_ner's KG lookup, graph building, decoding and linking).

On a GPU the forward passes are cheap, and this host time bounds the throughput
of one process: words/s <= 1e6 / (host µs per word). The GPU inference target
(30,000 words/s) needs at most 33 µs per word.

    python benchmarks/host_time.py training/model-best corpus/test.spacy \\
        --output benchmarks/host_time.json --tag kogner

Each stage runs over all texts (components in pipeline order, `nlp.batch_size`
docs per batch, as `nlp.pipe` does). Network time is the forward passes of the
transformer's Hugging Face model (torch hooks) and of the KoGNER model's layers
(the listener's pooling of wordpieces to tokens, the projections, the graph
network, the softmax), all of which a GPU would take over; counting the
listener's alignment work there too makes the bound generous.
Stage times are medians of --repeats passes, the host time the median of the
passes' host times; each call writes its record under --tag in --output (one
JSON object of tags).
"""
import argparse
import time
from pathlib import Path
from statistics import median
from typing import Dict, List

import spacy
import srsly
import torch
from spacy.language import Language
from thinc.api import Model

from kogner_benchmark.measure import code_version, machine_description, read_texts, transformer_precision
from spacy_kogner.ml.kogner import MODEL_NAME


class ForwardTimer:
    """Wall time spent in forward passes: of torch modules (forward hooks) and of
    thinc layers (their forward function wrapped)."""

    def __init__(self):
        self.seconds = 0.0
        self._start = 0.0

    def _enter(self, *_):
        self._start = time.perf_counter()

    def _exit(self, *_):
        self.seconds += time.perf_counter() - self._start

    def watch_module(self, module: torch.nn.Module) -> None:
        """Count the time of each forward of a torch module."""
        module.register_forward_pre_hook(self._enter)
        module.register_forward_hook(self._exit)

    def watch_layer(self, layer: Model) -> None:
        """Count the time of each forward of a thinc layer (with its sublayers)."""
        func = layer._func

        def timed(model, X, is_train):
            start = time.perf_counter()
            try:
                return func(model, X, is_train)
            finally:
                self.seconds += time.perf_counter() - start

        layer._func = timed


def forward_timers(nlp: Language) -> Dict[str, ForwardTimer]:
    """A timer per pipe with a neural network: the torch module of a transformer
    pipe (its Hugging Face model), the layers of a KoGNER model (token vectors
    from the transformer, projections, graph network, softmax)."""
    timers = {}
    for name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is None:
            continue
        kogner = [node for node in model.walk() if node.name == MODEL_NAME]
        if kogner:
            timers[name] = ForwardTimer()
            for layer in kogner[0].layers:
                timers[name].watch_layer(layer)
            continue
        modules = [shim._model for node in model.walk() for shim in node.shims
                   if isinstance(getattr(shim, "_model", None), torch.nn.Module)]
        if modules:
            timers[name] = ForwardTimer()
            timers[name].watch_module(modules[0])
    return timers


def one_pass(nlp: Language, texts: List[str], timers: Dict[str, ForwardTimer]) -> Dict[str, float]:
    """Seconds per stage for one pass over the texts (tokenizer, then each pipe),
    and the seconds of each timed forward."""
    for timer in timers.values():
        timer.seconds = 0.0
    seconds = {}
    start = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    seconds["tokenizer"] = time.perf_counter() - start
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=nlp.batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        seconds[name] = time.perf_counter() - start
    for name, timer in timers.items():
        seconds[f"{name} forward"] = timer.seconds
    seconds["words"] = sum(len(doc) for doc in docs)
    return seconds


def host_seconds(seconds: Dict[str, float]) -> float:
    """Time of a pass (`one_pass`) outside the timed forward passes."""
    stages = {k: v for k, v in seconds.items() if k != "words"}
    forward = sum(v for k, v in stages.items() if k.endswith(" forward"))
    return sum(v for k, v in stages.items() if not k.endswith(" forward")) - forward


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="Pipeline folder or package")
    parser.add_argument("test", type=Path, help=".spacy file whose texts are annotated")
    parser.add_argument("--output", type=Path, required=True, help="JSON file of records by tag")
    parser.add_argument("--tag", required=True, help="Name of this record")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    nlp = spacy.load(args.model)
    texts = read_texts(nlp, args.test)
    timers = forward_timers(nlp)
    with torch.inference_mode():
        list(nlp.pipe(texts[:64]))  # warm-up
        passes = [one_pass(nlp, texts, timers) for _ in range(args.repeats)]
    words = passes[0]["words"]
    stages = {key: median(p[key] for p in passes) for key in passes[0] if key != "words"}
    host_us = [1e6 * host_seconds(p) / words for p in passes]
    record = {
        "model": args.model,
        "pipeline": nlp.pipe_names,
        "uses_kg": any(getattr(pipe, "kg", None) is not None for _, pipe in nlp.pipeline),
        "model_dev_f": nlp.meta.get("performance", {}).get("ents_f"),
        "transformer_inference": transformer_precision(nlp),
        "test_file": str(args.test),
        "words": words,
        "docs": len(texts),
        "passes": args.repeats,
        "us_per_word": {key: round(1e6 * value / words, 2) for key, value in stages.items()},
        "host_us_per_word_passes": [round(us, 2) for us in host_us],
        "host_us_per_word": round(median(host_us), 2),
        "host_bound_words_per_s": round(1e6 / median(host_us)),
        "machine": machine_description(),
        "code": code_version(),
    }
    results = srsly.read_json(args.output) if args.output.exists() else {}
    results[args.tag] = record
    srsly.write_json(args.output, results)
    print(srsly.json_dumps(record, indent=2))


if __name__ == "__main__":
    main()
