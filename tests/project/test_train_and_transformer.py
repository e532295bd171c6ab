from pathlib import Path

import srsly
from typer.testing import CliRunner

from spacy_kogner.cli import app
from tests.util import output_text
from spacy_kogner.project.training import resolve_gpu_id

SMOKE_BERT = Path(__file__).parents[2] / "assets" / "smoke" / "transformer"
runner = CliRunner()


def test_gpu_id_resolution():
    import torch

    assert resolve_gpu_id("-1") == -1 and resolve_gpu_id("1") == 1
    assert resolve_gpu_id("auto") == (0 if torch.cuda.is_available() else -1)


def test_resolve_transformer_copies_a_local_folder(tmp_path):
    out = tmp_path / "transformer"
    result = runner.invoke(app, ["resolve-transformer", str(SMOKE_BERT), str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "config.json").exists() and srsly.read_json(out / "kogner_source.json")["transformer"] == str(SMOKE_BERT)
    again = runner.invoke(app, ["resolve-transformer", str(SMOKE_BERT), str(out)])
    assert "already holds" in output_text(again)
