import spacy
from spacy.util import registry


def make_nlp():
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "spacy_kogner.SciSpacyTokenizer.v1"}}})


def test_scispacy_tokenizer_from_config(tmp_path):
    nlp = make_nlp()
    text = "Patients (n=12) received 5-fluorouracil; IL-2 levels rose."
    words = [t.text for t in nlp(text)]
    assert words == [t.text for t in registry.tokenizers.get("spacy_kogner.SciSpacyTokenizer.v1")()(spacy.blank("en"))(text)]
    assert "5-fluorouracil" in words and "(" in words
    nlp.to_disk(tmp_path / "p")
    assert [t.text for t in spacy.load(tmp_path / "p")(text)] == words
