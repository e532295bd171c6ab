"""benchmarks/paired_bootstrap.py (a script): per-document counts, the paired
bootstrap, and a record from two saved pipelines."""
import json
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import DocBin

from kogner_benchmark.measure import ner_scores, read_examples
from tests.util import TRAIN_DATA, load_script, train_examples

ROOT = Path(__file__).resolve().parents[2]
script = load_script(ROOT / "benchmarks" / "paired_bootstrap.py")


def test_f1_of_summed_counts_and_of_nothing():
    assert script.f1(np.array([3, 4, 4])) == pytest.approx(75.0)
    assert script.f1(np.array([0, 0, 0])) == 0.0


def test_the_same_counts_never_differ_and_a_better_b_wins_most_draws(monkeypatch):
    a = np.array([[1, 2, 2], [0, 1, 1], [2, 2, 3], [1, 1, 1]] * 10)
    same = script.paired_bootstrap(a, a.copy(), samples=500, seed=1)
    assert same["difference"] == 0 and same["bootstrap_sd"] == 0 and same["share_b_not_better"] == 1.0
    b = a.copy()
    b[::2, 0] = b[::2, 2]  # b finds every gold entity of half the documents
    better = script.paired_bootstrap(a, b, samples=500, seed=1)
    assert better["difference"] > 0 and better["share_b_not_better"] < 0.05
    assert better["interval_95"][0] <= better["difference"] <= better["interval_95"][1]
    assert better == script.paired_bootstrap(a, b, samples=500, seed=1)  # seeded
    monkeypatch.setattr(script, "DRAWS_PER_BLOCK", 7)
    assert better == script.paired_bootstrap(a, b, samples=500, seed=1)  # the same draws in any block size
    with pytest.raises(ValueError, match="3 and 40 units"):
        script.paired_bootstrap(a[:3], b, samples=10, seed=0)


def test_a_record_scores_each_pipeline_as_spacy_does(trained_nlp, trained_dir, tmp_path):
    corpus = tmp_path / "gold.spacy"
    DocBin(docs=[eg.reference for eg in train_examples(trained_nlp)]).to_disk(corpus)
    blank = tmp_path / "blank"
    spacy.blank("en").to_disk(blank)  # finds nothing: F1 0
    out = tmp_path / "bootstrap.json"
    script.main([str(blank), str(trained_dir), str(corpus), "--output", str(out), "--samples", "200"])
    record = json.loads(out.read_text())
    expected = ner_scores(trained_nlp, read_examples(trained_nlp, corpus))["f"]
    assert record["f_a"] == 0 and record["f_b"] == expected > 0 and record["difference"] == expected
    assert record["units"] == 5 and record["resampled"] == "documents" and record["gold_entities"] == 8
    assert record["machine"]["cpu_cores"] > 0
    # the first two sentences as one abstract: four units, the same F1
    first, second = (text for text, _ in TRAIN_DATA[:2])
    pubtator = tmp_path / "abstracts.PubTator.txt"
    pubtator.write_text(f"7|t|{first}\n7|a|{second}\n\n", encoding="utf8")
    script.main([str(blank), str(trained_dir), str(corpus), "--output", str(out), "--samples", "200",
                 "--pubtator", str(pubtator)])
    grouped = json.loads(out.read_text())
    assert grouped["units"] == 4 and grouped["resampled"].startswith("abstracts of abstracts.PubTator.txt (3 ")
    assert grouped["f_b"] == record["f_b"] and grouped["gold_entities"] == 8


def test_documents_are_summed_per_abstract_in_order(tmp_path):
    counts = np.array([[1, 1, 1], [0, 2, 1], [1, 1, 2], [3, 3, 3]])
    assert script.unit_counts(counts, ["b", "a", "b", "c"]).tolist() == [[2, 2, 3], [0, 2, 1], [3, 3, 3]]
    pubtator = tmp_path / "abstracts.PubTator.txt"
    pubtator.write_text("11|t|Lithium and disease.\n11|a|Lithium caused harm. Patients recovered.\n\n"
                        "22|t|Another title.\n22|a|Clonidine helped.\n\n", encoding="utf8")
    texts = ["Lithium caused harm .", "Clonidine helped .", "Patients recovered .", "Not in any abstract ."]
    assert script.abstract_of_each_doc(texts, pubtator) == ["pmid:11", "pmid:22", "pmid:11", "doc:3"]
