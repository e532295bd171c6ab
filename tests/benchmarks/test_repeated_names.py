"""benchmarks/repeated_names.py (a script): the rules that make a document's
repeated names agree, and a record from a saved pipeline."""
import json
from pathlib import Path

from spacy_kogner.evaluation.raw_text import evaluate_raw
from tests.util import load_script, write_pubtator_abstracts

ROOT = Path(__file__).resolve().parents[2]
script = load_script(ROOT / "benchmarks" / "repeated_names.py")
WORDS = "A binds B ; A and B , then A B again".split()


def propagate(min_confidence):
    return {"rule": "propagate", "min_confidence": min_confidence}


def majority(add_at, drop_below):
    return {"rule": "majority", "add_at": add_at, "drop_below": drop_below}


def test_propagate_tags_the_free_repeats_of_confident_entities():
    entities = [(0, 1, "Chemical"), (2, 3, "Disease")]
    tagged = script.rewrite(WORDS, entities, [0.9, 0.6], propagate(0.8))
    assert sorted(tagged) == entities + [(4, 5, "Chemical"), (9, 10, "Chemical")]
    tagged = script.rewrite(WORDS, entities, [0.9, 0.6], propagate(0.5))
    assert sorted(tagged) == sorted(entities + [(4, 5, "Chemical"), (6, 7, "Disease"), (9, 10, "Chemical"),
                                                (10, 11, "Disease")])


def test_propagate_leaves_repeats_inside_entities_and_takes_the_most_frequent_label():
    entities = [(0, 1, "Chemical"), (4, 5, "Disease"), (9, 11, "Chemical")]  # "A B" holds the third A
    assert script.rewrite(WORDS, entities, [1.0] * 3, propagate(0.0)) == entities
    words = "A x A x A x A".split()
    entities = [(0, 1, "Disease"), (2, 3, "Chemical"), (4, 5, "Chemical")]
    assert script.rewrite(words, entities, [1.0] * 3, propagate(0.0)) == entities + [(6, 7, "Chemical")]


def test_majority_adds_or_drops_by_the_share_of_tagged_occurrences():
    one_of_three = [(0, 1, "Chemical")]
    assert script.rewrite(WORDS, one_of_three, [1.0], majority(0.5, 0.0)) == one_of_three
    assert script.rewrite(WORDS, one_of_three, [1.0], majority(2.0, 0.34)) == []
    two_of_three = [(0, 1, "Chemical"), (4, 5, "Chemical")]
    assert script.rewrite(WORDS, two_of_three, [1.0] * 2, majority(0.5, 0.0)) == two_of_three + [(9, 10, "Chemical")]
    assert script.rewrite(WORDS, two_of_three, [1.0] * 2, majority(0.67, 0.34)) == two_of_three


def test_a_record_scores_the_pipeline_as_evaluate_raw_does(trained_dir, tmp_path):
    pubtator = write_pubtator_abstracts(tmp_path / "abstracts.PubTator.txt")
    out = tmp_path / "repeated.json"
    record = script.main([str(trained_dir), str(pubtator), "--output", str(out), "--samples", "100"])
    assert json.loads(out.read_text()) == record
    assert record["pipeline_f1"] == evaluate_raw(str(trained_dir), pubtator)["overall"]["f"] > 0
    assert record["docs"] == 2 and record["gold_mentions"] == 8
    assert [{k: row[k] for k in rule} for row, rule in zip(record["rules"], script.RULES)] == script.RULES
    for row in record["rules"]:
        assert row["difference"] == round(row["f_b"] - record["pipeline_f1"], 2)
