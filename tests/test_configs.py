"""The shipped training config validates, auto-fills and trains with spacy's CLI."""
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.tokens import DocBin
from spacy.training import Example
from thinc.util import has_cupy_gpu

from tests.util import TINY_KG, TRAIN_DATA

CONFIG = Path(__file__).parent.parent / "configs" / "kogner.cfg"


def spacy_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "spacy", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def train_overrides(corpus, transformer):
    """`spacy train` overrides for a 60-step run on the tiny corpus, KG and BERT."""
    return ["--paths.train", corpus, "--paths.dev", corpus, "--paths.kg", TINY_KG,
            "--paths.transformer", transformer, "--training.max_steps", 60, "--training.eval_frequency", 20,
            "--training.optimizer.learn_rate.warmup_steps", 2, "--training.optimizer.learn_rate.initial_rate", 0.003,
            "--training.optimizer.learn_rate.total_steps", 60]


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory):
    nlp = spacy.blank("en")
    db = DocBin()
    for text, ann in TRAIN_DATA:
        db.add(Example.from_dict(nlp.make_doc(text), ann).reference)
    path = tmp_path_factory.mktemp("corpus") / "tiny.spacy"
    db.to_disk(path)
    return path


def test_default_config_auto_fills():
    nlp = spacy.blank("en")
    nlp.add_pipe("kogner_ner")
    model = nlp.config["components"]["kogner_ner"]["model"]
    assert model["@architectures"] == "spacy_kogner.KoGNER.v1"
    assert model["tok2vec"]["@architectures"] == "spacy-transformers.TransformerListener.v1"
    assert model["use_kg"] is True and model["width"] == 128
    assert nlp.config["components"]["kogner_ner"]["scorer"] == {"@scorers": "spacy_kogner.entity_and_link_scorer.v1"}


@pytest.mark.slow
def test_fill_config_from_a_minimal_config(tmp_path):
    base = tmp_path / "base.cfg"
    base.write_text('[nlp]\nlang = "en"\npipeline = ["kogner_ner"]\n\n[components]\n\n[components.kogner_ner]\nfactory = "kogner_ner"\n')
    result = spacy_cli("init", "fill-config", base, tmp_path / "filled.cfg")
    assert result.returncode == 0, result.stderr
    filled = (tmp_path / "filled.cfg").read_text()
    assert "spacy_kogner.KoGNER.v1" in filled and "TransformerListener" in filled


@pytest.mark.slow
def test_debug_config_passes(tiny_corpus):
    result = spacy_cli(
        "debug", "config", CONFIG, "--paths.train", tiny_corpus, "--paths.dev", tiny_corpus, "--paths.kg", TINY_KG
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Config is valid" in " ".join(result.stdout.split())


@pytest.mark.slow
def test_spacy_train_and_evaluate_with_the_shipped_config(tiny_corpus, tiny_bert, tmp_path):
    result = spacy_cli("train", CONFIG, "--output", tmp_path / "out", *train_overrides(tiny_corpus, tiny_bert))
    assert result.returncode == 0, result.stdout + result.stderr
    metrics = tmp_path / "metrics.json"
    result = spacy_cli("evaluate", tmp_path / "out" / "model-best", tiny_corpus, "--output", metrics)
    assert result.returncode == 0, result.stdout + result.stderr
    scores = srsly.read_json(metrics)
    assert scores["ents_f"] > 0.9 and set(scores["ents_per_type"]) == {"Chemical", "Disease"}


@pytest.mark.slow
@pytest.mark.skipif(not has_cupy_gpu, reason="needs a CUDA GPU with cupy (spaCy's GPU backend): thinc sees none here")
def test_spacy_train_and_evaluate_on_gpu(tiny_corpus, tiny_bert, tmp_path):
    result = spacy_cli("train", CONFIG, "--output", tmp_path / "out", "--gpu-id", 0,
                       *train_overrides(tiny_corpus, tiny_bert))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Using GPU: 0" in " ".join((result.stdout + result.stderr).split())
    for gpu_id in (0, -1):  # the GPU-trained pipeline loads and scores on the GPU and on the CPU
        metrics = tmp_path / f"metrics{gpu_id}.json"
        result = spacy_cli("evaluate", tmp_path / "out" / "model-best", tiny_corpus, "--output", metrics, "--gpu-id", gpu_id)
        assert result.returncode == 0, result.stdout + result.stderr
        assert srsly.read_json(metrics)["ents_f"] > 0.9
