"""benchmarks/device/remote/transformer_precision.py (a script run on the device
machine): the float16 copy that travels and the float32 folder rebuilt from it."""
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from tests.util import load_script

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "device" / "remote" / "transformer_precision.py"


@pytest.fixture(scope="module")
def precision():
    return load_script(SCRIPT)


def test_half_then_float_keeps_integer_tensors_and_other_files(precision, tmp_path):
    source = tmp_path / "transformer"
    source.mkdir()
    weights = {"encoder.weight": torch.randn(4, 3), "embeddings.position_ids": torch.arange(512).unsqueeze(0)}
    save_file(weights, str(source / "model.safetensors"))
    (source / "config.json").write_text('{"model_type": "bert"}')
    (source / "1_Pooling").mkdir()
    (source / "1_Pooling" / "config.json").write_text("{}")

    precision.cast_folder("half", source, tmp_path / "travel")
    travelled = load_file(str(tmp_path / "travel" / "model.fp16.safetensors"))
    assert travelled["encoder.weight"].dtype == torch.float16
    assert not (tmp_path / "travel" / "model.safetensors").exists()

    precision.cast_folder("float", tmp_path / "travel", tmp_path / "restored")
    restored = load_file(str(tmp_path / "restored" / "model.safetensors"))
    assert restored["encoder.weight"].dtype == torch.float32
    assert torch.allclose(restored["encoder.weight"], weights["encoder.weight"], rtol=1e-3, atol=1e-3)
    assert torch.equal(restored["embeddings.position_ids"], weights["embeddings.position_ids"])
    assert (tmp_path / "restored" / "config.json").read_text() == '{"model_type": "bert"}'
    assert (tmp_path / "restored" / "1_Pooling" / "config.json").exists()
    assert not (tmp_path / "restored" / "model.fp16.safetensors").exists()
