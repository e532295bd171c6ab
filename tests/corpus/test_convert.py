from pathlib import Path

import spacy
import srsly
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_kogner.cli import app
from tests.util import output_text

SMOKE_CORPUS = Path(__file__).parents[2] / "assets" / "smoke" / "corpus"
runner = CliRunner()


def n_docs(path):
    return len(DocBin().from_disk(path))


def test_convert_writes_docbins_and_counts(tmp_path):
    result = runner.invoke(app, ["convert", str(SMOKE_CORPUS), str(tmp_path)])
    assert result.exit_code == 0, result.output
    stats = srsly.read_json(tmp_path / "stats.json")
    assert {split: n_docs(tmp_path / f"{split}.spacy") for split in ("train", "dev", "test")} == {
        "train": 60, "dev": 60, "test": 60}
    assert stats["train"]["entities"] == {"Chemical": 71, "Disease": 72}
    assert "Chemical 71, Disease 72" in output_text(result)
    # every doc says which labels its corpus annotates (one model on several corpora)
    assert stats["annotated_labels"] == ["Chemical", "Disease"]
    docs = DocBin().from_disk(tmp_path / "test.spacy").get_docs(spacy.blank("en").vocab)
    assert all(list(doc.user_data["annotated_labels"]) == ["Chemical", "Disease"] for doc in docs)


def test_train_fraction_is_seeded(tmp_path):
    def sample(seed, out):
        runner.invoke(app, ["convert", str(SMOKE_CORPUS), str(out), "--train-fraction", "0.25", "--seed", str(seed)])
        nlp = spacy.blank("en")
        return [d.text for d in DocBin().from_disk(out / "train.spacy").get_docs(nlp.vocab)]

    first, again, other = sample(1, tmp_path / "a"), sample(1, tmp_path / "b"), sample(2, tmp_path / "c")
    assert len(first) == 15 and first == again and first != other
    assert n_docs(tmp_path / "a" / "dev.spacy") == 60  # only train is sampled


def test_malformed_corpus_fails_with_file_and_line_and_keeps_old_output(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("train.tsv", "devel.tsv", "test.tsv"):
        (corpus / name).write_text((SMOKE_CORPUS / name).read_text(encoding="utf8"), encoding="utf8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["convert", str(corpus), str(out)]).exit_code == 0
    before = (out / "dev.spacy").read_bytes()
    lines = (corpus / "devel.tsv").read_text(encoding="utf8").splitlines()
    lines[4] = "broken line without a tab"
    (corpus / "devel.tsv").write_text("\n".join(lines) + "\n", encoding="utf8")
    result = runner.invoke(app, ["convert", str(corpus), str(out)])
    assert result.exit_code == 1 and "devel.tsv:5" in output_text(result)
    assert (out / "dev.spacy").read_bytes() == before


def test_unknown_corpus_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["convert", "no-such-corpus", str(tmp_path), "--corpora-root", str(tmp_path)])
    assert result.exit_code == 1 and "no-such-corpus" in output_text(result)


def test_convert_a_pubtator_corpus(tmp_path):
    from tests.corpus.test_pubtator import PUBTATOR

    corpus = tmp_path / "pubtator"
    corpus.mkdir()
    (corpus / "train.PubTator.txt").write_text(PUBTATOR, encoding="utf8")
    (corpus / "devel.PubTator.txt").write_text(PUBTATOR, encoding="utf8")
    result = runner.invoke(app, ["convert", str(corpus), str(tmp_path / "out"), "--format", "pubtator"])
    assert result.exit_code == 0, result.output
    assert "1 misaligned with tokens" in output_text(result)
    stats = srsly.read_json(tmp_path / "out" / "stats.json")
    assert stats["train"]["docs"] == 3 and "test" not in stats
    assert stats["pubtator"]["dev"]["misaligned_examples"][0]["text"] == "Li"
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(nlp.vocab))
    assert docs[0].user_data["pubtator_id"] == "1" and docs[0].ents[0].kb_id_ == "MESH:D009270"
    scispacy = runner.invoke(app, ["convert", str(corpus), str(tmp_path / "sci"), "--format", "pubtator",
                                   "--tokenizer", "scispacy"])
    assert scispacy.exit_code == 0, scispacy.output
    bad = runner.invoke(app, ["convert", str(corpus), str(tmp_path / "x"), "--format", "brat"])
    assert bad.exit_code == 1 and "--format must be one of iob, pubtator" in output_text(bad)


