import srsly
from typer.testing import CliRunner

from spacy_kogner.cli import app
from spacy_kogner.evaluation.raw_text import read_pubtator_documents
from spacy_kogner.evaluation.scores import set_prf as prf

runner = CliRunner()
PUBTATOR = (
    "1|t|Naloxone reverses the antihypertensive effect of clonidine .\n"
    "1|a|Haloperidol can cause Parkinson 's disease in elderly patients .\n"
    "1\t0\t8\tNaloxone\tChemical\tD009270\n"
    "1\t49\t58\tclonidine\tChemical\tD003000\n"
    "1\t61\t72\tHaloperidol\tChemical\tD006220\n"
    "1\t83\t103\tParkinson 's disease\tDisease\tD010300\n"
    "1\tCID\tD006220\tD010300\n\n"
)


def test_read_pubtator_documents(tmp_path):
    path = tmp_path / "dev.PubTator.txt"
    path.write_text(PUBTATOR, encoding="utf8")
    texts, gold = read_pubtator_documents(path)
    assert texts["1"][83:103] == "Parkinson 's disease"
    assert ("1", 0, 8, "Chemical") in gold and len(gold) == 4


def test_prf():
    gold = {("1", 0, 8, "Chemical"), ("1", 10, 12, "Disease")}
    assert prf({("1", 0, 8, "Chemical"), ("1", 20, 22, "Disease")}, gold) == {"p": 50.0, "r": 50.0, "f": 50.0}
    assert prf(set(), gold)["f"] == 0.0


def test_evaluate_raw_with_each_tokenizer(trained_dir, tmp_path):
    import spacy
    from spacy.util import registry

    from spacy_kogner.evaluation.raw_text import TOKENIZERS

    path = tmp_path / "dev.PubTator.txt"
    path.write_text(PUBTATOR, encoding="utf8")
    texts, gold = read_pubtator_documents(path)
    for tokenizer in ("pipeline", "spacy", "scispacy"):
        out = tmp_path / f"{tokenizer}.json"
        args = ["evaluate-raw", str(trained_dir), str(path), "--output", str(out), "--tokenizer", tokenizer,
                "--exclude", "abbreviation_detector"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        scores = srsly.read_json(out)
        assert scores["gold_mentions"] == 4 and scores["exclude"] == ["abbreviation_detector"]
        assert f"tokenizer {tokenizer}, without abbreviation_detector)" in " ".join(result.output.split())
        # the scores are those of the pipeline's own predictions on the raw text
        nlp = spacy.load(trained_dir, exclude=["abbreviation_detector"])
        if TOKENIZERS[tokenizer]:
            nlp.tokenizer = registry.tokenizers.get(TOKENIZERS[tokenizer])()(nlp)
        predicted = {("1", e.start_char, e.end_char, e.label_) for e in nlp(texts["1"]).ents}
        assert scores["overall"] == prf(predicted, gold) and scores["predicted"] == len(predicted)
        assert len(predicted & gold) >= 3  # the overfitted tiny model finds its training entities
