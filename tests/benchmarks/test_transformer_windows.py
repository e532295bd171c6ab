"""benchmarks/transformer_windows.py (a script): window settings, the count of
windows over the encoder's limit, and a record from a saved pipeline."""
import argparse
import json
from pathlib import Path

import pytest
import spacy

from spacy_kogner.evaluation.raw_text import evaluate_raw
from tests.util import load_script, write_pubtator_abstracts

ROOT = Path(__file__).resolve().parents[2]
script = load_script(ROOT / "benchmarks" / "transformer_windows.py")


def test_window_settings_parse_and_name_a_bad_value():
    assert script.window_settings("128/96/500,64/48/250") == [(128, 96, 500), (64, 48, 250)]
    with pytest.raises(argparse.ArgumentTypeError, match="64/48"):
        script.window_settings("128/96/500,64/48")
    with pytest.raises(argparse.ArgumentTypeError, match="x"):
        script.window_settings("128/96/x")


def test_overflowing_windows_counts_windows_over_the_tokenizer_limit(trained_dir):
    nlp = spacy.load(trained_dir)
    docs = [nlp.make_doc(t) for t in ["Naloxone reverses the antihypertensive effect of clonidine .",
                                        "No adverse events ."]]
    windows, over, most = script.overflowing_windows(nlp, docs)
    assert (windows, over) == (2, 0) and most > 8
    nlp.get_pipe("transformer").model.tokenizer.model_max_length = 8
    assert script.overflowing_windows(nlp, docs) == (2, 1, most)


def test_a_record_scores_each_setting_against_the_first(trained_dir, tmp_path):
    pubtator = write_pubtator_abstracts(tmp_path / "abstracts.PubTator.txt")
    out = tmp_path / "windows.json"
    record = script.main([str(trained_dir), str(pubtator), "--settings", "128/96/500,4/2/40",
                          "--output", str(out), "--samples", "100"])
    assert json.loads(out.read_text()) == record
    assert record["docs"] == 2 and record["gold_mentions"] == 8
    base, short = record["settings"]
    assert (base["window"], base["stride"], base["max_bytes"]) == (128, 96, 500) and "difference" not in base
    assert base["f1"] == evaluate_raw(str(trained_dir), pubtator)["overall"]["f"]
    assert (short["window"], short["stride"], short["max_bytes"]) == (4, 2, 40)
    assert short["windows"] > base["windows"] == 2 and short["most_wordpieces"] < base["most_wordpieces"]
    assert abs(short["difference"] - (short["f1"] - base["f1"])) <= 0.011
    assert set(base["per_type_f1"]) == {"Chemical", "Disease"}