def test_two_corpora_combine_and_each_doc_keeps_its_labels(tmp_path):
    disease_only = tmp_path / "ncbi-like"
    disease_only.mkdir()
    for name in ("train.tsv", "devel.tsv", "test.tsv"):
        (disease_only / name).write_text("Cardiac\tB-Disease\narrest\tI-Disease\nafter\tO\nlidocaine\tO\n.\tO\n\n")
    result = runner.invoke(app, ["convert", f"{SMOKE_CORPUS},{disease_only}", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    stats = srsly.read_json(tmp_path / "out" / "stats.json")
    assert set(stats["corpora"]) == {"corpus", "ncbi-like"}
    assert stats["train"]["docs"] == 61 and stats["train"]["entities"] == {"Chemical": 71, "Disease": 73}
    docs = list(DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(spacy.blank("en").vocab))
    assert [list(d.user_data["annotated_labels"]) for d in docs][-2:] == [["Chemical", "Disease"], ["Disease"]]
    assert n_docs(tmp_path / "out" / "corpora" / "ncbi-like" / "test.spacy") == 1


def test_train_splits_train_dev_puts_the_dev_docs_into_train(tmp_path):
    result = runner.invoke(app, ["convert", str(SMOKE_CORPUS), str(tmp_path / "a"), "--train-fraction", "0.25",
                                 "--train-splits", "train,dev"])
    assert result.exit_code == 0, result.output
    runner.invoke(app, ["convert", str(SMOKE_CORPUS), str(tmp_path / "b"), "--train-fraction", "0.25"])
    vocab = spacy.blank("en").vocab

    def texts(path):
        return [doc.text for doc in DocBin().from_disk(path).get_docs(vocab)]

    # the sampled training docs first, then every dev doc (with its labels); dev.spacy is still written
    assert texts(tmp_path / "a" / "train.spacy") == texts(tmp_path / "b" / "train.spacy") + texts(
        tmp_path / "b" / "dev.spacy")
    docs = list(DocBin().from_disk(tmp_path / "a" / "train.spacy").get_docs(vocab))
    assert len(docs) == 75 and all(doc.user_data["annotated_labels"] == ("Chemical", "Disease") for doc in docs)
    assert n_docs(tmp_path / "a" / "dev.spacy") == 60
    assert srsly.read_json(tmp_path / "a" / "stats.json")["train_splits"] == ["train", "dev"]


def test_the_test_split_never_joins_the_training_data(tmp_path):
    result = runner.invoke(app, ["convert", str(SMOKE_CORPUS), str(tmp_path), "--train-splits", "train,test"])
    assert result.exit_code == 1
    assert "train splits must be train or train,dev, not 'train,test'" in output_text(result)
    assert not (tmp_path / "train.spacy").exists()


def test_joining_a_dev_split_the_corpus_lacks_is_an_error(tmp_path):
    from tests.corpus.test_pubtator import PUBTATOR

    corpus = tmp_path / "pubtator"
    corpus.mkdir()
    (corpus / "train.PubTator.txt").write_text(PUBTATOR, encoding="utf8")
    result = runner.invoke(app, ["convert", str(corpus), str(tmp_path / "out"), "--format", "pubtator",
                                 "--train-splits", "train,dev"])
    assert result.exit_code == 1 and f"{corpus} has no dev split to join the training data" in output_text(result)
    assert not (tmp_path / "out").exists()
