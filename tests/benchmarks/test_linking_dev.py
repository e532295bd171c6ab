"""benchmarks/linking_dev.py (a script, not part of the package) on the smoke fixtures."""
import json
import sys
from pathlib import Path

import pytest

from tests.util import load_script

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "assets" / "smoke"


@pytest.mark.slow
def test_the_linking_table_on_the_smoke_fixtures(tmp_path, monkeypatch):
    from spacy_kogner.corpus.convert import convert_iob_corpus, convert_pubtator_corpus

    convert_iob_corpus(SMOKE / "corpus", tmp_path / "corpus")
    pubtator = tmp_path / "pubtator"
    pubtator.mkdir()
    (pubtator / "devel.PubTator.txt").write_bytes((SMOKE / "kg" / "devel.PubTator.txt").read_bytes())
    convert_pubtator_corpus(pubtator, tmp_path / "docs")
    module = load_script(ROOT / "benchmarks" / "linking_dev.py")
    out = tmp_path / "linking.json"
    monkeypatch.setattr(sys, "argv", [
        "linking_dev.py", "--resources", str(SMOKE / "kg" / "resources"), "--hetionet", str(SMOKE / "kg" / "hetionet"),
        "--pubtator-train", str(SMOKE / "kg" / "train.PubTator.txt"), "--gold-corpus", str(tmp_path / "corpus" / "train.spacy"),
        "--dev", str(tmp_path / "docs" / "dev.spacy"), "--output", str(out)])
    module.main()
    record = json.loads(out.read_text())
    rows = record["acc_at_1"]
    assert len(rows) == 5 and all(0 <= s["all"]["acc_at_1"] <= 100 for s in rows.values())
    # fallback candidates never lower accuracy on gold mentions: every exact hit stays first
    assert (rows["char n-grams, abbreviations, ids mapped"]["all"]["acc_at_1"]
            >= rows["exact alias, abbreviations, ids mapped"]["all"]["acc_at_1"])
    # every wrong link of the default linker is sorted into one kind
    document = rows["char n-grams, abbreviations, ids mapped, document concepts"]
    errors = record["errors (char n-grams, document concepts)"]
    assert errors  # the smoke dev split has wrong links to sort
    for label, kinds in errors.items():
        wrong = round(document[label]["mentions"] * (100 - document[label]["acc_at_1"]) / 100)
        assert sum(kind["count"] for kind in kinds.values()) == wrong
    assert set(record["thresholds (char n-grams)"]) == {"0.0", "0.5", "0.6", "0.7", "0.8", "1.0"}
