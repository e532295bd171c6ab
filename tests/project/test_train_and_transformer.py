from pathlib import Path

import pytest
import srsly
from typer.testing import CliRunner

from spacy_kogner.cli import app
from tests.util import output_text
from spacy_kogner.project.training import resolve_gpu_id
from spacy_kogner.util import gpu_missing

SMOKE_BERT = Path(__file__).parents[2] / "assets" / "smoke" / "transformer"
runner = CliRunner()


def test_gpu_id_resolution_without_a_gpu(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_gpu_id("-1") == -1 and resolve_gpu_id("auto") == -1
    with pytest.raises(ValueError, match="torch sees no CUDA device"):
        resolve_gpu_id("1")
    with pytest.raises(ValueError, match="'gpu0' is neither 'auto' nor a GPU id"):
        resolve_gpu_id("gpu0")


def test_a_gpu_that_thinc_cannot_reach_is_not_used(monkeypatch):
    """torch sees a CUDA device but CuPy is missing: spaCy's trainer could not use it."""
    import thinc.util
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(thinc.util, "gpu_is_available", lambda: False)
    assert resolve_gpu_id("auto") == -1
    assert "install CuPy" in gpu_missing()
    with pytest.raises(ValueError, match="install CuPy"):
        resolve_gpu_id("0")
    monkeypatch.setattr(thinc.util, "gpu_is_available", lambda: True)
    assert resolve_gpu_id("auto") == 0 and resolve_gpu_id("1") == 1


def test_train_refuses_a_gpu_id_it_cannot_use(tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    result = runner.invoke(app, ["train", "configs/kogner.cfg", "--output", str(tmp_path), "--gpu-id", "0"])
    assert result.exit_code == 1
    assert "--gpu-id 0: GPU 0 asked for, but torch sees no CUDA device" in output_text(result)


def test_resolve_transformer_copies_a_local_folder(tmp_path):
    out = tmp_path / "transformer"
    result = runner.invoke(app, ["resolve-transformer", str(SMOKE_BERT), str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "config.json").exists() and srsly.read_json(out / "kogner_source.json")["transformer"] == str(SMOKE_BERT)
    again = runner.invoke(app, ["resolve-transformer", str(SMOKE_BERT), str(out)])
    assert "already holds" in output_text(again)
