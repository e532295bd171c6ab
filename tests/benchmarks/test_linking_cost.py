"""benchmarks/linking_cost.py (a script) on the tiny trained pipeline."""
import json
from pathlib import Path

from spacy.tokens import DocBin

from tests.util import TRAIN_DATA, load_script

ROOT = Path(__file__).resolve().parents[2]


def test_the_cost_record_has_each_generator_s_passes(trained_nlp, trained_dir, tmp_path):
    module = load_script(ROOT / "benchmarks" / "linking_cost.py")
    corpus = tmp_path / "texts.spacy"
    DocBin(docs=[trained_nlp.make_doc(text) for text, _ in TRAIN_DATA]).to_disk(corpus)
    out = tmp_path / "cost.json"
    module.main([str(trained_dir), str(corpus), "--output", str(out), "--repeats", "1"])
    record = json.loads(out.read_text())
    assert set(record["passes"]) == {"exact", "char_ngram"}
    exact, ngram = record["passes"]["exact"][0], record["passes"]["char_ngram"][0]
    assert exact["words"] == ngram["words"] > 0 and exact["peak_rss_mb"] > 50
    assert record["char_ngram_time_ratio"] == round(ngram["seconds"] / exact["seconds"], 3)
