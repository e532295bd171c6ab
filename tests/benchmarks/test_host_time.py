"""benchmarks/host_time.py (a script, not part of the package): its stage and
forward timings on the tiny trained pipeline."""
from pathlib import Path

import pytest
import spacy
import torch

from tests.util import TRAIN_DATA, load_script

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "host_time.py"


def spans_of(doc):
    return [(ent.start, ent.end, ent.label_) for ent in doc.ents]


@pytest.fixture(scope="module")
def host_time():
    return load_script(SCRIPT)


def test_a_pass_times_every_stage_and_both_networks(host_time, trained_dir):
    nlp = spacy.load(trained_dir)  # a fresh copy: the timers wrap its layers
    texts = [text for text, _ in TRAIN_DATA]
    expected = [spans_of(doc) for doc in nlp.pipe(texts)]
    timers = host_time.forward_timers(nlp)
    assert set(timers) == {"transformer", "kogner_ner"}
    with torch.inference_mode():
        seconds = host_time.one_pass(nlp, texts, timers)
    assert seconds.pop("words") == sum(len(nlp.make_doc(t)) for t in texts)
    assert set(seconds) == {"tokenizer", *nlp.pipe_names, "transformer forward", "kogner_ner forward"}
    for name in ("transformer", "kogner_ner"):
        assert 0 < seconds[f"{name} forward"] < seconds[name]
    total = sum(v for k, v in seconds.items() if not k.endswith(" forward"))
    assert 0 < host_time.host_seconds(seconds) < total
    # the timers only observe: predictions are unchanged
    assert [spans_of(doc) for doc in nlp.pipe(texts)] == expected
