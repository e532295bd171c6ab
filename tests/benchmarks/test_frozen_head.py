"""benchmarks/frozen_head.py (a script, not part of the package): one epoch of
the KoGNER head on frozen features of the smoke fixtures."""
import json
import sys
from pathlib import Path

import pytest

from tests.util import TINY_KG, load_script

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "frozen_head.py"


@pytest.mark.slow
@pytest.mark.parametrize("affix_width", [0, 16])
def test_one_epoch_on_the_smoke_corpus(tmp_path, monkeypatch, affix_width):
    from spacy_kogner.corpus.convert import convert_iob_corpus

    convert_iob_corpus(ROOT / "assets" / "smoke" / "corpus", tmp_path / "corpus")
    module = load_script(SCRIPT)
    out = tmp_path / "frozen_head.jsonl"
    monkeypatch.setattr(sys, "argv", [
        "frozen_head.py", "--corpus", str(tmp_path / "corpus"), "--transformer", str(ROOT / "assets" / "smoke" / "transformer"),
        "--kg", str(TINY_KG), "--cache", str(tmp_path / "cache"), "--epochs", "1", "--tag", "test", "--output", str(out),
        "--affix-width", str(affix_width)])
    module.main()
    record = json.loads(out.read_text())
    assert record["tag"] == "test" and len(record["history"]) == 1 and record["affix_width"] == affix_width
    assert 0.0 <= record["best"]["dev_f"] <= 100.0 and set(record["best"]["per_label"]) == {"Chemical", "Disease"}
