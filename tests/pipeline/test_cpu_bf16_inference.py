import numpy as np
import pytest

from spacy_kogner import util
from spacy_kogner.pipeline.bounded_forward import PredictInSlices
from spacy_kogner.pipeline import cpu_bf16_inference as inference
from spacy_kogner.pipeline.cpu_bf16_inference import ONEDNN_CACHE_ENV, cpu_has_native_bf16, create_cpu_bf16_inference


@pytest.fixture(autouse=True)
def onednn_env(monkeypatch):
    """Each test starts without the oneDNN cache variable; its value is restored afterwards."""
    monkeypatch.setenv(ONEDNN_CACHE_ENV, "unset")
    monkeypatch.delenv(ONEDNN_CACHE_ENV)


def test_native_bf16_is_read_from_the_cpu_flags(tmp_path, monkeypatch):
    cpuinfo = tmp_path / "cpuinfo"
    monkeypatch.setattr(util, "CPUINFO", cpuinfo)
    try:
        cpuinfo.write_text("processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu sse avx2 avx512f avx512_bf16\n")
        util.cpu_features.cache_clear()
        assert cpu_has_native_bf16() and util.cpu_features()[0] == "Test CPU"
        cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\n")
        util.cpu_features.cache_clear()
        assert not cpu_has_native_bf16()
        monkeypatch.setattr(util, "CPUINFO", tmp_path / "missing")
        util.cpu_features.cache_clear()
        assert not cpu_has_native_bf16() and util.cpu_features() == (None, frozenset())
    finally:
        util.cpu_features.cache_clear()


@pytest.mark.parametrize("native", [True, False])
def test_bf16_inference_keeps_float32_outputs_and_training(trained_dir, monkeypatch, native):
    import spacy

    monkeypatch.setattr(inference, "cpu_has_native_bf16", lambda: native)
    nlp = spacy.load(trained_dir)
    text = "Naloxone reverses the antihypertensive effect of clonidine ."
    before = [(e.start, e.end, e.label_) for e in nlp(text).ents]
    create_cpu_bf16_inference()(nlp)
    trf = nlp.get_pipe("transformer")
    assert isinstance(trf.predict, inference.BF16Predict) is native
    doc = nlp(text)
    assert all(t.dtype == np.float32 for t in doc._.trf_data.tensors)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == before  # the overfitted tiny model agrees
    from spacy.training import Example

    losses = nlp.update([Example.from_dict(nlp.make_doc(text), {"entities": [(0, 8, "Chemical")]})])
    assert np.isfinite(losses["kogner_ner"])


def test_disabled_callback_changes_nothing(trained_dir, monkeypatch):
    import spacy

    monkeypatch.setattr(inference, "cpu_has_native_bf16", lambda: True)
    nlp = spacy.load(trained_dir)
    create_cpu_bf16_inference(enabled=False)(nlp)
    assert not isinstance(nlp.get_pipe("transformer").predict, inference.BF16Predict)


def test_callback_in_the_config_survives_loading_the_weights(trained_dir, tmp_path, monkeypatch):
    import shutil

    import spacy
    from thinc.api import Config

    monkeypatch.setattr(inference, "cpu_has_native_bf16", lambda: True)
    path = tmp_path / "pipeline"
    shutil.copytree(trained_dir, path)
    config = Config().from_disk(path / "config.cfg", interpolate=False)
    config["nlp"]["after_pipeline_creation"] = {"@callbacks": "spacy_kogner.cpu_bf16_inference.v1", "enabled": True}
    config.to_disk(path / "config.cfg")
    nlp = spacy.load(path)
    trf = nlp.get_pipe("transformer")
    assert isinstance(trf.predict, inference.BF16Predict)
    assert isinstance(trf.model.layers[0].attrs["convert_outputs"], inference.Float32Outputs)
    assert isinstance(trf.model.layers[0].shims[0].predict, PredictInSlices)  # the window bound, on by default
    doc = nlp("Naloxone reverses the antihypertensive effect of clonidine .")
    assert [(e.text, e.label_) for e in doc.ents] == [("Naloxone", "Chemical"), ("clonidine", "Chemical")]


def test_callback_bounds_the_onednn_cache_unless_the_environment_says(monkeypatch):
    import os

    import spacy

    monkeypatch.setattr(inference, "cpu_has_native_bf16", lambda: False)
    create_cpu_bf16_inference(onednn_cache_capacity=None)(spacy.blank("en"))
    assert ONEDNN_CACHE_ENV not in os.environ
    create_cpu_bf16_inference()(spacy.blank("en"))
    assert os.environ[ONEDNN_CACHE_ENV] == "8"
    monkeypatch.setenv(ONEDNN_CACHE_ENV, "64")  # the user's setting wins
    create_cpu_bf16_inference(onednn_cache_capacity=4)(spacy.blank("en"))
    assert os.environ[ONEDNN_CACHE_ENV] == "64"
    with pytest.raises(ValueError, match="onednn_cache_capacity"):
        create_cpu_bf16_inference(onednn_cache_capacity=-1)(spacy.blank("en"))
