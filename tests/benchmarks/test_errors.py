import pytest
import spacy
import srsly
from spacy.tokens import Doc, DocBin, Span
from typer.testing import CliRunner

from kogner_benchmark.errors import error_analysis, error_kind, training_mentions
from kogner_benchmark.cli import app
from spacy_kogner.kg.table import KGTable
from tests.util import TINY_KG, TRAIN_DATA, output_text, train_examples

WORDS = "Lithium carbonate induced nephrogenic diabetes insipidus after clonidine and aspirin in rats".split()


def _doc(vocab, ents):
    doc = Doc(vocab, words=WORDS)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return doc


def test_error_kind_of_each_case():
    others = {(0, 2): "Chemical", (3, 6): "Disease"}
    assert error_kind((0, 2), "Disease", others) == "type"
    assert error_kind((4, 6), "Disease", others) == "boundary"
    assert error_kind((1, 4), "Chemical", others) == "boundary"  # overlaps both; one has its label
    assert error_kind((4, 7), "Chemical", others) == "boundary+type"
    assert error_kind((7, 8), "Chemical", others) == "no overlap"


def test_error_analysis_counts_and_splits_recall():
    vocab = spacy.blank("en").vocab
    gold = _doc(vocab, [(0, 2, "Chemical"), (3, 6, "Disease"), (7, 8, "Chemical"), (9, 10, "Chemical")])
    predicted = _doc(vocab, [(0, 2, "Chemical"), (4, 6, "Disease"), (9, 10, "Disease"), (11, 12, "Chemical")])
    seen = {"Chemical": {"lithiumcarbonate"}, "Disease": set()}
    kg = KGTable.from_disk(TINY_KG)
    result = error_analysis([gold], [predicted], seen, kg)
    chem, dis = result["Chemical"], result["Disease"]
    assert (chem["gold"], chem["predicted"], chem["correct"]) == (3, 2, 1)
    assert chem["missed"] == {"type": 1, "boundary": 0, "boundary+type": 0, "no overlap": 1}
    assert chem["wrong"] == {"type": 0, "boundary": 0, "boundary+type": 0, "no overlap": 1}
    assert (dis["gold"], dis["predicted"], dis["correct"]) == (1, 2, 0)
    assert dis["missed"]["boundary"] == 1 and dis["wrong"] == {"type": 1, "boundary": 1, "boundary+type": 0,
                                                              "no overlap": 0}
    assert (chem["p"], chem["r"], chem["f"]) == (50.0, 33.33, 40.0)
    groups = chem["recall_by_group"]
    assert groups["seen in training"] == {"gold": 1, "correct": 1, "recall": 100.0}
    assert groups["unseen in training"] == {"gold": 2, "correct": 0, "recall": 0.0}
    # the tiny KG has lithium carbonate and clonidine as Chemical aliases, aspirin not
    assert groups["KG alias of its type"]["gold"] == 2 and groups["not a KG alias of its type"]["gold"] == 1
    assert chem["samples"]["missed no overlap"] == [{"text": "clonidine",
                                                     "context": "nephrogenic diabetes insipidus after clonidine and aspirin in rats"}]
    assert chem["samples"]["missed type"][0]["other side"] == "Disease"


def test_error_analysis_without_kg_has_no_kg_groups():
    vocab = spacy.blank("en").vocab
    gold = _doc(vocab, [(0, 2, "Chemical")])
    result = error_analysis([gold], [_doc(vocab, [])], {})
    assert set(result["Chemical"]["recall_by_group"]) == {"seen in training", "unseen in training"}
    assert result["Chemical"]["f"] == 0.0


def test_error_analysis_rejects_mismatched_docs():
    vocab = spacy.blank("en").vocab
    other = Doc(vocab, words=["Aspirin"])
    with pytest.raises(ValueError, match="doc 0"):
        error_analysis([_doc(vocab, [])], [other], {})


def test_training_mentions_are_alias_keys_per_label():
    nlp = spacy.blank("en")
    seen = training_mentions(eg.reference for eg in train_examples(nlp))
    assert "lithiumcarbonate" in seen["Chemical"] and "cardiacarrest" in seen["Disease"]


@pytest.fixture
def corpus(tmp_path):
    """TRAIN_DATA as a .spacy file."""
    path = tmp_path / "corpus.spacy"
    DocBin(docs=[eg.reference for eg in train_examples(spacy.blank("en"))]).to_disk(path)
    return path


def test_benchmark_errors_command(trained_dir, corpus, tmp_path):
    out = tmp_path / "errors.json"
    result = CliRunner().invoke(app, ["errors", str(corpus), "--model", str(trained_dir),
                                      "--train", str(corpus), "--output", str(out)])
    assert result.exit_code == 0, result.output
    record = srsly.read_json(out)
    assert record["kg"] == "pipeline"
    n_gold = sum(len(ann["entities"]) for _, ann in TRAIN_DATA)
    assert sum(label["gold"] for label in record["labels"].values()) == n_gold
    for label in record["labels"].values():  # every gold mention was a training mention
        assert label["recall_by_group"]["unseen in training"]["gold"] == 0


def test_benchmark_errors_names_a_missing_kg(trained_dir, corpus, tmp_path):
    out = tmp_path / "errors.json"
    result = CliRunner().invoke(app, ["errors", str(corpus), "--model", str(trained_dir),
                                      "--train", str(corpus), "--output", str(out), "--kg", str(tmp_path / "nokg")])
    assert result.exit_code == 1 and "nokg" in output_text(result) and not out.exists()
